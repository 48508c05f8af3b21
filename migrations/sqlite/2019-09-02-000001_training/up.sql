-- Training records of the 200-hour path (DOMAIN.md §8). Hours are kept in
-- minutes, so quarter hours add up exactly.

-- The path a selection's Navigators follow; without a row, the oldest path.
CREATE TABLE selection_training_paths (
    selection_id TEXT PRIMARY KEY REFERENCES selections (id),
    path_id TEXT NOT NULL REFERENCES training_paths (id)
);

CREATE TABLE classroom_sessions (
    id TEXT PRIMARY KEY,
    day DATE NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    place TEXT NOT NULL,
    trainer TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX classroom_sessions_day ON classroom_sessions (day);

CREATE TABLE classroom_attendance (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES classroom_sessions (id),
    navigator_id TEXT NOT NULL REFERENCES navigators (id),
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    recorded_by TEXT,
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (session_id, navigator_id)
);
CREATE INDEX classroom_attendance_navigator ON classroom_attendance (navigator_id);

CREATE TABLE distance_completions (
    id TEXT PRIMARY KEY,
    navigator_id TEXT NOT NULL REFERENCES navigators (id),
    module_id TEXT NOT NULL REFERENCES training_modules (id),
    completed_on DATE NOT NULL,
    test_passed BOOLEAN NOT NULL,
    recorded_by TEXT,
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (navigator_id, module_id)
);

-- On-the-job hours logged from the tablet; `client_id` makes a retry
-- answer the original instead of adding a second log.
CREATE TABLE ojt_logs (
    id TEXT PRIMARY KEY,
    navigator_id TEXT NOT NULL REFERENCES navigators (id),
    client_id TEXT NOT NULL,
    day DATE NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    activity TEXT NOT NULL,
    -- NULL in a `remote` Region (Campania).
    cpi_code TEXT REFERENCES cpis (code),
    region_code TEXT NOT NULL REFERENCES regions (code),
    status TEXT NOT NULL CHECK (status IN ('pending', 'validated', 'rejected')),
    reason TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (navigator_id, client_id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX ojt_logs_navigator_day ON ojt_logs (navigator_id, day);
CREATE INDEX ojt_logs_region_status ON ojt_logs (region_code, status);

CREATE TABLE mandatory_training (
    id TEXT PRIMARY KEY,
    navigator_id TEXT NOT NULL REFERENCES navigators (id),
    item TEXT NOT NULL CHECK (item IN ('health_and_safety', 'data_protection', 'final_assessment')),
    completed_on DATE NOT NULL,
    recorded_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mandatory_training_navigator ON mandatory_training (navigator_id);

-- The progress a Navigator's tablet polls, kept up to date in the same
-- transaction as every record that changes it: one indexed read per poll.
CREATE TABLE training_progress (
    navigator_id TEXT PRIMARY KEY REFERENCES navigators (id),
    body TEXT NOT NULL,
    etag TEXT NOT NULL,
    -- The days each bucket filled and the path completed, for the
    -- indicators as of any date.
    classroom_filled_on DATE,
    distance_filled_on DATE,
    on_the_job_filled_on DATE,
    completed_on DATE,
    updated_at TIMESTAMP NOT NULL
);
