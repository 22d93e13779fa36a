-- 005: the operator console (/operator): the vendor's staff, their sessions and sign-in codes, a
-- record of what each of them did, a bounded count of SPI calls refused for their signature, and
-- the indexes the console's paged views read through (keyset paging: every page is an index range).

-- Operators: configured by OPERATOR_EMAILS ('env', re-synced at every start) or `npm run operators`
-- ('cli'). Without a password an operator signs in with an emailed code only.
CREATE TABLE operators (
  id             INTEGER PRIMARY KEY,
  email          TEXT NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  password_hash  TEXT CHECK (password_hash IS NULL OR password_hash LIKE 'scrypt$%'),
  source         TEXT NOT NULL CHECK (source IN ('env', 'cli')),
  created_at     INTEGER NOT NULL,
  disabled_at    INTEGER
) STRICT;
CREATE UNIQUE INDEX operators_email ON operators (email);

-- A signed-in browser. Only the token's hash is kept; idle and absolute expiry are decided on read.
CREATE TABLE operator_sessions (
  token_hash    TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  operator_id   INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
  csrf_token    TEXT NOT NULL CHECK (length(csrf_token) >= 32),
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL CHECK (last_seen_at >= created_at),
  expires_at    INTEGER NOT NULL CHECK (expires_at > created_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);
CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);

-- One live sign-in code per operator (HMAC of the code, never the code).
CREATE TABLE operator_codes (
  operator_id   INTEGER PRIMARY KEY REFERENCES operators (id) ON DELETE CASCADE,
  code_hash     TEXT NOT NULL CHECK (length(code_hash) = 64),
  sent_at       INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL CHECK (expires_at > sent_at),
  failed_tries  INTEGER NOT NULL DEFAULT 0 CHECK (failed_tries >= 0)
) STRICT;

-- What operators did, through the console or a CLI, refused attempts included: who (the operator's
-- email, or `cli:<user>`), what, on what, why, how it ended, and the request whose audit_log rows
-- show the changes it made.
CREATE TABLE operator_actions (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 300),
  action      TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
  target      TEXT NOT NULL CHECK (length(target) <= 200),
  reason      TEXT CHECK (reason IS NULL OR length(reason) <= 500),
  outcome     TEXT NOT NULL CHECK (length(outcome) BETWEEN 1 AND 64),
  request_id  TEXT
) STRICT;
CREATE INDEX operator_actions_actor ON operator_actions (actor, id);
CREATE INDEX operator_actions_target ON operator_actions (target, id);
CREATE INDEX operator_actions_request ON operator_actions (request_id) WHERE request_id IS NOT NULL;
CREATE TRIGGER operator_actions_no_update BEFORE UPDATE ON operator_actions BEGIN SELECT RAISE(ABORT, 'the operator log is append-only'); END;
CREATE TRIGGER operator_actions_no_delete BEFORE DELETE ON operator_actions BEGIN SELECT RAISE(ABORT, 'the operator log is append-only'); END;

-- SPI calls refused for a bad signature are not kept (anyone can send them): only how many came
-- each UTC day and the last one's action, so the table cannot grow past a row a day.
CREATE TABLE spi_signature_failures (
  day          TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  count        INTEGER NOT NULL CHECK (count >= 1),
  last_at      INTEGER NOT NULL,
  last_action  TEXT CHECK (last_action IS NULL OR length(last_action) <= 64)
) STRICT, WITHOUT ROWID;

-- The console's views.
CREATE INDEX instances_status ON instances (status, id);
CREATE INDEX spi_calls_action ON spi_calls (action, id);
CREATE INDEX spi_calls_outcome ON spi_calls (outcome, id);
CREATE INDEX spi_calls_instance_id ON spi_calls (instance_id, id);
CREATE INDEX audit_log_entity ON audit_log (entity_id, id);
CREATE INDEX audit_log_request ON audit_log (request_id, id);
CREATE INDEX IF NOT EXISTS outbox_operator_recipient ON outbox (recipient, id);
-- The activation funnel by day, from the index alone. A second B-tree on the hottest insert (see
-- 001): the price of a funnel that does not read the whole table.
CREATE INDEX activations_funnel ON activations (created_at, state, workspace_id, expires_at);
-- The links view's ended links (migration 004's link_endings), by Billing Center account.
CREATE INDEX link_endings_billing ON link_endings (billing_account_id, id);
