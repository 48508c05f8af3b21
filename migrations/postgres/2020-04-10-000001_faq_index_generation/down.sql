CREATE INDEX faq_terms_postings ON faq_terms (term, entry_id)
    INCLUDE (topic, weight, entry_length);
CREATE TABLE faq_term_entries (
    term TEXT NOT NULL,
    topic TEXT NOT NULL,
    entries BIGINT NOT NULL CHECK (entries > 0),
    PRIMARY KEY (term, topic)
);
INSERT INTO faq_term_entries (term, topic, entries)
    SELECT term, topic, COUNT(*) FROM faq_terms GROUP BY term, topic;
DROP TABLE faq_index_generation;
