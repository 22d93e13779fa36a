import { expect, test } from 'vitest';
import { RegistrationBody, CreateWorkspaceBody } from '../../../shared/schemas';
import { issuesOf, fieldOfPath, messagesFor } from './field-errors';
import { initialState } from './reducer';
import { createWorkspaceBody, localCheck, registrationBody, requestFor, sendCodeBody } from './requests';

test('the registration body built from the three steps is what the API schema accepts', () => {
  const body = registrationBody({
    username: ' alice ', password: 'secret123', passwordConfirm: 'secret123', email: 'a@x.com ', code: '123456', phone: '',
    companyName: 'ACME', contactName: 'Al', industry: '', workspaceName: 'Prod', language: 'en', agreeTerms: true,
  });
  expect(body).toEqual({
    username: 'alice', password: 'secret123', email: 'a@x.com', code: '123456',
    company: { name: 'ACME', contactName: 'Al' }, workspace: { name: 'Prod', language: 'en' }, agreeTerms: true,
  });
  expect(RegistrationBody.safeParse(body).success).toBe(true);
});

test('create-workspace bodies for an existing and a new Guance account', () => {
  const v = { workspaceName: 'W', language: 'zh', username: 'bob', password: 'pw123456', passwordConfirm: 'pw123456', email: 'b@x.com', code: '654321', phone: '+86 138 0000 0000', agreeTerms: true };
  expect(CreateWorkspaceBody.safeParse(createWorkspaceBody('workspace-create-new', v)).success).toBe(true);
  const existing = createWorkspaceBody('workspace-create-existing', v);
  expect(existing.guanceAccount).toEqual({ kind: 'existing', email: 'b@x.com', code: '654321' });
  expect(CreateWorkspaceBody.safeParse(existing).success).toBe(true);
});

test('send-code purpose follows the step', () => {
  expect(sendCodeBody('register-basic', { email: 'a@x.com' })).toEqual({ purpose: 'register', email: 'a@x.com' });
  expect(sendCodeBody('bind-billing-account', { username: 'acme' })).toEqual({ purpose: 'bind-billing-account', username: 'acme' });
  expect(sendCodeBody('workspace-create-new', { email: 'b@x.com' })).toEqual({ purpose: 'guance-account', email: 'b@x.com' });
  const s = { ...initialState(), status: 'bind-billing-account' as const };
  s.values = { ...s.values, 'bind-billing-account': { username: 'acme', code: '1' } };
  expect(requestFor('send-code', s)).toEqual({ call: 'send-code', body: { purpose: 'bind-billing-account', username: 'acme' } });
});

test('local checks: empty fields, the two passwords, the terms; optional fields may stay empty', () => {
  expect(localCheck('register-basic', { username: 'a', password: 'x', passwordConfirm: 'y', email: 'e', code: '' })).toEqual({
    passwordConfirm: { key: 'error_passwords_differ' },
    code: { key: 'error_required' },
  });
  expect(localCheck('register-method', { workspaceName: 'w', language: 'zh', agreeTerms: false })).toEqual({ agreeTerms: { key: 'error_invalid_agreeTerms' } });
  expect(localCheck('register-company', { companyName: 'c', contactName: 'n' })).toEqual({});
  expect(localCheck('bind-billing-account', {}, ['username'])).toEqual({ username: { key: 'error_required' } });
});

test('issue paths → field names', () => {
  expect(fieldOfPath('company.name')).toBe('companyName');
  expect(fieldOfPath('workspace.name')).toBe('workspaceName');
  expect(fieldOfPath('name')).toBe('workspaceName');
  expect(fieldOfPath('guanceAccount.email')).toBe('email');
  expect(fieldOfPath('')).toBeNull();
});

test('VALIDATION_FAILED details: the FieldIssues in them, nothing else', () => {
  expect(issuesOf([{ path: 'a.b', message: 'm' }, { path: ['a'], message: 'array paths are not the shape' }, 'x'])).toEqual([{ path: 'a.b', message: 'm' }]);
  expect(issuesOf({ issues: [{ path: 'a.b', message: 'm' }] })).toEqual([]);
  expect(issuesOf('nonsense')).toEqual([]);
});

test('an unknown refusal code is still shown for the step, with the API\'s words as detail', () => {
  expect(messagesFor({ kind: 'api', status: 418, code: 'TEAPOT', message: 'short and stout' }, 'start-activation', () => '')).toEqual({
    fields: {},
    form: { key: 'error_code_TEAPOT', detail: 'short and stout' },
    retry: null,
  });
});
