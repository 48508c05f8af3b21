-- Question RdC: the Navigators' questions, answered by the experts.

-- The points of running the Reddito di Cittadinanza a question is about:
-- reference data, in both languages.
CREATE TABLE question_topics (
    code TEXT PRIMARY KEY NOT NULL,
    label_it TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position BIGINT NOT NULL
);
INSERT INTO question_topics (code, label_it, label_en, position) VALUES
    ('eligibility', 'Requisiti di accesso al Reddito di Cittadinanza', 'Eligibility for the Reddito di Cittadinanza', 1),
    ('patto_per_il_lavoro', 'Patto per il lavoro', 'Patto per il lavoro (employment pact)', 2),
    ('conditionality', 'Condizionalità, obblighi e sanzioni', 'Conditionality, obligations and sanctions', 3),
    ('platforms', 'Piattaforme informatiche', 'IT platforms', 4),
    ('privacy', 'Privacy e trattamento dei dati', 'Privacy and data protection', 5);

CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    topic TEXT NOT NULL REFERENCES question_topics (code),
    text TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('open', 'answered', 'closed', 'merged', 'withdrawn')),
    -- The expert who took it: one at a time, set by a conditional update.
    taken_by TEXT REFERENCES users (id),
    taken_at TIMESTAMP,
    -- A request for detail waits for the author's reply.
    awaiting_detail BOOLEAN NOT NULL,
    first_answered_at TIMESTAMP,
    settled_at TIMESTAMP,
    merged_into TEXT REFERENCES questions (id),
    -- The author has news they have not opened yet (an answer, a request
    -- for detail): the in-app notice.
    unread_by_author BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((status = 'merged') = (merged_into IS NOT NULL)),
    CHECK ((taken_by IS NULL) = (taken_at IS NULL))
);
CREATE INDEX questions_status ON questions (status, id);
CREATE INDEX questions_author ON questions (author_id, id);
CREATE INDEX questions_created ON questions (created_at);

-- The thread of a question after its text: answers, requests for detail
-- and the author's replies, in order.
CREATE TABLE question_messages (
    id TEXT PRIMARY KEY NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('answer', 'detail_request', 'detail')),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX question_messages_question ON question_messages (question_id, id);

-- Who used the service (questions or FAQ), one row per person per day.
CREATE TABLE question_service_uses (
    user_id TEXT NOT NULL REFERENCES users (id),
    day DATE NOT NULL,
    PRIMARY KEY (user_id, day)
);
CREATE INDEX question_service_uses_day ON question_service_uses (day);
