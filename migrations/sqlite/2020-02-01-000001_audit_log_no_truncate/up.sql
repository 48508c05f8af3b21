-- SQLite has no TRUNCATE (its DELETE without WHERE already fires the
-- append-only trigger); this keeps the two engines' migrations in step.
SELECT 1;
