ALTER TABLE contracts DROP COLUMN cancellation_reason;
ALTER TABLE contracts DROP COLUMN cancelled_on;
