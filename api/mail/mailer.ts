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
 * Without SMTP: keep the message in the outbox table and print it, so one person on one machine
 * can walk the whole flow (the code appears in the server log).
 */
export function outboxMailer(outbox: OutboxRepository, log: (line: string) => void = console.log,
  now: () => number = Date.now): Mailer {
  return {
    async send(m) {
      outbox.add(m.to, m.subject, m.text, now());
      log(`[mail → ${m.to}] ${m.subject}\n${m.text.replace(/^/gm, '    ')}`);
    },
  };
}
