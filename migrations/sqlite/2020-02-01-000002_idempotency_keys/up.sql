-- Retry-safe writes: a POST sent with an Idempotency-Key is claimed here in
-- the same transaction as its change, and its answer kept for 24 hours so a
-- retry gets the same answer without a second effect.
CREATE TABLE idempotency_keys (
    caller_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    -- SHA-256 of the method, path, query and body the key was first used with.
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- The answer, once the change has committed and the answer is written.
    status BIGINT,
    content_type TEXT,
    location TEXT,
    body TEXT,
    PRIMARY KEY (caller_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
