-- The browsers each user has signed in from: a random id kept in a
-- long-lived cookie, stored here only as its SHA-256, so that a sign-in
-- from a browser never seen before can be told to the user by email.
CREATE TABLE user_browsers (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    browser_hash   TEXT    NOT NULL,
    first_seen_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, browser_hash)
) STRICT, WITHOUT ROWID;
