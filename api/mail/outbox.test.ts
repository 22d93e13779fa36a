// The durable outbox against a real SMTP server that refuses, then accepts: every message arrives
// once, across a restart of the API on the same database file, and what fails is the operator's.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../app';
import { openDatabase } from '../db/connection';
import { SPI_KEY, setup } from '../test-support';
import { runMailCommand } from '../tools/mail';
import { parseMail } from '../../test/support/smtp';
import { smtpMailer } from './mailer';

let server: SMTPServer;
let url: string;
let refusing = false;
const received: { to: string[]; data: string }[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        // 451: a temporary refusal, as a mail server under load or greylisting answers.
        if (refusing) return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  refusing = false;
  received.length = 0;
});

const mailsTo = (to: string) => received.filter((m) => m.to.includes(to)).map((m) => parseMail(m.data));
const delivery = { baseDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 3 };

/** Registers through HTTP, reading the code from the mail the SMTP server received. */
async function register(s: ReturnType<typeof setup>, username: string, email: string) {
  const act = await s.start();
  expect((await act.call('POST', '/verification-codes', { purpose: 'register', email })).status).toBe(202);
  const code = /code is (\d{6})/.exec(mailsTo(email).at(-1)!.text)![1]!;
  expect((await act.call('POST', '/registration', s.registrationBody(username, email, code))).status).toBe(201);
  return { act, code };
}

describe('mail outbox', () => {
  it('keeps a lifecycle notice through refusals and a restart, and delivers it exactly once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ga-outbox-')), 'api.db');
    const mailer = smtpMailer(url, 'Guance Activator <noreply@activator.test>');
    const s = setup({ db: openDatabase(file), mailer, delivery });
    const { act } = await register(s, 'owner_o', 'owner.o@example.com');
    expect(mailsTo('owner.o@example.com')).toHaveLength(1); // the code
    refusing = true;

    // The freeze and its notice are one transaction: the notice is in the outbox with the change.
    expect((await s.spi({ action: 'expiredInstance', instanceId: act.instanceId })).status).toBe(200);
    const [notice] = s.repos.outbox.to('owner.o@example.com').filter((m) => m.status === 'pending');
    expect(notice).toMatchObject({ subject: expect.stringMatching(/has expired/), attempts: 0 });
    expect(await s.outbox.runDue()).toBe(0);
    expect(s.repos.outbox.get(notice!.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/451/) });
    // Not due yet: nothing is tried before the back-off has passed.
    s.clock.advance(30_000);
    expect(await s.outbox.runDue()).toBe(0);
    expect(s.repos.outbox.get(notice!.id)!.attempts).toBe(1);
    s.db.close();

    // A new process on the same file, with the mail server accepting again.
    refusing = false;
    const db = openDatabase(file);
    const again = createApi({ db, spiKey: SPI_KEY, publicUrl: 'https://activator.test', mailer, delivery, now: s.clock.now, log: () => {} });
    s.clock.advance(30_000);
    expect(await again.outbox.runDue()).toBe(1);
    expect(await again.outbox.runDue()).toBe(0);
    s.clock.advance(3600_000);
    expect(await again.outbox.runDue()).toBe(0);
    const mails = mailsTo('owner.o@example.com');
    expect(mails).toHaveLength(2);
    expect(mails.filter((m) => /has expired/.test(m.subject))).toHaveLength(1);
    db.close();
  });

  it('gives up after the last attempt; the operator lists it and sends it again, once', async () => {
    const s = setup({ mailer: smtpMailer(url, 'noreply@activator.test'), delivery });
    const { act } = await register(s, 'owner_p', 'owner.p@example.com');
    refusing = true;
    await s.spi({ action: 'releaseInstance', instanceId: act.instanceId });
    for (let i = 0; i < delivery.maxAttempts; i++) {
      await s.outbox.runDue();
      s.clock.advance(delivery.maxDelayMs);
    }
    const failed = s.repos.outbox.list('failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ recipient: 'owner.p@example.com', attempts: 3, nextAttemptAt: null });
    expect(runMailCommand(s.repos.outbox, ['failed']).out).toContain(`#${failed[0]!.id}`);
    // Failed stays failed: the worker does not pick it up by itself.
    refusing = false;
    expect(await s.outbox.runDue()).toBe(0);
    expect(runMailCommand(s.repos.outbox, ['retry', String(failed[0]!.id)], s.clock.now())).toMatchObject({ code: 0 });
    expect(runMailCommand(s.repos.outbox, ['retry', String(failed[0]!.id)], s.clock.now())).toMatchObject({ code: 1 });
    expect(await s.outbox.runDue()).toBe(1);
    expect(await s.outbox.runDue()).toBe(0);
    expect(s.repos.outbox.get(failed[0]!.id)).toMatchObject({ status: 'sent', attempts: 4 });
    // The code mail and the release notice, each once.
    const mails = mailsTo('owner.p@example.com');
    expect(mails).toHaveLength(2);
    expect(mails.filter((m) => /Billing Center settlement/.test(m.subject))).toHaveLength(1);
    expect(runMailCommand(s.repos.outbox, ['failed']).out).toBe('(none)');
    expect(runMailCommand(s.repos.outbox, ['retry', 'abc'])).toMatchObject({ code: 2 });
  });

  it('keeps no code at rest: a pending code mail holds it apart from the text, an expired one not at all; it is never retried', async () => {
    const s = setup(); // no transport: mail waits in the outbox, as a person reads it there
    const a = await s.start();
    const code = await s.codeFor(a, { purpose: 'register', email: 'rest@example.com' }, 'rest@example.com');
    const raw = () => JSON.stringify(s.db.prepare('SELECT * FROM outbox').all());
    expect(raw()).toContain(code); // pending: kept until the code expires
    expect(raw()).not.toMatch(new RegExp(`code is ${code}`)); // and apart from the text
    s.clock.advance(10 * 60_000);
    s.maintenance();
    expect(raw()).not.toContain(code);
    const [m] = s.repos.outbox.to('rest@example.com');
    expect(m).toMatchObject({ status: 'expired', secretGone: true });
    expect(m!.body).toContain('••••••');
    expect(runMailCommand(s.repos.outbox, ['retry', String(m!.id)])).toMatchObject({ code: 1, out: expect.stringMatching(/new code/) });
    // The schema itself refuses a code kept on a message that is no longer pending.
    expect(() => s.db.prepare("UPDATE outbox SET status = 'sent', sent_at = 1, secret = '123456' WHERE id = ?").run(m!.id)).toThrow(/CHECK/);
  });
});
