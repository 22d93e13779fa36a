import type { Db } from '../connection';

/** Who did what to which record and why, for actions people take (console, CLI): migration 005. */
export interface OperatorActionEntry {
  at: number;
  /** The operator's email, or `cli:<user>` for a command line. */
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  /** 'ok', or the error code the attempt was refused with. */
  outcome: string;
  /** The request (or CLI run) whose audit_log rows hold the changes. */
  requestId: string | null;
}

export interface OperatorAction extends OperatorActionEntry {
  id: number;
}

export class OperatorActionRepository {
  private readonly insert;

  constructor(db: Db) {
    this.insert = db.prepare(
      `INSERT INTO operator_actions (at, actor, action, target, reason, outcome, request_id)
       VALUES (@at, @actor, @action, @target, @reason, @outcome, @requestId)`,
    );
  }

  log(e: OperatorActionEntry): void {
    this.insert.run({ ...e, target: e.target.slice(0, 200), reason: e.reason?.slice(0, 500) ?? null, outcome: e.outcome.slice(0, 64) });
  }
}
