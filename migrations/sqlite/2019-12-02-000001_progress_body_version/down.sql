ALTER TABLE training_progress DROP COLUMN body_version;
