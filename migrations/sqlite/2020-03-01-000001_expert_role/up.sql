-- SQLite cannot change a CHECK in place: the users table is rebuilt with
-- the procedure of https://www.sqlite.org/lang_altertable.html ("Making
-- Other Kinds Of Table Schema Changes"), foreign keys off meanwhile so the
-- tables that reference users are left untouched. Ids are copied as they
-- are, so every reference still finds its row.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('navigator', 'coordinator', 'trainer', 'hr', 'admin', 'expert')),
    navigator_id TEXT UNIQUE,
    active BOOLEAN NOT NULL,
    disabled_from DATE,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP
);
INSERT INTO users_new (id, email, password_hash, role, navigator_id, active, disabled_from,
                       created_at, password_changed_at)
    SELECT id, email, password_hash, role, navigator_id, active, disabled_from,
           created_at, password_changed_at
    FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
