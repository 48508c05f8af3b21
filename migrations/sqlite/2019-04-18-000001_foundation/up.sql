-- Reference data, accounts, mail outbox and audit log.
-- Portable subset: ids as TEXT (UUID), instants as TIMESTAMP (UTC), money in cents.

CREATE TABLE regions (
    code TEXT PRIMARY KEY CHECK (length(code) = 2),
    name TEXT NOT NULL
);

CREATE TABLE provinces (
    istat_code TEXT PRIMARY KEY,
    sigla TEXT NOT NULL UNIQUE CHECK (length(sigla) = 2),
    name TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code)
);
CREATE INDEX provinces_region ON provinces (region_code);

-- The 2,980 posts of the 2019 notice as published: per Region, and per province where known.
CREATE TABLE reference_posts (
    region_code TEXT NOT NULL REFERENCES regions (code),
    province_sigla TEXT NOT NULL DEFAULT '',
    posts BIGINT NOT NULL CHECK (posts >= 0),
    PRIMARY KEY (region_code, province_sigla)
);

-- At most one convention per Region.
CREATE TABLE conventions (
    region_code TEXT PRIMARY KEY REFERENCES regions (code),
    mode TEXT NOT NULL CHECK (mode IN ('cpi', 'remote')),
    signed_on DATE NOT NULL,
    valid_until DATE,
    updated_at TIMESTAMP NOT NULL,
    CHECK (valid_until IS NULL OR valid_until >= signed_on)
);

CREATE TABLE cpis (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    province_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    address TEXT,
    capacity BIGINT CHECK (capacity IS NULL OR capacity > 0),
    demo BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX cpis_province ON cpis (province_sigla);

CREATE TABLE training_paths (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    total_hours BIGINT NOT NULL CHECK (total_hours > 0),
    final_assessment_required BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE training_buckets (
    path_id TEXT NOT NULL REFERENCES training_paths (id),
    kind TEXT NOT NULL CHECK (kind IN ('classroom', 'distance', 'on_the_job')),
    share_percent BIGINT NOT NULL CHECK (share_percent BETWEEN 1 AND 100),
    hours BIGINT NOT NULL CHECK (hours >= 0),
    PRIMARY KEY (path_id, kind)
);

CREATE TABLE training_modules (
    id TEXT PRIMARY KEY,
    path_id TEXT NOT NULL REFERENCES training_paths (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    hours BIGINT NOT NULL CHECK (hours > 0),
    UNIQUE (path_id, code)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('navigator', 'coordinator', 'trainer', 'hr', 'admin')),
    navigator_id TEXT UNIQUE,
    active BOOLEAN NOT NULL,
    disabled_from DATE,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP
);

CREATE TABLE user_regions (
    user_id TEXT NOT NULL REFERENCES users (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    PRIMARY KEY (user_id, region_code)
);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    spent_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE one_time_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id);

-- Failed-login counters; a key is 'account:<email>' or 'address:<ip>'.
CREATE TABLE login_failures (
    throttle_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

-- Mail written in the same transaction as the change that causes it.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, failed_at, next_attempt_at);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor);
CREATE INDEX audit_log_at ON audit_log (at);

-- The audit log is append-only: the database refuses to change or remove a line.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
