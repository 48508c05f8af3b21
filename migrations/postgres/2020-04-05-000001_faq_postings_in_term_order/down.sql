DROP INDEX faq_terms_postings;
