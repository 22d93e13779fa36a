// Delivery from the durable outbox. Services write a message in the transaction of the change it
// reports (`enqueue`), or through `send` (its own write, then one attempt at once). A worker
// delivers what is due, retrying with a growing delay; the rows survive a restart, and a message
// that keeps failing ends as `failed` for an operator (`npm run mail -- failed`, `retry <id>`).
import type { OutboxMessage, OutboxRepository, NewOutboxMessage } from '../db/repositories/outbox';
import type { Mailer, MailMessage } from './mailer';

export interface DeliveryPolicy {
  /** Attempts before a message is marked failed. */
  maxAttempts: number;
  /** The wait after the first failed attempt; it doubles after each one, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long one attempt holds a message; a process that dies mid-send frees it after this. */
  leaseMs: number;
}

export const DEFAULT_DELIVERY: DeliveryPolicy = { maxAttempts: 10, baseDelayMs: 30_000, maxDelayMs: 3600_000, leaseMs: 120_000 };

export type DeliveryResult = 'sent' | 'failed' | 'kept';

export const retryDelayMs = (p: DeliveryPolicy, attemptsSoFar: number) =>
  Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(attemptsSoFar, 30));

/**
 * The outbox as services see it. Without a transport (tests, or nowhere configured) messages stay
 * pending in the table, where the tests read them.
 */
export class MailOutbox implements Mailer {
  private readonly policy: DeliveryPolicy;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private kicked = false;
  private stopped = false;

  constructor(
    private readonly repo: OutboxRepository,
    private readonly transport: Mailer | undefined,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
    policy: Partial<DeliveryPolicy> = {},
    /** Resolves once what was written so far is committed (group commit): no mail leaves before. */
    private readonly committed: () => Promise<unknown> = () => Promise.resolve(),
  ) {
    this.policy = { ...DEFAULT_DELIVERY, ...policy };
  }

  /** Writes the message to the outbox; inside the caller's transaction. Returns its id. */
  enqueue(m: MailMessage & Pick<NewOutboxMessage, 'secret'>): number {
    const id = this.repo.add(m, this.now());
    this.kick();
    return id;
  }

  /**
   * Mailer: writes the message and makes one attempt now. Resolves once sent (or kept, without a
   * transport); rejects when the attempt failed, the message staying queued for the worker.
   */
  async send(m: MailMessage & Pick<NewOutboxMessage, 'secret'>): Promise<void> {
    const id = this.repo.add(m, this.now());
    const r = await this.deliver(id);
    if (r === 'failed') throw new Error(this.repo.get(id)?.lastError ?? 'delivery failed');
  }

  /** One attempt at message `id`, if it is due and nobody else holds it. */
  async deliver(id: number): Promise<DeliveryResult> {
    if (!this.transport) return 'kept';
    const now = this.now();
    const m = this.repo.claim(id, now, now + this.policy.leaseMs);
    if (!m) return 'kept';
    return this.attempt(m);
  }

  /** Withdraws a pending message (its code was withdrawn); its secret is dropped. */
  cancel(id: number, why: string): void {
    this.repo.cancel(id, why);
  }

  private async attempt(m: OutboxMessage): Promise<DeliveryResult> {
    try {
      await this.committed();
      await this.transport!.send({ to: m.recipient, subject: m.subject, text: m.body });
      this.repo.markSent(m.id, this.now());
      return 'sent';
    } catch (e) {
      const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      const attempts = m.attempts + 1;
      const nextAt = attempts >= this.policy.maxAttempts ? null : this.now() + retryDelayMs(this.policy, m.attempts);
      this.repo.markAttemptFailed(m.id, error, nextAt);
      this.log(JSON.stringify({ msg: 'mail delivery failed', outboxId: m.id, attempts, willRetry: nextAt !== null, error }));
      return 'failed';
    }
  }

  /** Delivers everything due now, one message after another. Returns how many were sent. */
  async runDue(batch = 50): Promise<number> {
    this.repo.expireSecrets(this.now());
    if (!this.transport) return 0;
    let sent = 0;
    for (;;) {
      const now = this.now();
      const due = this.repo.claimDue(now, now + this.policy.leaseMs, batch);
      for (const m of due) if ((await this.attempt(m)) === 'sent') sent++;
      if (due.length < batch || this.stopped) return sent;
    }
  }

  /** Something was queued: deliver soon (after the current transaction has committed). */
  kick(): void {
    if (!this.timer || this.kicked || this.stopped) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      this.tick();
    });
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    this.running = this.runDue()
      .then(() => undefined, (e: unknown) => this.log(JSON.stringify({ msg: 'mail worker failed', error: String(e) })))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Starts the worker: what is due (from before a restart too) now, then every `everyMs`. */
  start(everyMs = 5000): void {
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the worker and waits for the attempt in progress, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
