DROP TABLE faq_terms;
DROP TABLE faq_questions;
DROP TABLE faq_versions;
DROP TABLE faq_entries;
