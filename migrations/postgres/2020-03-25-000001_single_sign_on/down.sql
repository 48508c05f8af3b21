ALTER TABLE console_sessions DROP COLUMN single_sign_on;
DROP TABLE sso_attempts;
