-- The shape of each stored progress body: a read that finds another shape
-- than the code's rebuilds the body instead of serving it. Bodies stored
-- before the shape was recorded are shape 0, so each is rebuilt once.
ALTER TABLE training_progress ADD COLUMN body_version INTEGER NOT NULL DEFAULT 0;
