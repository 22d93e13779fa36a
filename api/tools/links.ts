// `npm run links -- unlink --account <16-digit ID> --reason "…"`: ends the link between an Alibaba
// Cloud account and its Billing Center account (a dispute settled by the operator). Audited with
// a request id `cli-unlink-…` and in the operators' log as `cli:<user>` (the same rule as the operator
// console's unlink); the Billing Center account's mail is queued in the outbox with the change and
// tried once now (SMTP_URL); otherwise the server's mail worker delivers it.
// `npm run links -- show --account <id>` prints the live link and past endings.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { loadConfig } from '../config';
import { openDatabase } from '../db/connection';
import { createRepositories } from '../db/repositories';
import { ApiError } from '../lib/errors';
import { smtpMailer } from '../mail/mailer';
import { MailOutbox } from '../mail/outbox';
import { LinkService } from '../services/links';

const USAGE = 'usage: npm run links -- unlink --account <16-digit account ID> --reason "why"\n       npm run links -- show --account <16-digit account ID>';

export function parseArgs(argv: string[]): { cmd: 'unlink' | 'show'; account: string; reason: string } | { error: string } {
  const [cmd, ...rest] = argv;
  const opt = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    const v = i >= 0 ? rest[i + 1] : undefined;
    return v && !v.startsWith('--') ? v : undefined;
  };
  const account = opt('account');
  if (cmd !== 'unlink' && cmd !== 'show') return { error: USAGE };
  if (!account || !/^\d{16}$/.test(account)) return { error: `--account must be a 16-digit Alibaba Cloud account ID\n${USAGE}` };
  const reason = opt('reason') ?? '';
  if (cmd === 'unlink' && !reason.trim()) return { error: `--reason is required: it is recorded and mailed to the Billing Center account\n${USAGE}` };
  return { cmd, account, reason };
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, out = console.log): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    console.error(args.error);
    return 2;
  }
  const config = loadConfig(env);
  const db = openDatabase(config.DATABASE_PATH);
  try {
    const repos = createRepositories(db);
    if (args.cmd === 'show') {
      const live = repos.links.live(args.account);
      out(live ? `linked to ${live.billingUsername} since ${new Date(live.linkedAt).toISOString()} (${live.proof ? `proved: ${live.proof}` : 'made without proof'})`
        : 'not linked');
      for (const e of repos.links.endings(args.account)) {
        out(`ended ${new Date(e.endedAt).toISOString()}: ${e.reason}${e.note ? ` (${e.note})` : ''}${e.activationId ? ` by ${e.activationId}` : ''}`);
      }
      return 0;
    }
    const transport = config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : undefined;
    const links = new LinkService(repos, new MailOutbox(repos.outbox, transport, Date.now, (l) => console.error(l)), Date.now);
    const requestId = `cli-unlink-${randomUUID()}`;
    try {
      const ended = links.unlink(args.account, args.reason, { requestId, now: Date.now }, `cli:${userInfo().username}`);
      const delivered = await ended.delivered;
      out(`unlinked ${args.account} from ${ended.billingUsername} at ${new Date(ended.endedAt).toISOString()} (audit request ${requestId})`);
      for (const w of ended.workspaces) out(`  ${w.name} (${w.site}): now settled directly in the Billing Center`);
      out(delivered === 'sent' ? `mailed the Billing Center account ${ended.billingUsername}`
        : `the mail to the Billing Center account ${ended.billingUsername} is in the outbox (${delivered === 'failed'
          ? 'the first attempt failed; the server retries it' : 'the server delivers it'}; npm run mail shows it)`);
      return 0;
    } catch (e) {
      if (e instanceof ApiError) {
        console.error(e.message);
        return 1;
      }
      throw e;
    }
  } finally {
    db.close();
  }
}

if (process.argv[1]?.endsWith('api/tools/links.ts')) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
    console.error(`links failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
