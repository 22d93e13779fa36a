import { describe, expect, it } from 'vitest';
import { currentAuditContext, MissingAuditContextError, registerAuditFunctions, withAuditContext } from './audit-context';
import { openDatabase } from './connection';
import { createRepositories } from './repositories';

const instance = (id: string) => ({
  id, accountId: '1234567890123456', orderId: null, productCode: 'p', skuId: null, trial: false, template: null, expiredOn: null,
});
const auditRows = (db: ReturnType<typeof openDatabase>) =>
  db.prepare('SELECT entity_id, request_id, at FROM audit_log ORDER BY id').all() as { entity_id: string; request_id: string | null; at: number }[];

describe('audit context', () => {
  it('records the id and the clock of the scope around a write, and nested scopes restore the outer one', () => {
    const db = openDatabase(':memory:');
    const repos = createRepositories(db);
    withAuditContext({ requestId: 'outer', now: () => 1000 }, () => {
      repos.instances.insert(instance('1'), 0);
      withAuditContext({ requestId: 'inner', now: () => 2000 }, () => repos.instances.insert(instance('2'), 0));
      repos.instances.insert(instance('3'), 0);
    });
    expect(auditRows(db)).toEqual([
      { entity_id: '1', request_id: 'outer', at: 1000 },
      { entity_id: '2', request_id: 'inner', at: 2000 },
      { entity_id: '3', request_id: 'outer', at: 1000 },
    ]);
    expect(currentAuditContext()).toBeUndefined();
  });

  it('repos.tx(fn, audit) runs the transaction in that context; a throw restores the previous one', () => {
    const db = openDatabase(':memory:');
    const repos = createRepositories(db);
    repos.tx(() => repos.instances.insert(instance('1'), 0), { requestId: 'req-1', now: () => 5 });
    expect(() => repos.tx(() => {
      repos.instances.insert(instance('2'), 0);
      throw new Error('refused');
    }, { requestId: 'req-2', now: () => 6 })).toThrow('refused');
    expect(currentAuditContext()).toBeUndefined();
    expect(auditRows(db)).toEqual([{ entity_id: '1', request_id: 'req-1', at: 5 }]);
  });

  it('under tests, an audited write outside any context fails and writes nothing', () => {
    const db = openDatabase(':memory:');
    const repos = createRepositories(db);
    expect(process.env.NODE_ENV).toBe('test');
    expect(() => repos.instances.insert(instance('1'), 0)).toThrow(MissingAuditContextError);
    expect(() => repos.tx(() => repos.instances.insert(instance('1'), 0))).toThrow(MissingAuditContextError);
    expect(db.prepare('SELECT COUNT(*) FROM instances').pluck().get()).toBe(0);
    // A write that no trigger audits needs no context.
    repos.outbox.add({ to: 'a@example.com', subject: 's', text: 'b' }, 0);
  });

  it('outside tests (strict off), such a write is kept with no request id', () => {
    const db = openDatabase(':memory:');
    registerAuditFunctions(db, false);
    createRepositories(db).instances.insert(instance('1'), 0);
    expect(auditRows(db).map((r) => r.request_id)).toEqual([null]);
  });

  it('refuses an async function: its context would be gone after the first await', async () => {
    const db = openDatabase(':memory:');
    const repos = createRepositories(db);
    let seenAfterAwait: unknown = 'not run';
    const run = () =>
      // @ts-expect-error the type refuses a function returning a promise
      withAuditContext({ requestId: 'r', now: Date.now }, async () => {
        await Promise.resolve();
        seenAfterAwait = currentAuditContext();
      });
    expect(run).toThrow(/returned a promise/);
    await new Promise((r) => setTimeout(r, 0));
    expect(seenAfterAwait).toBeUndefined();
    expect(() =>
      // @ts-expect-error the same through repos.tx
      repos.tx(async () => repos.instances.insert(instance('1'), 0), { requestId: 'r', now: Date.now })).toThrow();
  });
});
