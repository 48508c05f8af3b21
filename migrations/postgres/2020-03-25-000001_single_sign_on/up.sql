-- Sign-ins started at the identity provider and not yet back: the state
-- (kept as its SHA-256, as the browser holds the value), the nonce the ID
-- token must carry and the PKCE verifier. A row serves one return only,
-- and is forgotten after ten minutes.
CREATE TABLE sso_attempts (
    state_digest TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sso_attempts_created ON sso_attempts (created_at);

-- A console session opened through the identity provider: the provider
-- did the second factor, so its renewals never narrow it to enrolment.
ALTER TABLE console_sessions ADD COLUMN single_sign_on BOOLEAN NOT NULL DEFAULT FALSE;
