// A real SMTP server for the end-to-end suites: the API delivers verification codes to it over
// SMTP (nodemailer), and the test reads them the way a person reads their mail.
import { SMTPServer } from 'smtp-server';

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  at: number;
}

export interface SmtpSink {
  url: string;
  port: number;
  mails: Mail[];
  /** The 6-digit code of the first mail to `to` that arrives after `since` (ms), waiting for it. */
  waitForCode(to: string, since?: number, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

function decodeWords(s: string): string {
  return s.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

/** Enough MIME for nodemailer's single-part text mails: headers, then a base64, QP or plain body. */
export function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const cte = header('Content-Transfer-Encoding').toLowerCase();
  let text: string;
  if (cte === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (cte === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    text = Buffer.from(bytes, 'latin1').toString('utf8');
  } else text = body;
  return { subject: decodeWords(header('Subject')), text };
}

export async function startSmtp(): Promise<SmtpSink> {
  const mails: Mail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const { subject, text } = parseMail(Buffer.concat(chunks).toString('latin1'));
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), subject, text, at: Date.now() });
        for (const w of waiters) w();
        done();
      });
    },
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.server.address() as { port: number }).port;

  function find(to: string, since: number): string | null {
    const m = mails.find((x) => x.at >= since && x.to.includes(to.toLowerCase()));
    return m ? (/code is (\d{6})/.exec(m.text)?.[1] ?? /(\d{6})/.exec(m.subject)?.[1] ?? null) : null;
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    async waitForCode(to, since = 0, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const code = find(to, since);
        if (code) return code;
        if (Date.now() > deadline) throw new Error(`no code mailed to ${to} within ${timeoutMs} ms (got ${mails.length} mails)`);
        await new Promise<void>((res) => {
          const w = () => {
            waiters.delete(w);
            res();
          };
          waiters.add(w);
          setTimeout(w, 200);
        });
      }
    },
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}
