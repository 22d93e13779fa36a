import { describe, expect, it } from 'vitest';
import { FreeLoginFailure, FreeLoginOutcome, freeLoginMessageKeys } from '../../shared/free-login';
import { freeLoginFailure } from './free-login-outcome';

const answer = (status: number, code: string, details?: unknown) => ({ status, body: { error: { code, details } } });

describe('freeLoginFailure', () => {
  it('names each refusal of a free login', () => {
    const cases: [ReturnType<typeof answer>, string, string][] = [
      [answer(403, 'BAD_SIGNATURE'), 'bad-signature', 'login-again'],
      [answer(410, 'CODE_EXPIRED', { reason: 'too-old' }), 'link-expired', 'login-again'],
      [answer(409, 'TOKEN_REPLAYED'), 'link-replayed', 'login-again'],
      [answer(400, 'VALIDATION_FAILED', [{ path: 'timeStamp', message: 'x' }]), 'bad-link', 'login-again'],
      [answer(400, 'BAD_REQUEST'), 'bad-link', 'login-again'],
      [answer(404, 'INSTANCE_NOT_FOUND', { instanceId: '1' }), 'instance-unknown', 'wait-and-retry'],
      [answer(409, 'INSTANCE_NOT_ACTIVE', { status: 'released' }), 'instance-released', 'buy-again'],
      [answer(503, 'SERVICE_UNAVAILABLE'), 'unavailable', 'contact-support'],
      [answer(500, 'INTERNAL'), 'unavailable', 'contact-support'],
    ];
    for (const [a, failure, remedy] of cases) {
      const o = freeLoginFailure(a);
      expect(o).toEqual({ ok: false, failure, remedy, code: a.body.error.code, status: a.status });
      expect(FreeLoginOutcome.parse(o)).toEqual(o);
    }
  });

  it('says until when an expired instance keeps its workspaces frozen', () => {
    const until = '2026-02-01T00:00:00.000Z';
    expect(freeLoginFailure(answer(409, 'INSTANCE_NOT_ACTIVE', { status: 'expired', frozenUntil: until })))
      .toMatchObject({ failure: 'instance-expired', remedy: 'renew', frozenUntil: until });
  });

  it('has message keys for every failure', () => {
    expect(freeLoginMessageKeys('link-replayed')).toEqual({ title: 'free_login_link_replayed_title', advice: 'free_login_link_replayed_advice' });
    expect(new Set(FreeLoginFailure.options.map((f) => freeLoginMessageKeys(f).title)).size).toBe(FreeLoginFailure.options.length);
  });
});
