// Who and when, for the audit triggers (migration 002). The triggers call `audit_request_id()` and
// `audit_now()`; this module registers both on a connection and carries the values per request in
// AsyncLocalStorage, so a write anywhere below a request handler is attributed to that request
// without passing ids through every repository.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './connection';

export interface AuditContext {
  /** The request id (middleware), or e.g. `sweep-…` for work the server does on its own. */
  requestId: string;
  now: () => number;
}

const storage = new AsyncLocalStorage<AuditContext>();

/** Runs `fn` with `ctx` as the audit context of every write it makes (also across awaits). */
export function withAuditContext<T>(ctx: AuditContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentAuditContext(): AuditContext | undefined {
  return storage.getStore();
}

/** Must run on every connection that writes (openDatabase and migrate do it). */
export function registerAuditFunctions(db: Db): void {
  db.function('audit_request_id', { deterministic: false, varargs: false }, () => storage.getStore()?.requestId ?? null);
  db.function('audit_now', { deterministic: false, varargs: false }, () => (storage.getStore()?.now ?? Date.now)());
}
