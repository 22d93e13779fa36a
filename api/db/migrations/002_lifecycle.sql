-- 002: what the marketplace's later calls do (freeze, renew, release), free login, the audit trail
-- and rate limits. The audit rows are written by triggers, so no code path can change a binding, a
-- settlement, an instance or an account link without leaving a trace. Triggers call two functions
-- the connection registers (db/audit-context.ts): the time and the id of the request being served.

-- expiredInstance freezes; the countdown ends at freeze_ends_at (then the sweep releases it).
ALTER TABLE instances ADD COLUMN frozen_at INTEGER;
ALTER TABLE instances ADD COLUMN freeze_ends_at INTEGER CHECK (freeze_ends_at IS NULL OR frozen_at IS NOT NULL);
ALTER TABLE instances ADD COLUMN released_at INTEGER;
CREATE INDEX instances_freeze_due ON instances (freeze_ends_at) WHERE status = 'expired';

-- Why a marketplace settlement ended; the workspace is then settled directly by its Billing Center account.
ALTER TABLE settlements ADD COLUMN end_reason TEXT
  CHECK (end_reason IS NULL OR end_reason IN ('released', 'freeze-ended'));

-- Free login proves the account through the marketplace: such an activation is "verified".
ALTER TABLE activations ADD COLUMN verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1));

-- Calls about an instance we have not heard of yet (createInstance still on its way). Answered
-- with an error so the marketplace retries, and applied when the instance arrives.
CREATE TABLE spi_pending (
  id           INTEGER PRIMARY KEY,
  action       TEXT NOT NULL,
  instance_id  TEXT NOT NULL,
  params       TEXT NOT NULL CHECK (json_valid(params)),
  received_at  INTEGER NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  resolved_at  INTEGER,
  outcome      TEXT
) STRICT;
CREATE UNIQUE INDEX spi_pending_call ON spi_pending (action, instance_id, params);
CREATE INDEX spi_pending_open ON spi_pending (instance_id, id) WHERE resolved_at IS NULL;

-- Free-login tokens already used: each works once.
CREATE TABLE free_login_tokens (
  token_hash   TEXT PRIMARY KEY,
  instance_id  TEXT NOT NULL,
  used_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX free_login_tokens_used ON free_login_tokens (used_at);

CREATE TABLE audit_log (
  id                  INTEGER PRIMARY KEY,
  at                  INTEGER NOT NULL,
  request_id          TEXT,
  entity              TEXT NOT NULL CHECK (entity IN ('instance', 'link', 'settlement', 'activation')),
  entity_id           TEXT NOT NULL,
  field               TEXT NOT NULL,
  old_value           TEXT,
  new_value           TEXT,
  account_id          TEXT, -- the Alibaba Cloud account concerned
  billing_account_id  TEXT  -- the Billing Center account concerned
) STRICT;
CREATE INDEX audit_log_account ON audit_log (account_id, id);
CREATE INDEX audit_log_billing ON audit_log (billing_account_id, id);
-- History is append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Instances: status, SKU, expiry, countdown.
CREATE TRIGGER audit_instance_insert AFTER INSERT ON instances BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id)
  VALUES (audit_now(), audit_request_id(), 'instance', NEW.id, 'status', NULL, NEW.status, NEW.account_id);
END;
CREATE TRIGGER audit_instance_status AFTER UPDATE OF status ON instances WHEN NEW.status IS NOT OLD.status BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id)
  VALUES (audit_now(), audit_request_id(), 'instance', NEW.id, 'status', OLD.status, NEW.status, NEW.account_id);
END;
CREATE TRIGGER audit_instance_sku AFTER UPDATE OF sku_id ON instances WHEN NEW.sku_id IS NOT OLD.sku_id BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id)
  VALUES (audit_now(), audit_request_id(), 'instance', NEW.id, 'sku', OLD.sku_id, NEW.sku_id, NEW.account_id);
END;
CREATE TRIGGER audit_instance_expiry AFTER UPDATE OF expired_on ON instances WHEN NEW.expired_on IS NOT OLD.expired_on BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id)
  VALUES (audit_now(), audit_request_id(), 'instance', NEW.id, 'expiredOn', OLD.expired_on, NEW.expired_on, NEW.account_id);
