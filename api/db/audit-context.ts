// Who and when, for the audit triggers (migration 002). The triggers call `audit_request_id()` and
// `audit_now()`; this module registers both on a connection and answers them from the context of
// the synchronous scope being run.
//
// Why not AsyncLocalStorage: on Node 20 it turns on promise hooks for the whole process, which cost
// about a quarter of the API's throughput (GET /health ~4,500 → ~6,350 req/s without it). It is not
// needed either: better-sqlite3 is synchronous, so every audited write happens inside one synchronous
// stretch of JS, and a module-level "current context" set around that stretch is exact. Callers pass
// the request's context explicitly (routes → services) and enter it around their transaction, after
// any await (a context cannot follow an await: the type and a run-time check refuse async functions).
import type { Db } from './connection';

export interface AuditContext {
  /** The request id (middleware), or e.g. `sweep-…` for work the server does on its own. */
  requestId: string;
  now: () => number;
}

let current: AuditContext | undefined;

/** What a synchronous function may return: anything but a promise (or other thenable). */
export type NotAsync<T> = T extends PromiseLike<unknown> ? never : T;

/**
 * Runs `fn` synchronously with `ctx` as the audit context of every write it makes, then restores
 * the previous one (scopes nest: a sweep inside a request keeps its own id). Synchronous only: the
 * context is gone by the time an await resumes, so a function returning a promise is refused.
 */
export function withAuditContext<T>(ctx: AuditContext, fn: () => NotAsync<T>): NotAsync<T> {
  const previous = current;
  current = ctx;
  let result: NotAsync<T>;
  try {
    result = fn();
  } finally {
    current = previous;
  }
  if (isThenable(result)) {
    // Whatever ran after its first await ran without this context: a programming error, said loudly.
    throw new TypeError('withAuditContext: fn returned a promise; enter the audit context around the synchronous transaction, after the awaits');
  }
  return result;
}

function isThenable(v: unknown): boolean {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

export function currentAuditContext(): AuditContext | undefined {
  return current;
}

/** Thrown (under tests) by an audited write made outside any audit context. */
export class MissingAuditContextError extends Error {
  constructor() {
    super('An audited table was written outside withAuditContext: pass the request\'s AuditContext down to the write');
    this.name = 'MissingAuditContextError';
  }
}

/**
 * Must run on every connection that writes (openDatabase and migrate do it). With `strict` (the
 * default under NODE_ENV=test), an audited write with no context fails instead of recording a
 * NULL request id, so a forgotten context cannot pass the test suite unnoticed.
 */
export function registerAuditFunctions(db: Db, strict = process.env.NODE_ENV === 'test'): void {
  db.function('audit_request_id', { deterministic: false, varargs: false }, () => {
    if (current?.requestId) return current.requestId;
    if (strict) throw new MissingAuditContextError();
    return null;
  });
  db.function('audit_now', { deterministic: false, varargs: false }, () => (current?.now ?? Date.now)());
}
