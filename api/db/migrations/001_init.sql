-- 001: the whole activation model. Times are integer milliseconds since the epoch (UTC).
-- Business rules live here too, as constraints, so a bug in the code cannot break them.

-- Instances as the Alibaba Cloud Marketplace told us about them (createInstance and later calls).
CREATE TABLE instances (
  id            TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 20 AND id NOT GLOB '*[^0-9]*'),
  account_id    TEXT NOT NULL CHECK (length(account_id) = 16 AND account_id NOT GLOB '*[^0-9]*'),
  order_id      TEXT,
  product_code  TEXT NOT NULL,
  sku_id        TEXT,
  trial         INTEGER NOT NULL DEFAULT 0 CHECK (trial IN (0, 1)),
  template      TEXT,
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'released')),
  expired_on    TEXT, -- as the marketplace sends it: 'yyyy-MM-dd HH:mm:ss'
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID; -- looked up by id on every activation start: one B-tree, not two
CREATE INDEX instances_account ON instances (account_id);

-- Every signed SPI call, whatever its outcome. Calls with a bad signature are not written.
CREATE TABLE spi_calls (
  id           INTEGER PRIMARY KEY,
  action       TEXT NOT NULL,
  instance_id  TEXT,
  params       TEXT NOT NULL CHECK (json_valid(params)), -- the query without `token`
  received_at  INTEGER NOT NULL,
  outcome      TEXT NOT NULL, -- 'ok', 'replayed' or an error code
  http_status  INTEGER NOT NULL
) STRICT;
CREATE INDEX spi_calls_instance ON spi_calls (instance_id, received_at);

CREATE TABLE billing_accounts (
  id             TEXT PRIMARY KEY,
  username       TEXT NOT NULL COLLATE NOCASE CHECK (length(username) BETWEEN 3 AND 32),
  email          TEXT NOT NULL CHECK (email = lower(email)),
  password_hash  TEXT NOT NULL,
  phone          TEXT,
  company_name   TEXT,
  contact_name   TEXT,
  industry       TEXT,
  created_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX billing_accounts_username ON billing_accounts (username);
CREATE UNIQUE INDEX billing_accounts_email ON billing_accounts (email);

CREATE TABLE guance_accounts (
  id             TEXT PRIMARY KEY,
  username       TEXT NOT NULL COLLATE NOCASE CHECK (length(username) BETWEEN 3 AND 32),
  email          TEXT NOT NULL CHECK (email = lower(email)),
  password_hash  TEXT NOT NULL,
  phone          TEXT,
  created_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX guance_accounts_username ON guance_accounts (username);
CREATE UNIQUE INDEX guance_accounts_email ON guance_accounts (email);

-- A cloud account is linked to at most one Billing Center account (the primary key says so).
CREATE TABLE cloud_account_links (
  account_id          TEXT PRIMARY KEY CHECK (length(account_id) = 16 AND account_id NOT GLOB '*[^0-9]*'),
  billing_account_id  TEXT NOT NULL REFERENCES billing_accounts (id),
  linked_at           INTEGER NOT NULL
) STRICT;
CREATE INDEX cloud_account_links_billing ON cloud_account_links (billing_account_id);

CREATE TABLE workspaces (
  id                  TEXT PRIMARY KEY,
  name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  site                TEXT NOT NULL CHECK (site IN ('cn1','cn2','cn4','cn6','us1','eu1','ap1','za1','id1')),
  language            TEXT NOT NULL CHECK (language IN ('zh', 'en')),
  billing_account_id  TEXT NOT NULL REFERENCES billing_accounts (id),
  created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX workspaces_billing ON workspaces (billing_account_id);
-- A workspace's site never changes.
CREATE TRIGGER workspaces_site_is_fixed BEFORE UPDATE OF site ON workspaces
  WHEN NEW.site IS NOT OLD.site
BEGIN
  SELECT RAISE(ABORT, 'a workspace''s site never changes');
END;

-- Which Guance accounts can open which workspaces.
CREATE TABLE workspace_members (
  workspace_id       TEXT NOT NULL REFERENCES workspaces (id),
  guance_account_id  TEXT NOT NULL REFERENCES guance_accounts (id),
  role               TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  added_at           INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, guance_account_id)
) STRICT;
CREATE INDEX workspace_members_account ON workspace_members (guance_account_id);
CREATE UNIQUE INDEX workspace_members_one_owner ON workspace_members (workspace_id) WHERE role = 'owner';

-- Marketplace settlement of a workspace through a cloud account and one of its instances.
-- At most one live settlement per workspace; ending one (release, a later issue) sets ended_at,
-- which makes the workspace bindable again and keeps the history.
CREATE TABLE settlements (
  id            INTEGER PRIMARY KEY,
  workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
  account_id    TEXT NOT NULL,
  instance_id   TEXT NOT NULL REFERENCES instances (id),
  started_at    INTEGER NOT NULL,
  ended_at      INTEGER,
  CHECK (ended_at IS NULL OR ended_at >= started_at)
) STRICT;
CREATE UNIQUE INDEX settlements_live_workspace ON settlements (workspace_id) WHERE ended_at IS NULL;
CREATE INDEX settlements_instance ON settlements (instance_id);

-- Starting an activation is the hot write: the table is its own primary-key B-tree (WITHOUT ROWID)
-- and has no secondary index, so an insert touches one B-tree. Tokens are found through the id.
CREATE TABLE activations (
  id                  TEXT PRIMARY KEY,
  token_hash          TEXT NOT NULL CHECK (length(token_hash) = 64),
  account_id          TEXT NOT NULL,
  instance_id         TEXT NOT NULL REFERENCES instances (id),
  site                TEXT NOT NULL CHECK (site IN ('cn1','cn2','cn4','cn6','us1','eu1','ap1','za1','id1')),
  state               TEXT NOT NULL DEFAULT 'needs-billing-account'
                      CHECK (state IN ('needs-billing-account', 'needs-workspace', 'activated')),
  billing_account_id  TEXT REFERENCES billing_accounts (id),
  workspace_id        TEXT REFERENCES workspaces (id),
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  expires_at          INTEGER NOT NULL,
  CHECK (state = 'needs-billing-account' OR billing_account_id IS NOT NULL),
  CHECK (state <> 'activated' OR workspace_id IS NOT NULL)
) STRICT, WITHOUT ROWID;

-- One live code per (purpose, address); a resend replaces the row. Only a hash of the code is kept.
CREATE TABLE verification_codes (
  purpose        TEXT NOT NULL CHECK (purpose IN ('register', 'bind-billing-account', 'guance-account')),
  address        TEXT NOT NULL CHECK (address = lower(address)),
  code_hash      TEXT NOT NULL,
  activation_id  TEXT REFERENCES activations (id) ON DELETE SET NULL,
  sent_at        INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  failed_tries   INTEGER NOT NULL DEFAULT 0 CHECK (failed_tries >= 0),
  PRIMARY KEY (purpose, address)
) STRICT;

-- Mail kept here when no SMTP server is configured (and the code is printed to the log).
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY,
  recipient   TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
