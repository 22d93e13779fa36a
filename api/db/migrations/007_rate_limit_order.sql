-- 007: the rate-limit tables are kept under a row cap (security/rate-limit.ts) by dropping rows
-- that can no longer refuse, then the oldest. Both are ranges of these columns: without an index
-- each bounding pass sorted the whole table, a stall of several milliseconds for every request
-- then waiting (the tail of POST /activations' latency under a flood of new client addresses).
CREATE INDEX rate_limit_hits_by_start ON rate_limit_hits (window_start);
CREATE INDEX rate_limit_failures_by_last ON rate_limit_failures (last_failure_at);
