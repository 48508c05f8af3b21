DROP TABLE question_service_uses;
DROP TABLE question_messages;
DROP TABLE questions;
DROP TABLE question_topics;
