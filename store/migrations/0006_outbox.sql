-- The outbox of messages agents send: every outbound message is stored
-- here, with the request to replay, before the provider is called, so that
-- nothing typed is lost and nothing is sent twice.

-- Why wadesk itself failed an outbound message (the provider refused it,
-- or wadesk stopped while sending it): plain words for the agent, and the
-- provider's error code (0 when there is none). Failures that arrive later
-- as status webhooks stay in message_statuses.
ALTER TABLE messages ADD COLUMN failure_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN failure_code INTEGER NOT NULL DEFAULT 0;

-- One row per outbound message (messages.direction = 'out').
-- state:
--   queued      waiting to be sent, at next_attempt_at at the earliest;
--   attempting  committed just before the provider was called; a row still
--               attempting when wadesk starts was interrupted mid-call;
--   sent        the provider accepted it (wamid is set);
--   failed      the provider refused it; messages.failure_reason says why;
--   unknown     wadesk cannot tell whether the provider got it (a crash or
--               a lost answer); never resent automatically.
CREATE TABLE outbox (
    message_id        INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    channel_id        INTEGER NOT NULL REFERENCES channels (id),
    -- The sending number and the customer, copied from the conversation
    -- when the message was queued: the sender paces per number and per pair.
    phone_number_id   TEXT    NOT NULL,
    recipient         TEXT    NOT NULL,
    -- The message to send, as the outbox package serialized it.
    request           TEXT    NOT NULL,
    state             TEXT    NOT NULL DEFAULT 'queued'
                      CHECK (state IN ('queued', 'attempting', 'sent', 'failed', 'unknown')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    -- Set with state = 'attempting': which try of which sender run.
    attempt_id        TEXT    NOT NULL DEFAULT '',
    attempt_at        TEXT,
    next_attempt_at   TEXT    NOT NULL,
    -- The last failed try, for logs and the admin (technical detail).
    last_error        TEXT    NOT NULL DEFAULT '',
    last_error_code   INTEGER NOT NULL DEFAULT 0,
    wamid             TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    sent_at           TEXT
) STRICT;

-- Rows still in the sender's hands, found per number and customer in order.
CREATE INDEX outbox_active ON outbox (phone_number_id, recipient, message_id)
    WHERE state IN ('queued', 'attempting');
