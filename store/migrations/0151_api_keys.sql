-- Keys of the notification API, created by admins. The key itself is
-- shown once; only its SHA-256 is kept (keys are 32 random bytes, so a
-- fast hash is enough and lets each request be checked in one look-up).
-- prefix is the key's first characters, shown to tell keys apart.
-- scopes: "send" (send messages, write contacts), "read", or both
-- ("read send").
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    scopes       TEXT    NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
) STRICT;

-- Answers to requests sent with an Idempotency-Key, per API key, kept a
-- day: a retry gets the first answer instead of a second message.
-- status 0: the first request is still being handled.
CREATE TABLE api_idempotency (
    key_id       INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    idem_key     TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    body         TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (key_id, idem_key)
) STRICT;
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);
