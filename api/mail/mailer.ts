import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /**
   * A secret the subject and text contain (a verification code): the outbox keeps it apart from
   * the text and drops it once the message is sent or the secret has expired.
   */
  secret?: { value: string; expiresAt: number };
}

/** A transport: what actually delivers a message. Services write to the outbox (mail/outbox.ts), which uses one. */
export interface Mailer {
  /** Resolves once the message is accepted for delivery; rejects when it cannot be. */
  send(message: MailMessage): Promise<void>;
}

/** Real delivery over SMTP (`smtp://user:pass@host:587`, `smtps://…`). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  // A mail server that accepts the connection and then says nothing must not hold a delivery
  // forever (the URL's own settings win over these).
  const transport = nodemailer.createTransport({
    url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0] & { url: string });
  return {
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
  };
}

/**
 * Development without SMTP (`npm start` on one machine, no mail server): "delivers" by printing
 * the message, code included, so one person can walk the whole flow. Never used in production
 * (the server refuses to start there without SMTP_URL).
 */
export function logMailer(log: (line: string) => void = console.log): Mailer {
  return {
    async send(m) {
      log(`[mail → ${m.to}] ${m.subject}\n${m.text.replace(/^/gm, '    ')}`);
    },
  };
}
