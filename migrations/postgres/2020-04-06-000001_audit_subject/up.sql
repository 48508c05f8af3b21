-- The person a line concerns, by codice fiscale, when the line is about one
-- person (a read of their record, their subject access file): what the
-- audit view's person filter finds besides the lines about their records.
ALTER TABLE audit_log ADD COLUMN subject TEXT;
CREATE INDEX audit_log_subject ON audit_log (subject);
