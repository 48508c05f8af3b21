ALTER TABLE offers DROP COLUMN decided_on;
ALTER TABLE offers DROP COLUMN called_on;
