-- Sessions opened in the back-office console: when each was signed in and
-- last used, so that the console ends one left idle, and any one some
-- hours after its sign-in (the session is a refresh-token family).
CREATE TABLE console_sessions (
    family_id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL,
    signed_in_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);
