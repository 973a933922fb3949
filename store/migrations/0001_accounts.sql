-- Accounts: people who sign in, the departments they work in, and the
-- signed-in sessions (the table layout is the one scs's SQLite store uses).

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash  TEXT    NOT NULL,
    -- Bumped when a password is reset or the account disabled; a session
    -- remembers the epoch it was created in and is void once it differs.
    session_epoch  INTEGER NOT NULL DEFAULT 1,
    disabled_at    TEXT,
    last_login_at  TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
) STRICT;

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE user_departments (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    department_id  INTEGER NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, department_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX user_departments_department ON user_departments (department_id);

CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    data    BLOB NOT NULL,
    expiry  REAL NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expiry);
