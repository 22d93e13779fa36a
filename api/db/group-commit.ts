// Group commit: the writes of every request served in one turn of the event loop go into one
// transaction, committed once at the end of that turn, and no answer leaves before the commit that
// holds its writes (an acknowledged write is never lost, as with one commit per request).
//
// Why: a commit is most of what a small write costs (the WAL frames of every page it touched, the
// locks), and under load several requests arrive per turn. Each request's own transaction still
// runs as a savepoint inside the batch: a refusal rolls back its writes alone. A batch whose commit
// fails is rolled back, and every answer that may have depended on it (any request in flight while
// it was open) becomes a 503; the client tries again.
import type { Db } from './connection';

interface Batch {
  seq: number;
  /** Settles once the batch is committed or rolled back (which one: `lastFailed`). */
  done: Promise<void>;
  settle(): void;
}

export class GroupCommit {
  private open: Batch | null = null;
  private seq = 0;
  private lastFailed = 0;
  /** Commits so far (tests and the bench read it). */
  commits = 0;

  constructor(
    private readonly db: Db,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Runs `body` inside the open batch, opening one (BEGIN IMMEDIATE) if none is. */
  join<T>(body: () => T): T {
    // SQLite itself rolled the batch back (a disk full mid-statement): it failed, a new one begins.
    if (this.open && !this.db.inTransaction) this.commit(this.open);
    if (!this.open) this.begin();
    return body();
  }

  private begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
    let settle!: () => void;
    const done = new Promise<void>((ok) => {
      settle = ok;
    });
    const batch: Batch = { seq: ++this.seq, done, settle };
    this.open = batch;
    // After the I/O callbacks of this turn: the other requests that arrived with this one join it.
    setImmediate(() => this.commit(batch));
  }

  /** Commits the open batch now (shutdown, or its turn ended). */
  commitNow(): void {
    if (this.open) this.commit(this.open);
  }

  private commit(batch: Batch): void {
    if (this.open !== batch) return;
    this.open = null;
    try {
      this.db.exec('COMMIT');
      this.commits++;
    } catch (e) {
      this.lastFailed = batch.seq;
      this.log(`group commit failed, ${batch.seq}: ${e instanceof Error ? e.message : String(e)}`);
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // the connection rolled back itself
      }
    }
    batch.settle();
  }

  /** Where a request starts: the batches from here on are the ones its answer may depend on. */
  mark(): number {
    return this.open ? this.open.seq - 1 : this.seq;
  }

  /**
   * Whether everything since `mark` is durable: true at once when no batch is open and none failed;
   * otherwise once the open batch has committed (false when a batch since `mark` failed).
   */
  durableSince(mark: number): boolean | Promise<boolean> {
    const check = () => this.lastFailed <= mark;
    return this.open ? this.open.done.then(check) : check();
  }

  /** Resolves once whatever is written so far is committed (mail waits for this before it goes). */
  committed(): Promise<void> {
    return this.open ? this.open.done : Promise.resolve();
  }
}
