-- Retention: the persons whose identity a retention run replaced by a
-- pseudonym (the audit log, append-only, still names their records by id:
-- its display masks what it holds of them), and the lease that lets one
-- replica a day run the retention in the background.
CREATE TABLE erasures (
    subject TEXT NOT NULL CHECK (subject IN ('application', 'navigator', 'user')),
    subject_id TEXT NOT NULL,
    pseudonym TEXT NOT NULL,
    category TEXT NOT NULL,
    erased_on DATE NOT NULL,
    PRIMARY KEY (subject, subject_id)
);
CREATE INDEX erasures_subject_id ON erasures (subject_id);

CREATE TABLE retention_lease (
    name TEXT PRIMARY KEY NOT NULL,
    started_at TIMESTAMP NOT NULL
);
INSERT INTO retention_lease (name, started_at) VALUES ('daily', '1970-01-01 00:00:00');
