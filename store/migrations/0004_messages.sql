-- Webhook ingestion: the durable journal of every accepted webhook body,
-- what it produced (contacts, conversations, messages, statuses), and the
-- outbox that forwards each accepted body to the business's middleware.

-- Every signed webhook body, committed before its 200 is written.
-- state: new (not processed yet), done, dead (signed but unreadable; kept
-- for admins and acknowledged so the provider stops retrying).
CREATE TABLE webhook_events (
    id            INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL REFERENCES channels (id),
    received_at   TEXT    NOT NULL,
    body          BLOB    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'done', 'dead')),
    error         TEXT    NOT NULL DEFAULT '',
    processed_at  TEXT
) STRICT;

CREATE INDEX webhook_events_new ON webhook_events (id) WHERE state = 'new';
CREATE INDEX webhook_events_dead ON webhook_events (channel_id, id) WHERE state = 'dead';

-- WhatsApp users, one per phone number (E.164), whatever the channel.
CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    phone       TEXT NOT NULL UNIQUE,   -- E.164, e.g. +16505551234
    wa_id       TEXT NOT NULL,          -- as WhatsApp sends it, digits only
    name        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- One conversation per channel and contact; reopened when the customer
-- writes again.
CREATE TABLE conversations (
    id                 INTEGER PRIMARY KEY,
    channel_id         INTEGER NOT NULL REFERENCES channels (id),
    contact_id         INTEGER NOT NULL REFERENCES contacts (id),
    department_id      INTEGER REFERENCES departments (id) ON DELETE SET NULL,
    assignee_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status             TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    -- WhatsApp's timestamp of the customer's last message: the 24-hour
    -- customer service window is counted from it.
    last_inbound_at    TEXT,
    last_message_at    TEXT    NOT NULL,
    unread_count       INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    UNIQUE (channel_id, contact_id)
) STRICT;

CREATE INDEX conversations_activity ON conversations (last_message_at DESC, id DESC);

-- Messages in both directions. wamid is WhatsApp's message id: a
-- re-delivered webhook finds its message already there and changes nothing.
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER NOT NULL REFERENCES conversations (id),
    wamid            TEXT    UNIQUE,
    direction        TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    type             TEXT    NOT NULL,
    text             TEXT    NOT NULL DEFAULT '',
    -- The provider's JSON for the message, kept whole for rendering.
    payload          TEXT    NOT NULL DEFAULT '{}',
    context_wamid    TEXT    NOT NULL DEFAULT '',
    wa_timestamp     TEXT    NOT NULL,
    -- Delivery status of outbound messages: the highest seen.
    status           TEXT    NOT NULL DEFAULT '',
    status_rank      INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT    NOT NULL
) STRICT;

CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Every status update received, keyed by wamid so that a status arriving
-- before (or without) its message is kept and applied when it appears.
CREATE TABLE message_statuses (
    wamid             TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    rank              INTEGER NOT NULL,
    wa_timestamp      TEXT    NOT NULL,
    recipient_id      TEXT    NOT NULL DEFAULT '',
    error_code        INTEGER NOT NULL DEFAULT 0,
    error_title       TEXT    NOT NULL DEFAULT '',
    error_details     TEXT    NOT NULL DEFAULT '',
    pricing_category  TEXT    NOT NULL DEFAULT '',
    pricing_model     TEXT    NOT NULL DEFAULT '',
    billable          INTEGER NOT NULL DEFAULT 0,
    conversation_ref  TEXT    NOT NULL DEFAULT '',
    conversation_type TEXT    NOT NULL DEFAULT '',
    received_at       TEXT    NOT NULL,
    PRIMARY KEY (wamid, status)
) STRICT, WITHOUT ROWID;

-- Accepted bodies waiting to be forwarded to a channel's forward URL,
-- delivered in order per channel.
CREATE TABLE forward_outbox (
    id               INTEGER PRIMARY KEY,
    channel_id       INTEGER NOT NULL REFERENCES channels (id),
    event_id         INTEGER NOT NULL REFERENCES webhook_events (id),
    url              TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'given_up')),
    created_at       TEXT    NOT NULL,
    delivered_at     TEXT
) STRICT;

CREATE INDEX forward_outbox_pending ON forward_outbox (channel_id, id) WHERE state = 'pending';

-- Each delivery attempt, shown on the channel page.
CREATE TABLE forward_attempts (
    id           INTEGER PRIMARY KEY,
    outbox_id    INTEGER NOT NULL REFERENCES forward_outbox (id) ON DELETE CASCADE,
    channel_id   INTEGER NOT NULL REFERENCES channels (id),
    attempted_at TEXT    NOT NULL,
    http_status  INTEGER NOT NULL DEFAULT 0,
    error        TEXT    NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX forward_attempts_channel ON forward_attempts (channel_id, id DESC);
