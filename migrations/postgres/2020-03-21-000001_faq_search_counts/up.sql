-- What the FAQ search ranks by, kept with the index in the transaction that
-- writes, edits or retires an entry, so that the database sums BM25 itself
-- with the collection's figures as they are at the moment of the search.

-- How many published entries of each topic have each term (BM25's
-- document frequency). A row goes when its count reaches zero.
CREATE TABLE faq_term_entries (
    term TEXT NOT NULL,
    topic TEXT NOT NULL,
    entries BIGINT NOT NULL CHECK (entries > 0),
    PRIMARY KEY (term, topic)
);
INSERT INTO faq_term_entries (term, topic, entries)
    SELECT term, topic, COUNT(*) FROM faq_terms GROUP BY term, topic;

-- Per topic: how many published entries, and their search lengths added
-- up (the average length BM25 normalises by).
CREATE TABLE faq_topic_totals (
    topic TEXT PRIMARY KEY NOT NULL,
    entries BIGINT NOT NULL CHECK (entries >= 0),
    total_length BIGINT NOT NULL CHECK (total_length >= 0)
);
INSERT INTO faq_topic_totals (topic, entries, total_length)
    SELECT topic, COUNT(*), SUM(search_length) FROM faq_entries
    WHERE retired_at IS NULL GROUP BY topic;

-- The folded words of the published entries, each with its term and how
-- many entries have it: a word still being typed is looked up as the
-- beginning of these (byte order, so that a range of the key is a prefix).
-- Entries indexed before this table are added to it when the service
-- starts.
CREATE TABLE faq_words (
    word TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    term TEXT NOT NULL,
    entries BIGINT NOT NULL CHECK (entries > 0)
);
