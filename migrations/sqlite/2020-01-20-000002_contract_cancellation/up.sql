-- A draft whose candidate never signs is cancelled by HR with a reason; a
-- signed contract never is (it ends by resignation, withdrawal or
-- exclusion), which the database holds too. SQLite adds constraints only
-- with a column, hence the checks on the columns.
ALTER TABLE contracts ADD COLUMN cancelled_on DATE
    CHECK (cancelled_on IS NULL OR signed_on IS NULL);
ALTER TABLE contracts ADD COLUMN cancellation_reason TEXT
    CHECK ((cancelled_on IS NULL) = (cancellation_reason IS NULL));
