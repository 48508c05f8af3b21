DROP TRIGGER ranking_entries_immutable ON ranking_entries;
DROP TRIGGER rankings_immutable ON rankings;
DROP FUNCTION ranking_immutable();
DROP TABLE offers;
DROP TABLE ranking_entries;
DROP TABLE rankings;
DROP TABLE applications;
DROP TABLE selection_posts;
DROP TABLE selections;
