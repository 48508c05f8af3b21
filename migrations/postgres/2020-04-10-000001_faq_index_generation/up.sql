-- What a copy of the search index held in memory is checked against: a
-- new value in every transaction that changes the postings or the counts
-- (publishing, editing or retiring an entry), read by a search in its own
-- snapshot. A random value rather than a counter, so that a database
-- restored from a backup never shows a value a copy was made at with
-- other postings. A migration that changes `faq_terms` must set it too.
CREATE TABLE faq_index_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation TEXT NOT NULL
);
-- Random from the start too: two databases migrated apart never share one.
INSERT INTO faq_index_generation (id, generation) VALUES (1, md5(random()::text || clock_timestamp()::text));

-- How many entries of each topic have each term: a copy of the index
-- counts it from its postings, so nothing reads this any more.
DROP TABLE faq_term_entries;

-- The covering index let the database sum a term's postings from the index
-- alone; the postings are now read whole, into a copy, and the primary key
-- keeps a term's postings together.
DROP INDEX faq_terms_postings;
