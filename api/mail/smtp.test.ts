import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from '../test-support';
import { smtpMailer } from './mailer';

// A real SMTP server on loopback; nodemailer talks SMTP to it.
let server: SMTPServer;
let port: number;
const received: { from: string; to: string[]; data: string }[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('mail over SMTP', () => {
  it('delivers the code; the user registers with the code from the message', async () => {
    const ctx = setup({ mailer: smtpMailer(`smtp://127.0.0.1:${port}`, 'Guance Activator <noreply@activator.test>') });
    const a = await ctx.start();
    const r = await a.call('POST', '/verification-codes', { purpose: 'register', email: 'smtp.user@example.com' });
    expect(r.status).toBe(202);
    const msg = received.find((m) => m.to.includes('smtp.user@example.com'));
    expect(msg).toBeDefined();
    expect(msg!.from).toBe('noreply@activator.test');
    // The body is quoted-printable or base64 depending on content; the subject carries the code too.
    const decoded = msg!.data.replace(/=\r?\n/g, '');
    const code = /Guance verification code: (\d{6})/.exec(decoded)?.[1] ?? /code is (\d{6})/.exec(decoded)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    // Sent: the outbox row stays for the operator, without the code.
    const [row] = ctx.repos.outbox.to('smtp.user@example.com');
    expect(row).toMatchObject({ status: 'sent', attempts: 1, secretGone: true });
    expect(JSON.stringify(ctx.db.prepare('SELECT * FROM outbox').all())).not.toContain(code!);
    const reg = await a.call('POST', '/registration', ctx.registrationBody('smtpuser', 'smtp.user@example.com', code!));
    expect(reg.status).toBe(201);
  });

  it('an unreachable SMTP server gives 502 MAIL_FAILED and the user may ask again at once', async () => {
    const closed = new SMTPServer({ authOptional: true, logger: false });
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const ctx = setup({ mailer: smtpMailer(`smtp://127.0.0.1:${deadPort}`, 'x@activator.test') });
    const a = await ctx.start();
    const body = { purpose: 'register', email: 'lost@example.com' };
    expect(await a.call('POST', '/verification-codes', body)).toMatchObject({ status: 502, body: { error: { code: 'MAIL_FAILED' } } });
    expect(await a.call('POST', '/verification-codes', body)).toMatchObject({ status: 502, body: { error: { code: 'MAIL_FAILED' } } });
    // Each failure is logged (the address masked); the withdrawn code mails are cancelled, codes dropped.
    expect(ctx.logs.filter((l) => /verification mail to l\*\*\*t@example.com failed/.test(l))).toHaveLength(2);
    expect(ctx.repos.outbox.to('lost@example.com').map((m) => [m.status, m.secretGone])).toEqual([['cancelled', true], ['cancelled', true]]);
    expect(ctx.db.prepare('SELECT count(*) FROM verification_codes').pluck().get()).toBe(0);
  });
});
