-- 003: starting an activation changes no binding, settlement, instance or link, and starts are the
-- most frequent write: they no longer add an audit row. What an activation binds (its Billing
-- Center account, its workspace, its state) is still recorded by the update triggers of 002.
DROP TRIGGER audit_activation_insert;
