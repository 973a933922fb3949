-- Media files kept by wadesk for the life of the conversation. Each
-- message with a file has one row: the provider's media ID, what became
-- of the download, and (once kept) the SHA-256 of the file in wadesk's
-- content-addressed blob store.
-- state: pending (to be fetched; due at next_attempt_at), kept (in the
-- blob store), gone (the provider no longer has it: never asked again),
-- failed (transient failures ran out of retries; an agent may retry),
-- none (nothing to fetch: the message names no provider media ID).
CREATE TABLE media_files (
    message_id       INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    channel_id       INTEGER NOT NULL,
    media_id         TEXT    NOT NULL DEFAULT '',
    kind             TEXT    NOT NULL DEFAULT '',
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'kept', 'gone', 'failed', 'none')),
    sha256           TEXT    NOT NULL DEFAULT '',
    size             INTEGER NOT NULL DEFAULT 0,
    content_type     TEXT    NOT NULL DEFAULT '',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    lease_until      TEXT    NOT NULL DEFAULT '',
    last_error       TEXT    NOT NULL DEFAULT '',
    updated_at       TEXT    NOT NULL
) STRICT;

CREATE INDEX media_files_due ON media_files (next_attempt_at) WHERE state = 'pending';
CREATE INDEX media_files_blob ON media_files (sha256) WHERE sha256 <> '';

-- Files agents uploaded to a provider: kept before they are sent, so the
-- message that names the provider's media ID is kept without a download.
CREATE TABLE media_uploads (
    channel_id    INTEGER NOT NULL,
    media_id      TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    content_type  TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (channel_id, media_id)
) STRICT;

CREATE INDEX media_uploads_blob ON media_uploads (sha256);
