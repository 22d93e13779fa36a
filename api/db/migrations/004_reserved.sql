-- 004: reserved for the durable mail outbox (another branch); empty here. Delete this file when that
-- branch's 004 arrives.
SELECT 1;
