// The format rules of every form: the API's own schemas, run where the wizard runs, so a step's
// "Next" answers at once and says exactly what the API would. Its own module, loaded when a step
// first checks (the schemas would otherwise weigh on the popup's first paint).
import { fieldIssues, type FieldIssue } from '../../../shared/errors';
import { WIZARD_CALLS, type CallRequest } from '../../../shared/wizard';

/** What the API would say is wrong with this call's body; empty when it would accept it. */
export function formatIssues(request: CallRequest): FieldIssue[] {
  const r = WIZARD_CALLS[request.call].safeParse(request.body);
  return r.success ? [] : fieldIssues(r.error);
}
