-- Campaigns: one approved template sent to many customers of one number,
-- paced through the outbox.
-- state:
--   draft      being prepared; its recipients are worked out again whenever
--              the audience changes;
--   scheduled  launched, waiting for scheduled_at;
--   sending    feeding its recipients to the outbox, a window at a time;
--   paused     not fed; the messages not yet handed to the provider were
--              taken back out of the outbox;
--   done       every recipient was queued (or skipped) and the outbox is
--              through with them;
--   cancelled  stopped for good; unsent recipients are marked cancelled.
CREATE TABLE campaigns (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    channel_id        INTEGER NOT NULL REFERENCES channels (id),
    template_id       INTEGER REFERENCES message_templates (id) ON DELETE SET NULL,
    template_name     TEXT    NOT NULL,
    template_language TEXT    NOT NULL,
    template_category TEXT    NOT NULL,
    -- The template's components when it was chosen (JSON, as stored in
    -- message_templates): what the campaign fills and sends.
    template_components TEXT  NOT NULL DEFAULT '[]',
    -- The audience and the template's values, as the campaign package
    -- wrote them (JSON; never read by SQL).
    audience          TEXT    NOT NULL DEFAULT '{}',
    mapping           TEXT    NOT NULL DEFAULT '{}',
    -- Column names of an uploaded CSV audience, in order (JSON array).
    csv_columns       TEXT    NOT NULL DEFAULT '[]',
    state             TEXT    NOT NULL DEFAULT 'draft'
                      CHECK (state IN ('draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled')),
    scheduled_at      TEXT,
    timezone          TEXT    NOT NULL DEFAULT '',
    -- What the admin chose when the audience exceeded what the messaging
    -- limit left: '' (it did not), 'split' over days.
    over_limit        TEXT    NOT NULL DEFAULT '' CHECK (over_limit IN ('', 'split')),
    created_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    launched_at       TEXT,
    finished_at       TEXT
) STRICT;
CREATE INDEX campaigns_active ON campaigns (state, scheduled_at) WHERE state IN ('scheduled', 'sending');

-- One row per customer of a campaign (one per WhatsApp number: duplicates
-- are counted, not stored).
-- state:
--   pending    to be queued, at not_before at the earliest (a campaign split
--              over days gives later days' recipients a later not_before);
--   queued     its message is in the outbox (message_id); the message's own
--              status says sending, sent, delivered, read or failed;
--   skipped    never sent: skip_reason says why ('opted_out', 'blocked');
--   cancelled  the campaign was cancelled before it was queued.
CREATE TABLE campaign_recipients (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    contact_id  INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    phone       TEXT    NOT NULL,
    wa_id       TEXT    NOT NULL,
    name        TEXT    NOT NULL DEFAULT '',
    -- The CSV row's values for this customer (JSON object), '{}' otherwise.
    columns     TEXT    NOT NULL DEFAULT '{}',
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'queued', 'skipped', 'cancelled')),
    skip_reason TEXT    NOT NULL DEFAULT '',
    not_before  TEXT    NOT NULL,
    message_id  INTEGER UNIQUE REFERENCES messages (id) ON DELETE SET NULL,
    queued_at   TEXT,
    UNIQUE (campaign_id, wa_id)
) STRICT;
CREATE INDEX campaign_recipients_pending ON campaign_recipients (campaign_id, not_before, id) WHERE state = 'pending';
CREATE INDEX campaign_recipients_queued ON campaign_recipients (campaign_id, id) WHERE state = 'queued';

-- The campaign a message was sent by, and the last campaign that reached a
-- conversation (its replies are shown as answers to it).
ALTER TABLE messages ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL;

-- Messages a number may send per second: 80, or 1,000 once Meta upgraded
-- the number. The outbox paces each number to it.
ALTER TABLE channels ADD COLUMN throughput INTEGER NOT NULL DEFAULT 80;
