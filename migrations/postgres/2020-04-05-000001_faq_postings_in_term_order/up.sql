-- A search reads every posting of the question's terms. With the columns
-- it sums in the index, it reads them from the index alone (an index-only
-- scan, once autovacuum has marked the table's pages all-visible), not
-- one heap page per posting.
CREATE INDEX faq_terms_postings ON faq_terms (term, entry_id)
    INCLUDE (topic, weight, entry_length);
