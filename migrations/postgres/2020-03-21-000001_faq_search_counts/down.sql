DROP TABLE faq_words;
DROP TABLE faq_topic_totals;
DROP TABLE faq_term_entries;
