-- A search reads every posting of the question's terms. Kept in the order
-- of its key (WITHOUT ROWID), a term's postings are one range of the table,
-- read in order; in a rowid table each one costs a second lookup, from the
-- key's index to its row.
CREATE TABLE faq_terms_in_order (
    term TEXT NOT NULL,
    entry_id TEXT NOT NULL REFERENCES faq_entries (id),
    topic TEXT NOT NULL,
    weight BIGINT NOT NULL CHECK (weight > 0),
    entry_length BIGINT NOT NULL CHECK (entry_length > 0),
    PRIMARY KEY (term, entry_id)
) WITHOUT ROWID;
INSERT INTO faq_terms_in_order (term, entry_id, topic, weight, entry_length)
    SELECT term, entry_id, topic, weight, entry_length FROM faq_terms;
DROP TABLE faq_terms;
ALTER TABLE faq_terms_in_order RENAME TO faq_terms;
CREATE INDEX faq_terms_entry ON faq_terms (entry_id);
