import { expect, test } from 'vitest';
import { formatIssues } from './form-rules';

test('format issues for a body, in the one FieldIssue shape, without sending anything', () => {
  expect(formatIssues({ call: 'bind-billing-account', body: { username: 'a', code: '12' } }).map((i) => i.path)).toEqual(['username', 'code']);
  expect(formatIssues({ call: 'bind-billing-account', body: { username: 'acme', code: '123456' } })).toEqual([]);
  // Nested fields are dotted, as the API reports them.
  const issues = formatIssues({
    call: 'create-workspace',
    body: { name: 'W', language: 'zh', agreeTerms: true, guanceAccount: { kind: 'existing', email: 'not-an-email', code: '123456' } },
  });
  expect(issues).toEqual([{ path: 'guanceAccount.email', message: 'Not an email address' }]);
});
