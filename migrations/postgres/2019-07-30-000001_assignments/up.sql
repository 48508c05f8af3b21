-- Navigators placed in CPIs, with their history (DOMAIN.md §9).

CREATE TABLE cpi_assignments (
    id TEXT PRIMARY KEY,
    navigator_id TEXT NOT NULL REFERENCES navigators (id),
    cpi_code TEXT NOT NULL REFERENCES cpis (code),
    region_code TEXT NOT NULL REFERENCES regions (code),
    from_day DATE NOT NULL,
    -- The last day, included; NULL while the assignment is open.
    to_day DATE,
    -- Why it closed: the next assignment began, or the contract ended.
    closed_by TEXT CHECK (closed_by IN ('reassigned', 'contract-ended')),
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK (to_day IS NULL OR to_day >= from_day),
    CHECK ((to_day IS NULL) = (closed_by IS NULL))
);
-- One open assignment per Navigator, whatever the number of servers.
CREATE UNIQUE INDEX cpi_assignments_one_open ON cpi_assignments (navigator_id) WHERE to_day IS NULL;
CREATE UNIQUE INDEX cpi_assignments_navigator_from ON cpi_assignments (navigator_id, from_day);
CREATE INDEX cpi_assignments_cpi ON cpi_assignments (cpi_code);
CREATE INDEX cpi_assignments_region ON cpi_assignments (region_code);
