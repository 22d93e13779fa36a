// The wizard's transport in the extension: each call goes to the background as a `wizard/call`
// message (the background holds the token and talks to the API); a background that cannot be
// reached is a network failure the user can retry.
import type { CallResult } from '../../shared/wizard';
import { send } from '../lib/messaging';
import type { WizardTransport } from './model/transport';

export const extensionTransport: WizardTransport = {
  async call(call, body) {
    try {
      const reply = await send({ type: 'wizard/call', call, body: body as Record<string, unknown> });
      if (reply && typeof reply === 'object' && typeof reply.ok === 'boolean') return reply as CallResult<never>;
      return { ok: false, error: { kind: 'network', message: 'No answer from the extension background' } };
    } catch (e) {
      return { ok: false, error: { kind: 'network', message: e instanceof Error ? e.message : String(e) } };
    }
  },
};
