DROP TABLE faq_index_generation;
