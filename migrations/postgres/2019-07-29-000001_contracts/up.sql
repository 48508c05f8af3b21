-- Navigators, their contracts and the HR events on them.

CREATE TABLE navigators (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL UNIQUE REFERENCES applications (id),
    selection_id TEXT NOT NULL REFERENCES selections (id),
    codice_fiscale TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    province_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    region_code TEXT NOT NULL REFERENCES regions (code),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX navigators_region ON navigators (region_code);

CREATE TABLE contracts (
    id TEXT PRIMARY KEY,
    navigator_id TEXT NOT NULL REFERENCES navigators (id),
    offer_id TEXT NOT NULL UNIQUE REFERENCES offers (id),
    selection_id TEXT NOT NULL REFERENCES selections (id),
    province_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    region_code TEXT NOT NULL REFERENCES regions (code),
    requirements_verified_at TIMESTAMP NOT NULL,
    signed_on DATE,
    start_date DATE,
    end_date DATE NOT NULL,
    annual_pay_cents BIGINT NOT NULL,
    monthly_expenses_cents BIGINT NOT NULL,
    end_cause TEXT CHECK (end_cause IN ('resigned', 'withdrawn', 'excluded')),
    end_effective_on DATE,
    end_submitted_on DATE,
    end_reason TEXT,
    -- The day the seat went back to the province (the day after the last one).
    seat_released_on DATE,
    created_at TIMESTAMP NOT NULL,
    CHECK (start_date IS NULL OR end_date >= start_date),
    CHECK (signed_on IS NULL OR start_date >= signed_on),
    CHECK ((end_cause IS NULL) = (end_effective_on IS NULL))
);
CREATE INDEX contracts_region ON contracts (region_code);
CREATE INDEX contracts_navigator ON contracts (navigator_id);

CREATE TABLE contract_suspensions (
    id TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    from_day DATE NOT NULL,
    to_day DATE NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK (to_day >= from_day)
);
CREATE INDEX contract_suspensions_contract ON contract_suspensions (contract_id);

CREATE TABLE contract_extensions (
    id TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    previous_end DATE NOT NULL,
    new_end DATE NOT NULL,
    reason TEXT NOT NULL,
    batch_id TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK (new_end > previous_end)
);
CREATE INDEX contract_extensions_contract ON contract_extensions (contract_id);

-- Opened when a contract ends; the equipment return fills it.
CREATE TABLE offboardings (
    id TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL UNIQUE REFERENCES contracts (id),
    navigator_id TEXT NOT NULL REFERENCES navigators (id),
    ended_on DATE NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
