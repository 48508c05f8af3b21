-- The programme's days of a call and of its outcome (Europe/Rome, or the
-- configured "today"), which the indicators count by: a timestamp's UTC
-- date can be the day before or after.
ALTER TABLE offers ADD COLUMN called_on DATE;
ALTER TABLE offers ADD COLUMN decided_on DATE;
UPDATE offers SET called_on = CAST(created_at AS DATE), decided_on = CAST(decided_at AS DATE);
