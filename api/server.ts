// `npm run api`: the companion API on HOST:PORT with the SQLite file at DATABASE_PATH.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { createApi } from './app';
import { ConfigError, loadConfig, resolveSpiKey, type Config } from './config';
import { DatabaseTooNewError, openDatabase, startCheckpointer, type Db } from './db/connection';
import { startHttpServer } from './http-server';
import { logMailer, smtpMailer } from './mail/mailer';
import { loadWebBundle, type WebBundle } from './web/bundle';
import { redactText } from './security/redact';

// Structured JSON lines on stdout; every message passes the redactor first. Written synchronously:
// these lines are few, and the last ones before an exit must not be lost.
const logger = pino({ base: undefined, hooks: { logMethod(args, method) {
  method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
} } }, pino.destination({ dest: 1, sync: true }));
const log = (line: string) => logger.info(line);

function fatal(message: string): never {
  logger.fatal(message);
  logger.flush();
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) fatal(e.message);
  throw e;
}

let db: Db;
try {
  db = openDatabase(config.DATABASE_PATH);
} catch (e) {
  if (e instanceof DatabaseTooNewError) fatal(`Cannot open ${config.DATABASE_PATH}: ${e.message}`);
  fatal(`Cannot open the database ${config.DATABASE_PATH}: ${e instanceof Error ? e.message : String(e)}`);
}

const stopCheckpointer = startCheckpointer(db);
const spiKey = resolveSpiKey(config, log);
// Production has SMTP (the configuration refuses to start without it). In development the
// messages, codes included, are printed here; under tests they stay pending in the outbox table.
const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM)
  : config.NODE_ENV === 'development' ? logMailer((line) => process.stdout.write(`${line}\n`)) : undefined;
if (!config.SMTP_URL) {
  log(config.NODE_ENV === 'development'
    ? 'SMTP_URL is not set: mail is printed here (development only), verification codes included'
    : 'SMTP_URL is not set: mail stays in the outbox table');
}

let web: WebBundle | undefined;
try {
  web = loadWebBundle(config.WEB_WIZARD_DIR);
} catch (e) {
  fatal(`Cannot serve the web wizard in ${config.WEB_WIZARD_DIR}: ${e instanceof Error ? e.message : String(e)}`);
}

// Access lines are gathered and written by the hundred, or a tenth of a second after the first of
// a batch: under load one write serves many requests (a write per turn of the event loop was about
// a fifth of GET /health's cost), and a quiet server still logs within 100 ms. What is gathered is
// written at a clean stop and on any exit.
const ACCESS_BATCH_LINES = 128;
const ACCESS_BATCH_MS = 100;
let accessLines: string[] = [];
let accessTimer: NodeJS.Timeout | undefined;
const flushAccessLog = () => {
  clearTimeout(accessTimer);
  accessTimer = undefined;
  if (accessLines.length === 0) return;
  const out = `${accessLines.join('\n')}\n`;
  accessLines = [];
  process.stdout.write(out);
};
const accessLog = (line: string) => {
  const n = accessLines.push(line);
  if (n >= ACCESS_BATCH_LINES) flushAccessLog();
  else if (n === 1) accessTimer = setTimeout(flushAccessLog, ACCESS_BATCH_MS);
};
process.on('exit', flushAccessLog);

const { app, maintenance, outbox, commitNow } = createApi({
  db, spiKey, mailer, publicUrl: config.PUBLIC_URL, allowedOrigins: config.ALLOWED_ORIGINS, trustProxy: config.TRUST_PROXY,
  requireVerifiedLink: config.REQUIRE_VERIFIED_LINK, log, web,
  alibabaSignIn: config.ALIYUN_OAUTH_CLIENT_ID && config.ALIYUN_OAUTH_CLIENT_SECRET
    ? { issuer: config.ALIYUN_OIDC_ISSUER, clientId: config.ALIYUN_OAUTH_CLIENT_ID, clientSecret: config.ALIYUN_OAUTH_CLIENT_SECRET,
      extraRedirectUris: config.ALIYUN_OAUTH_REDIRECT_URIS }
    : undefined,
  operatorEmails: config.OPERATOR_EMAILS, operatorIdleMs: config.OPERATOR_IDLE_MINUTES * 60_000,
  accessLog,
  groupCommit: true,
});
outbox.start();

const http = startHttpServer(app.fetch, {
  hostname: config.HOST,
  port: config.PORT,
  limits: {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS, requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS, maxConnections: config.HTTP_MAX_CONNECTIONS,
  },
});
http.listening.then(() => {
  const a = http.server.address() as { address: string; family: string; port: number };
  log(`Guance Activator API on http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/api/v1 ` +
    `(database ${config.DATABASE_PATH}, marketplace SPI at ${config.PUBLIC_URL}/marketplace/aliyun)`);
  // `npm start` builds the extension first: say where it is, since loading it is the next step.
  log(web
    ? `Web wizard from ${web.dir} at ${config.PUBLIC_URL}/activate`
    : `No web wizard built in ${resolve(config.WEB_WIZARD_DIR)}: free login lands on the API's own page`);
  const extension = resolve('.output/chrome-mv3');
  if (existsSync(join(extension, 'manifest.json'))) {
    log(`Extension built in ${extension}: load it unpacked from chrome://extensions (Developer mode)`);
  }
}, (e: NodeJS.ErrnoException) => {
  fatal(e.code === 'EADDRINUSE' ? `Port ${config.PORT} on ${config.HOST} is in use: set PORT to another one` : `Server error: ${e.message}`);
});

// Upkeep: instances whose 14 frozen days ran out move their workspaces to Billing Center settlement
// (reads do it too, so nothing waits on this timer), stale rate-limit rows and free-login tokens go.
const upkeep = () => {
  try {
    maintenance();
  } catch (e) {
    logger.error(`upkeep failed: ${e instanceof Error ? e.message : String(e)}`);
  }
};
upkeep();
const upkeepTimer = setInterval(upkeep, 60_000);
upkeepTimer.unref();

/**
 * Stops accepting, lets in-flight requests finish (their connections closed after the answer),
 * closes idle keep-alive connections at once, waits for the mail attempt in progress, then
 * checkpoints the WAL into the database file and closes it. Only then does the process exit.
 */
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping (${http.inFlight()} requests in flight)`);
  // A referenced timer keeps the process alive through the awaits below (pending promises alone do
  // not), and ends it should a step hang.
  const deadline = setTimeout(() => {
    logger.error('shutdown did not finish in time: exiting without closing the database');
    process.exit(1);
  }, config.SHUTDOWN_GRACE_MS + 10_000);
  clearInterval(upkeepTimer);
  if (!(await http.close(config.SHUTDOWN_GRACE_MS))) {
    logger.warn(`requests still running after SHUTDOWN_GRACE_MS=${config.SHUTDOWN_GRACE_MS}: their connections were cut`);
  }
  await outbox.stop();
  commitNow();
  await stopCheckpointer();
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  flushAccessLog();
  clearTimeout(deadline);
  log('stopped: every answered write is in the database file');
  logger.flush();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
