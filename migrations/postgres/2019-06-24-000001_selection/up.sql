-- Selection (avviso), applications, rankings (graduatorie), offers and seats.

CREATE TABLE selections (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    published_on DATE NOT NULL,
    questions BIGINT NOT NULL CHECK (questions > 0),
    pass_mark BIGINT NOT NULL CHECK (pass_mark >= 0),
    wrong_penalty_hundredths BIGINT NOT NULL CHECK (wrong_penalty_hundredths >= 0),
    admission_multiplier BIGINT NOT NULL CHECK (admission_multiplier > 0),
    offer_days BIGINT NOT NULL CHECK (offer_days > 0),
    ranking_valid_months BIGINT NOT NULL CHECK (ranking_valid_months > 0),
    annual_pay_cents BIGINT NOT NULL CHECK (annual_pay_cents >= 0),
    monthly_expenses_cents BIGINT NOT NULL CHECK (monthly_expenses_cents >= 0),
    contract_end DATE NOT NULL,
    decline_is_final BOOLEAN NOT NULL,
    admission_done_at TIMESTAMP,
    rankings_published_on DATE,
    created_at TIMESTAMP NOT NULL
);

-- Posts per province, with the seat counters that calls and outcomes move.
-- The check is the invariant of DOMAIN.md §5.4, held by the database itself.
CREATE TABLE selection_posts (
    selection_id TEXT NOT NULL REFERENCES selections (id),
    province_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    posts BIGINT NOT NULL CHECK (posts >= 0),
    filled BIGINT NOT NULL DEFAULT 0,
    pending BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (selection_id, province_sigla),
    CHECK (filled >= 0 AND pending >= 0 AND filled + pending <= posts)
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    selection_id TEXT NOT NULL REFERENCES selections (id),
    application_no TEXT NOT NULL,
    codice_fiscale TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    province_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    degree_class TEXT NOT NULL,
    degree_grade BIGINT NOT NULL CHECK (degree_grade BETWEEN 66 AND 110),
    degree_honours BOOLEAN NOT NULL,
    admitted BOOLEAN NOT NULL DEFAULT FALSE,
    answers_right BIGINT,
    answers_wrong BIGINT,
    answers_blank BIGINT,
    score_hundredths BIGINT,
    state TEXT NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'offered', 'accepted', 'declined', 'lapsed', 'excluded', 'suspended')),
    state_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (selection_id, codice_fiscale),
    UNIQUE (selection_id, application_no)
);
CREATE INDEX applications_selection_province ON applications (selection_id, province_sigla);

-- A published ranking and its corrections (rettifiche): one row per version.
CREATE TABLE rankings (
    id TEXT PRIMARY KEY,
    selection_id TEXT NOT NULL REFERENCES selections (id),
    province_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    version BIGINT NOT NULL CHECK (version > 0),
    published_on DATE NOT NULL,
    valid_until DATE NOT NULL,
    posts BIGINT NOT NULL,
    reason TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (selection_id, province_sigla, version)
);

CREATE TABLE ranking_entries (
    ranking_id TEXT NOT NULL REFERENCES rankings (id),
    position BIGINT NOT NULL CHECK (position > 0),
    application_id TEXT NOT NULL REFERENCES applications (id),
    score_hundredths BIGINT NOT NULL,
    degree_grade BIGINT NOT NULL,
    degree_honours BOOLEAN NOT NULL,
    birth_date DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('winner', 'reserve')),
    decided_by TEXT NOT NULL,
    PRIMARY KEY (ranking_id, position),
    UNIQUE (ranking_id, application_id)
);
CREATE INDEX ranking_entries_application ON ranking_entries (application_id);

CREATE TABLE offers (
    id TEXT PRIMARY KEY,
    selection_id TEXT NOT NULL REFERENCES selections (id),
    application_id TEXT NOT NULL REFERENCES applications (id),
    province_sigla TEXT NOT NULL REFERENCES provinces (sigla),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'lapsed', 'withdrawn')),
    deadline TIMESTAMP NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_used_at TIMESTAMP,
    fallback BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    outcome_reason TEXT
);
-- One open offer per candidate, whatever the number of processes calling.
CREATE UNIQUE INDEX offers_one_open_per_candidate ON offers (application_id)
    WHERE status IN ('pending', 'accepted');
CREATE INDEX offers_due ON offers (status, deadline);
CREATE INDEX offers_selection_province ON offers (selection_id, province_sigla);

-- A published ranking is immutable: corrections are new versions.
CREATE FUNCTION ranking_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a published ranking is immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rankings_immutable BEFORE UPDATE OR DELETE ON rankings
    FOR EACH ROW EXECUTE FUNCTION ranking_immutable();
CREATE TRIGGER ranking_entries_immutable BEFORE UPDATE OR DELETE ON ranking_entries
    FOR EACH ROW EXECUTE FUNCTION ranking_immutable();
