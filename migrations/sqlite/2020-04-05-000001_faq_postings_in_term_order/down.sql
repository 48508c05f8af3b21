CREATE TABLE faq_terms_with_rowid (
    term TEXT NOT NULL,
    entry_id TEXT NOT NULL REFERENCES faq_entries (id),
    topic TEXT NOT NULL,
    weight BIGINT NOT NULL CHECK (weight > 0),
    entry_length BIGINT NOT NULL CHECK (entry_length > 0),
    PRIMARY KEY (term, entry_id)
);
INSERT INTO faq_terms_with_rowid (term, entry_id, topic, weight, entry_length)
    SELECT term, entry_id, topic, weight, entry_length FROM faq_terms;
DROP TABLE faq_terms;
ALTER TABLE faq_terms_with_rowid RENAME TO faq_terms;
CREATE INDEX faq_terms_entry ON faq_terms (entry_id);
