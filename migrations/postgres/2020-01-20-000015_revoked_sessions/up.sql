-- Sessions (refresh-token families) revoked lately: every process keeps them
-- to refuse the access tokens they issued, which carry the family as `sid`.
-- Rows older than an access token's life serve nothing and are purged.
CREATE TABLE revoked_sessions (
    family_id TEXT PRIMARY KEY NOT NULL,
    revoked_at TIMESTAMP NOT NULL
);
CREATE INDEX revoked_sessions_revoked_at ON revoked_sessions (revoked_at);
