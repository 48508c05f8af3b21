-- The FAQ of "Question RdC": entries that experts promote from answered
-- questions. The entry holds its current text; every version, the current
-- one included, stays readable in faq_versions. A retired entry is kept and
-- readable by id, and leaves the search index.
CREATE TABLE faq_entries (
    id TEXT PRIMARY KEY NOT NULL,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    answer TEXT NOT NULL,
    version BIGINT NOT NULL CHECK (version >= 1),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP,
    retired_by TEXT REFERENCES users (id),
    -- The current text's length as the search weighs it (title words count
    -- more): with the number of published entries, what BM25 normalises by.
    search_length BIGINT NOT NULL CHECK (search_length >= 0)
);
CREATE INDEX faq_entries_published ON faq_entries (topic, id) WHERE retired_at IS NULL;

CREATE TABLE faq_versions (
    entry_id TEXT NOT NULL REFERENCES faq_entries (id),
    version BIGINT NOT NULL CHECK (version >= 1),
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    answer TEXT NOT NULL,
    written_at TIMESTAMP NOT NULL,
    written_by TEXT REFERENCES users (id),
    PRIMARY KEY (entry_id, version)
);

-- The questions an entry came from. A plain id for now: the check that
-- each is an answered question comes with the questions' table.
CREATE TABLE faq_questions (
    entry_id TEXT NOT NULL REFERENCES faq_entries (id),
    question_id TEXT NOT NULL,
    linked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (entry_id, question_id)
);
CREATE INDEX faq_questions_question ON faq_questions (question_id);

-- The search index: for each published entry, the terms of its current
-- text (the Italian analyser's stems) with their weights. Looked up by
-- term; the entry's topic and length ride along so that one read gives
-- the ranking everything it needs.
CREATE TABLE faq_terms (
    term TEXT NOT NULL,
    entry_id TEXT NOT NULL REFERENCES faq_entries (id),
    topic TEXT NOT NULL,
    weight BIGINT NOT NULL CHECK (weight > 0),
    entry_length BIGINT NOT NULL CHECK (entry_length > 0),
    PRIMARY KEY (term, entry_id)
);
CREATE INDEX faq_terms_entry ON faq_terms (entry_id);
