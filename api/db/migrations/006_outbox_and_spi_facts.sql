-- 006: every mail goes through a durable outbox (delivered by a worker with retries), and the
-- marketplace's later calls are applied by their own facts, so a replay changes nothing.

-- The outbox. A message carrying a secret (a verification code) keeps it in `secret`, apart from
-- the text, which holds a placeholder: once the message is sent, cancelled or its code expired,
-- the secret is dropped and no code is left at rest. The rule is the table's, not only the code's.
CREATE TABLE outbox_v5 (
  id                 INTEGER PRIMARY KEY,
  recipient          TEXT NOT NULL,
  subject            TEXT NOT NULL,
  body               TEXT NOT NULL,
  secret             TEXT,
  secret_expires_at  INTEGER,
  status             TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'failed', 'cancelled', 'expired')),
  attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at    INTEGER,
  last_error         TEXT,
  created_at         INTEGER NOT NULL,
  sent_at            INTEGER,
  CHECK (status = 'pending' OR secret IS NULL),
  CHECK (secret IS NULL OR secret_expires_at IS NOT NULL),
  CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
  CHECK (status <> 'pending' OR next_attempt_at IS NOT NULL)
) STRICT;
-- Mail kept before this migration was never delivered, and code mails held their code in the text.
INSERT INTO outbox_v5 (id, recipient, subject, body, status, created_at, last_error)
  SELECT id, recipient,
         CASE WHEN subject LIKE '%verification code%' THEN 'Guance verification code (removed)' ELSE subject END,
         CASE WHEN subject LIKE '%verification code%' THEN '(a verification code, removed by migration 006)' ELSE body END,
         'cancelled', created_at, 'kept without delivery before migration 006'
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v5 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_recipient ON outbox (recipient, id);
CREATE INDEX outbox_by_status ON outbox (status, id);

-- Orders already applied to an instance (renewInstance, upgradeInstance): the same order again is a replay.
CREATE TABLE spi_orders (
  instance_id  TEXT NOT NULL REFERENCES instances (id),
  action       TEXT NOT NULL,
  order_id     TEXT NOT NULL,
  applied_at   INTEGER NOT NULL,
  PRIMARY KEY (instance_id, action, order_id)
) STRICT, WITHOUT ROWID;

-- orderPay: a payment succeeded. `requestId` is the marketplace's idempotency key.
CREATE TABLE payments (
  request_id    TEXT PRIMARY KEY CHECK (length(request_id) BETWEEN 1 AND 128),
  instance_id   TEXT NOT NULL REFERENCES instances (id),
  account_id    TEXT NOT NULL,
  order_id      TEXT NOT NULL,
  product_code  TEXT NOT NULL,
  sku_id        TEXT,
  paid_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX payments_instance ON payments (instance_id, paid_at);
