// `npm run api`: the companion API on HOST:PORT with the SQLite file at DATABASE_PATH.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApi } from './app';
import { ConfigError, loadConfig, resolveSpiKey, type Config } from './config';
import { DatabaseTooNewError, openDatabase, startCheckpointer, type Db } from './db/connection';
import { createRepositories } from './db/repositories';
import { outboxMailer, smtpMailer } from './mail/mailer';
import { loadWebBundle } from './web/bundle';

function fatal(message: string): never {
  console.error(message);
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
const spiKey = resolveSpiKey(config);
const mailer = config.SMTP_URL
  ? smtpMailer(config.SMTP_URL, config.MAIL_FROM)
  : outboxMailer(createRepositories(db).outbox, console.log, Date.now, config.NODE_ENV === 'development');
if (!config.SMTP_URL) {
  console.log(config.NODE_ENV === 'development'
    ? 'SMTP_URL is not set: mail goes to the outbox table and, in development only, verification codes are printed here'
    : 'SMTP_URL is not set: mail goes to the outbox table (codes are never printed outside development)');
}

let web;
try {
  web = loadWebBundle(config.WEB_WIZARD_DIR);
} catch (e) {
  fatal(`Cannot serve the web wizard in ${config.WEB_WIZARD_DIR}: ${e instanceof Error ? e.message : String(e)}`);
}

const { app, maintenance } = createApi({
  db, spiKey, mailer, publicUrl: config.PUBLIC_URL, allowedOrigins: config.ALLOWED_ORIGINS, trustProxy: config.TRUST_PROXY,
  requireVerifiedLink: config.REQUIRE_VERIFIED_LINK, web,
  alibabaSignIn: config.ALIYUN_OAUTH_CLIENT_ID && config.ALIYUN_OAUTH_CLIENT_SECRET
    ? { issuer: config.ALIYUN_OIDC_ISSUER, clientId: config.ALIYUN_OAUTH_CLIENT_ID, clientSecret: config.ALIYUN_OAUTH_CLIENT_SECRET,
      extraRedirectUris: config.ALIYUN_OAUTH_REDIRECT_URIS }
    : undefined,
  operatorEmails: config.OPERATOR_EMAILS, operatorIdleMs: config.OPERATOR_IDLE_MINUTES * 60_000,
  // Straight to the stream: console.log's formatting and colour checks cost more than the line.
  accessLog: (line) => process.stdout.write(`${line}\n`),
});

const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (info) => {
  console.log(`Guance Activator API on http://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}/api/v1 ` +
    `(database ${config.DATABASE_PATH}, marketplace SPI at ${config.PUBLIC_URL}/marketplace/aliyun)`);
  // `npm start` builds the extension first: say where it is, since loading it is the next step.
  console.log(web
    ? `Web wizard from ${web.dir} at ${config.PUBLIC_URL}/activate`
    : `No web wizard built in ${resolve(config.WEB_WIZARD_DIR)}: free login lands on the API's own page`);
  const extension = resolve('.output/chrome-mv3');
  if (existsSync(join(extension, 'manifest.json'))) {
    console.log(`Extension built in ${extension}: load it unpacked from chrome://extensions (Developer mode)`);
  }
});
server.on('error', (e: NodeJS.ErrnoException) => {
  fatal(e.code === 'EADDRINUSE' ? `Port ${config.PORT} on ${config.HOST} is in use: set PORT to another one` : `Server error: ${e.message}`);
});

// Upkeep: instances whose 14 frozen days ran out move their workspaces to Billing Center settlement
// (reads do it too, so nothing waits on this timer), stale rate-limit rows and free-login tokens go.
const upkeep = () => {
  try {
    maintenance();
  } catch (e) {
    console.error(`upkeep failed: ${e instanceof Error ? e.message : String(e)}`);
  }
};
upkeep();
const upkeepTimer = setInterval(upkeep, 60_000);
upkeepTimer.unref();

function shutdown() {
  clearInterval(upkeepTimer);
  server.close(() => {
    void stopCheckpointer().then(() => {
      db.close();
      process.exit(0);
    });
  });
  // Keep-alive connections would hold close() open.
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
