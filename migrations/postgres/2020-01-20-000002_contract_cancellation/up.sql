-- A draft whose candidate never signs is cancelled by HR with a reason; a
-- signed contract never is (it ends by resignation, withdrawal or
-- exclusion), which the database holds too.
ALTER TABLE contracts ADD COLUMN cancelled_on DATE;
ALTER TABLE contracts ADD COLUMN cancellation_reason TEXT;
ALTER TABLE contracts ADD CONSTRAINT contracts_cancelled_draft
    CHECK (cancelled_on IS NULL OR signed_on IS NULL);
ALTER TABLE contracts ADD CONSTRAINT contracts_cancelled_with_reason
    CHECK ((cancelled_on IS NULL) = (cancellation_reason IS NULL));
