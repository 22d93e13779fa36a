-- 005: reserved for how activations and links were proved (another branch); empty here. Delete this
-- file when that branch's 005 arrives.
SELECT 1;
