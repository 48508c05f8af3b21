-- The second factor (TOTP, RFC 6238) of staff accounts. The secret is kept
-- as the authenticator app has it (base32): the server computes the codes
-- from it. `confirmed_at` is unset while the enrolment waits for its first
-- code; `last_step` is the last step accepted, so that no code is accepted
-- twice.
CREATE TABLE totp_factors (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT
);

-- Recovery codes handed out at confirmation, stored as argon2 hashes; each
-- serves once.
CREATE TABLE totp_recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX totp_recovery_codes_user ON totp_recovery_codes (user_id);
