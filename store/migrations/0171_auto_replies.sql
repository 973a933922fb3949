-- Business hours and automatic replies, per channel.
--
-- channel_auto_replies holds a channel's business hours (a time zone, the
-- week as hours.FormatWeek writes it, holidays one date a line) and its
-- automatic replies, each switched on or off.
CREATE TABLE channel_auto_replies (
    channel_id     INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    timezone       TEXT    NOT NULL DEFAULT '',
    week           TEXT    NOT NULL DEFAULT '',
    holidays       TEXT    NOT NULL DEFAULT '',
    greeting_on    INTEGER NOT NULL DEFAULT 0,
    greeting_text  TEXT    NOT NULL DEFAULT '',
    away_on        INTEGER NOT NULL DEFAULT 0,
    away_text      TEXT    NOT NULL DEFAULT '',
    rules_on       INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT    NOT NULL
) STRICT;

-- Keyword rules, tried by position.
CREATE TABLE auto_reply_rules (
    id             INTEGER PRIMARY KEY,
    channel_id     INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL DEFAULT 0,
    enabled        INTEGER NOT NULL DEFAULT 1,
    match          TEXT    NOT NULL CHECK (match IN ('equals', 'contains', 'starts')),
    phrase         TEXT    NOT NULL CHECK (phrase <> ''),
    reply          TEXT    NOT NULL DEFAULT '',
    -- One option a line (none: a text reply).
    options        TEXT    NOT NULL DEFAULT '',
    department_id  INTEGER REFERENCES departments (id) ON DELETE SET NULL,
    assignee_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    label_id       INTEGER REFERENCES labels (id) ON DELETE SET NULL,
    created_at     TEXT    NOT NULL
) STRICT;
CREATE INDEX auto_reply_rules_channel ON auto_reply_rules (channel_id, position, id);

-- A customer's message waiting for the automatic-reply worker, written in
-- the transaction that stores the message (only on channels with an
-- automatic reply switched on). The worker claims a row with a lease and
-- deletes it when done; a lease that runs out lets another try.
CREATE TABLE auto_reply_jobs (
    message_id      INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    lease_until     TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL
) STRICT;
CREATE INDEX auto_reply_jobs_lease ON auto_reply_jobs (lease_until, message_id);

-- Every automatic message sent (or being sent): what it answered, which
-- kind, and the message it became. A customer's message gets each kind at
-- most once; the away message at most once per conversation and closed
-- period.
CREATE TABLE auto_reply_log (
    id                  INTEGER PRIMARY KEY,
    conversation_id     INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    inbound_message_id  INTEGER NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('greeting', 'away', 'rule')),
    rule_id             INTEGER,
    period              TEXT    NOT NULL DEFAULT '',
    message_id          INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    created_at          TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX auto_reply_log_once ON auto_reply_log (inbound_message_id, kind);
CREATE UNIQUE INDEX auto_reply_log_away ON auto_reply_log (conversation_id, period) WHERE kind = 'away';
CREATE INDEX auto_reply_log_message ON auto_reply_log (conversation_id, message_id);
