import nodemailer from 'nodemailer';
import type { OutboxRepository } from '../db/repositories/outbox';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Resolves once the message is accepted for delivery; rejects when it cannot be. */
  send(message: MailMessage): Promise<void>;
}

/** Real delivery over SMTP (`smtp://user:pass@host:587`, `smtps://…`). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
  };
}

/**
 * Without SMTP: keep the message in the outbox table. With `echo` (development only: `npm start`
 * on one machine, no mail server) the message, code included, is also printed so one person can
 * walk the whole flow. Anywhere else a code must never reach a log: only the fact is printed.
 */
export function outboxMailer(outbox: OutboxRepository, log: (line: string) => void = console.log,
  now: () => number = Date.now, echo = false): Mailer {
  return {
    async send(m) {
      outbox.add(m.to, m.subject, m.text, now());
      if (echo) log(`[mail → ${m.to}] ${m.subject}\n${m.text.replace(/^/gm, '    ')}`);
      else log(`[mail → ${maskAddress(m.to)}] kept in the outbox table (no SMTP_URL)`);
    },
  };
}

function maskAddress(a: string): string {
  const at = a.lastIndexOf('@');
  return at > 0 ? `${a[0]}***${a.slice(at)}` : '***';
}