END;
CREATE TRIGGER audit_instance_freeze AFTER UPDATE OF freeze_ends_at ON instances WHEN NEW.freeze_ends_at IS NOT OLD.freeze_ends_at BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id)
  VALUES (audit_now(), audit_request_id(), 'instance', NEW.id, 'frozenUntil',
    strftime('%Y-%m-%dT%H:%M:%SZ', OLD.freeze_ends_at / 1000, 'unixepoch'),
    strftime('%Y-%m-%dT%H:%M:%SZ', NEW.freeze_ends_at / 1000, 'unixepoch'), NEW.account_id);
END;

-- Links between a cloud account and a Billing Center account.
CREATE TRIGGER audit_link_insert AFTER INSERT ON cloud_account_links BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'link', NEW.account_id, 'billingAccount', NULL, NEW.billing_account_id, NEW.account_id, NEW.billing_account_id);
END;
CREATE TRIGGER audit_link_update AFTER UPDATE ON cloud_account_links WHEN NEW.billing_account_id IS NOT OLD.billing_account_id BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'link', NEW.account_id, 'billingAccount', OLD.billing_account_id, NEW.billing_account_id, NEW.account_id, NEW.billing_account_id);
END;
CREATE TRIGGER audit_link_delete AFTER DELETE ON cloud_account_links BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'link', OLD.account_id, 'billingAccount', OLD.billing_account_id, NULL, OLD.account_id, OLD.billing_account_id);
END;

-- Workspace settlement: through a cloud account and instance (marketplace) or direct (Billing Center).
CREATE TRIGGER audit_settlement_start AFTER INSERT ON settlements BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'settlement', NEW.workspace_id, 'settlement', 'direct',
    'marketplace:' || NEW.account_id || '/' || NEW.instance_id, NEW.account_id,
    (SELECT billing_account_id FROM workspaces WHERE id = NEW.workspace_id));
END;
CREATE TRIGGER audit_settlement_end AFTER UPDATE OF ended_at ON settlements
  WHEN OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'settlement', NEW.workspace_id, 'settlement',
    'marketplace:' || NEW.account_id || '/' || NEW.instance_id, 'direct (' || coalesce(NEW.end_reason, 'ended') || ')',
    NEW.account_id, (SELECT billing_account_id FROM workspaces WHERE id = NEW.workspace_id));
END;

-- Activations: which Billing Center account and workspace they bound, and their state.
CREATE TRIGGER audit_activation_insert AFTER INSERT ON activations BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id)
  VALUES (audit_now(), audit_request_id(), 'activation', NEW.id, 'state', NULL,
    NEW.state || CASE WHEN NEW.verified = 1 THEN ' (verified by free login)' ELSE '' END, NEW.account_id);
END;
CREATE TRIGGER audit_activation_state AFTER UPDATE OF state ON activations WHEN NEW.state IS NOT OLD.state BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'activation', NEW.id, 'state', OLD.state, NEW.state, NEW.account_id, NEW.billing_account_id);
END;
CREATE TRIGGER audit_activation_billing AFTER UPDATE OF billing_account_id ON activations
  WHEN NEW.billing_account_id IS NOT OLD.billing_account_id BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'activation', NEW.id, 'billingAccount', OLD.billing_account_id, NEW.billing_account_id, NEW.account_id, NEW.billing_account_id);
END;
CREATE TRIGGER audit_activation_workspace AFTER UPDATE OF workspace_id ON activations
  WHEN NEW.workspace_id IS NOT OLD.workspace_id BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'activation', NEW.id, 'workspace', OLD.workspace_id, NEW.workspace_id, NEW.account_id, NEW.billing_account_id);
END;

-- Rate limits (security/rate-limit.ts): keys are hashes, never addresses.
CREATE TABLE rate_limit_hits (
  bucket        TEXT NOT NULL,
  key           TEXT NOT NULL,
  window_start  INTEGER NOT NULL,
  count         INTEGER NOT NULL CHECK (count >= 1),
  PRIMARY KEY (bucket, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE rate_limit_failures (
  bucket           TEXT NOT NULL,
  key              TEXT NOT NULL,
  failures         INTEGER NOT NULL CHECK (failures >= 1),
  last_failure_at  INTEGER NOT NULL,
  blocked_until    INTEGER NOT NULL,
  PRIMARY KEY (bucket, key)
) STRICT, WITHOUT ROWID;
