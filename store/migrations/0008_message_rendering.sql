-- Rendering messages in the inbox: the size of a message's media file, and
-- the read receipts wadesk owes the provider.

-- The size in bytes of the message's media file, learned from the
-- provider when an agent first opens or lists it; 0 while unknown.
ALTER TABLE messages ADD COLUMN media_size INTEGER NOT NULL DEFAULT 0;

-- Read receipts to send, one row per conversation. Marking the newest
-- inbound message read marks the earlier ones too, so only the newest one
-- an agent has seen is kept (message_id). done_message_id is the newest
-- one settled: sent to the provider, or given up on. A row is pending
-- while message_id > done_message_id; each message is asked for at most
-- once, however often the conversation is opened.
CREATE TABLE read_receipts (
    conversation_id  INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    message_id       INTEGER NOT NULL,
    done_message_id  INTEGER NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    last_error       TEXT    NOT NULL DEFAULT '',
    updated_at       TEXT    NOT NULL
) STRICT;

CREATE INDEX read_receipts_pending ON read_receipts (next_attempt_at) WHERE message_id > done_message_id;
