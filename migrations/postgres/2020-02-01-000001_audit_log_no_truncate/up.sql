-- TRUNCATE fires no row trigger: without this the append-only audit log
-- could still be emptied in one statement.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
