-- 004: proof of the cloud account's owner. An activation records how it proved that the person at
-- the keyboard owns the Alibaba Cloud account (the marketplace's signed free login, or Sign in with
-- Alibaba Cloud); a link records whether it was made with proof. A link made without proof can be
-- ended by its owner proving the account later (superseded) or by an operator (unlinked); a link
-- made with proof only by an operator. Every ending is kept, and a link row is deleted only together
-- with its ending, so the rule holds whatever the code does.

ALTER TABLE activations ADD COLUMN proof TEXT CHECK (proof IS NULL OR proof IN ('marketplace', 'alibaba-sign-in'));
UPDATE activations SET proof = 'marketplace' WHERE verified = 1;
CREATE TRIGGER audit_activation_proof AFTER UPDATE OF proof ON activations WHEN NEW.proof IS NOT OLD.proof BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'activation', NEW.id, 'proof', OLD.proof, NEW.proof, NEW.account_id, NEW.billing_account_id);
END;

ALTER TABLE cloud_account_links ADD COLUMN proof TEXT CHECK (proof IS NULL OR proof IN ('marketplace', 'alibaba-sign-in'));
-- Links made so far by a free-login activation were made with proof.
UPDATE cloud_account_links SET proof = 'marketplace' WHERE EXISTS (
  SELECT 1 FROM activations a WHERE a.account_id = cloud_account_links.account_id
    AND a.billing_account_id = cloud_account_links.billing_account_id AND a.verified = 1);
-- A link is ended and a new one made, never moved; the one change allowed is a link made without
-- proof becoming proved (its owner proved the cloud account and bound that same account).
CREATE TRIGGER cloud_account_links_fixed BEFORE UPDATE ON cloud_account_links
  WHEN NEW.billing_account_id IS NOT OLD.billing_account_id OR NEW.linked_at IS NOT OLD.linked_at
    OR (NEW.proof IS NOT OLD.proof AND (OLD.proof IS NOT NULL OR NEW.proof IS NULL))
BEGIN
  SELECT RAISE(ABORT, 'a link is ended and a new one made, never changed (only proved once)');
END;
CREATE TRIGGER audit_link_proof AFTER UPDATE OF proof ON cloud_account_links WHEN NEW.proof IS NOT OLD.proof BEGIN
  INSERT INTO audit_log (at, request_id, entity, entity_id, field, old_value, new_value, account_id, billing_account_id)
  VALUES (audit_now(), audit_request_id(), 'link', NEW.account_id, 'proof', OLD.proof, NEW.proof, NEW.account_id, NEW.billing_account_id);
END;

CREATE TABLE link_endings (
  id                  INTEGER PRIMARY KEY,
  account_id          TEXT NOT NULL,
  billing_account_id  TEXT NOT NULL REFERENCES billing_accounts (id),
  proof               TEXT, -- the ended link's
  linked_at           INTEGER NOT NULL,
  ended_at            INTEGER NOT NULL,
  reason              TEXT NOT NULL CHECK (reason IN ('superseded', 'unlinked')),
  activation_id       TEXT, -- superseded: the proved activation that ended it
  note                TEXT, -- unlinked: the operator's reason
  -- A link made with proof is never superseded.
  CHECK (reason = 'unlinked' OR proof IS NULL),
  CHECK (reason <> 'superseded' OR activation_id IS NOT NULL),
  CHECK (reason <> 'unlinked' OR length(note) > 0)
) STRICT;
CREATE INDEX link_endings_account ON link_endings (account_id, id);
-- The ending describes the live link exactly (its proof cannot be misstated to pass the CHECK).
CREATE TRIGGER link_endings_match_link BEFORE INSERT ON link_endings
  WHEN NOT EXISTS (SELECT 1 FROM cloud_account_links l WHERE l.account_id = NEW.account_id
    AND l.billing_account_id = NEW.billing_account_id AND l.proof IS NEW.proof AND l.linked_at = NEW.linked_at)
BEGIN
  SELECT RAISE(ABORT, 'a link ending must describe the live link');
END;
CREATE TRIGGER link_endings_append_only BEFORE UPDATE ON link_endings BEGIN SELECT RAISE(ABORT, 'link endings are history'); END;
CREATE TRIGGER link_endings_no_delete BEFORE DELETE ON link_endings BEGIN SELECT RAISE(ABORT, 'link endings are history'); END;
CREATE TRIGGER cloud_account_links_end_recorded BEFORE DELETE ON cloud_account_links
  WHEN NOT EXISTS (SELECT 1 FROM link_endings e WHERE e.account_id = OLD.account_id
    AND e.billing_account_id = OLD.billing_account_id AND e.linked_at = OLD.linked_at)
BEGIN
  SELECT RAISE(ABORT, 'a link ends only with its ending recorded in link_endings');
END;

-- Settlements end for two more reasons: the link they were made under was superseded or unlinked.
-- SQLite cannot change a CHECK in place: the table is rebuilt (its triggers with it).
CREATE TABLE settlements_new (
  id            INTEGER PRIMARY KEY,
  workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
  account_id    TEXT NOT NULL,
  instance_id   TEXT NOT NULL REFERENCES instances (id),
  started_at    INTEGER NOT NULL,
  ended_at      INTEGER,
  end_reason    TEXT CHECK (end_reason IS NULL OR end_reason IN ('released', 'freeze-ended', 'superseded', 'unlinked')),
  CHECK (ended_at IS NULL OR ended_at >= started_at)
) STRICT;
INSERT INTO settlements_new (id, workspace_id, account_id, instance_id, started_at, ended_at, end_reason)
  SELECT id, workspace_id, account_id, instance_id, started_at, ended_at, end_reason FROM settlements;
DROP TABLE settlements;
ALTER TABLE settlements_new RENAME TO settlements;
CREATE UNIQUE INDEX settlements_live_workspace ON settlements (workspace_id) WHERE ended_at IS NULL;
CREATE INDEX settlements_instance ON settlements (instance_id);
CREATE INDEX settlements_account_live ON settlements (account_id) WHERE ended_at IS NULL;
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

-- Sign in with Alibaba Cloud: one row per authorization request, found by the hash of its `state`,
-- bound to the activation that asked for it, used once. The PKCE verifier and nonce never leave
-- the server; rows go once they are used or old.
CREATE TABLE alibaba_sign_ins (
  state_hash     TEXT PRIMARY KEY CHECK (length(state_hash) = 64),
  activation_id  TEXT NOT NULL REFERENCES activations (id) ON DELETE CASCADE,
  code_verifier  TEXT NOT NULL,
  nonce          TEXT NOT NULL,
  redirect_uri   TEXT NOT NULL,
  browser_hash   TEXT, -- web flow: hash of the cookie set in the browser that started it
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  used_at        INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX alibaba_sign_ins_expiry ON alibaba_sign_ins (expires_at);
