-- What messages cost (issue 29): the rate card, each outbound message's
-- category and price (estimated when queued, replaced by what the provider
-- reports), the free entry point window of each conversation, and a daily
-- rollup the insights dashboard reads instead of the messages.

-- The rate card: the price of one billable message of a category to a
-- market (Meta's pricing markets, see pricing/markets.json), effective
-- from a day (UTC). tier_from > 0 makes a row a monthly volume tier: it
-- applies once that many messages of the market and category were billed
-- in the month. example marks the shipped rows, which are examples only.
CREATE TABLE rate_card (
    id              INTEGER PRIMARY KEY,
    market          TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    effective_from  TEXT    NOT NULL,
    tier_from       INTEGER NOT NULL DEFAULT 0 CHECK (tier_from >= 0),
    price_micros    INTEGER NOT NULL CHECK (price_micros >= 0),
    currency        TEXT    NOT NULL,
    source          TEXT    NOT NULL DEFAULT '',
    example         INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT    NOT NULL,
    UNIQUE (market, category, effective_from, tier_from)
) STRICT;

-- Shipped examples (read 2026-09-20 from a BSP's calculator showing Meta's
-- Brazil rates; the OTHER rows are placeholders so that unknown markets get
-- a price at all). Replace them with Meta's rate card under Settings → Pricing.
INSERT INTO rate_card (market, category, effective_from, price_micros, currency, source, example, updated_at) VALUES
    ('BR', 'marketing',      '2025-07-01', 25000, 'USD', 'Example: sleekflow.io WhatsApp pricing calculator, Brazil, read 2026-09-20', 1, '2026-12-07T00:00:00.000000000Z'),
    ('BR', 'utility',        '2025-07-01',  3400, 'USD', 'Example: sleekflow.io WhatsApp pricing calculator, Brazil, read 2026-09-20', 1, '2026-12-07T00:00:00.000000000Z'),
    ('BR', 'authentication', '2025-07-01',  3400, 'USD', 'Example: sleekflow.io WhatsApp pricing calculator, Brazil, read 2026-09-20', 1, '2026-12-07T00:00:00.000000000Z'),
    ('BR', 'service',        '2026-10-01',  3400, 'USD', 'Example: sleekflow.io WhatsApp pricing calculator, Brazil, read 2026-09-20', 1, '2026-12-07T00:00:00.000000000Z'),
    ('OTHER', 'marketing',      '2025-07-01', 60000, 'USD', 'Example placeholder, not Meta''s rate: enter Meta''s "Other" rate', 1, '2026-12-07T00:00:00.000000000Z'),
    ('OTHER', 'utility',        '2025-07-01',  8000, 'USD', 'Example placeholder, not Meta''s rate: enter Meta''s "Other" rate', 1, '2026-12-07T00:00:00.000000000Z'),
    ('OTHER', 'authentication', '2025-07-01',  8000, 'USD', 'Example placeholder, not Meta''s rate: enter Meta''s "Other" rate', 1, '2026-12-07T00:00:00.000000000Z'),
    ('OTHER', 'service',        '2026-10-01',  8000, 'USD', 'Example placeholder, not Meta''s rate: enter Meta''s "Other" rate', 1, '2026-12-07T00:00:00.000000000Z');

-- WhatsApp's timestamp of the customer's latest message that came from a
-- click-to-WhatsApp ad or a Page button (a referral): the 72-hour free
-- entry point window is counted from it.
ALTER TABLE conversations ADD COLUMN entry_point_at TEXT;

-- The pricing type a status reported (regular, free_customer_service,
-- free_entry_point).
ALTER TABLE message_statuses ADD COLUMN pricing_type TEXT NOT NULL DEFAULT '';

-- One row per outbound message: the estimate made when it was queued
-- (est_*), kept, and the effective category and price — the estimate until
-- the provider reports its pricing, then the report's. reprice is set when
-- a report or a failure arrives; the pricer recomputes the row and clears it.
CREATE TABLE message_pricing (
    message_id       INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id  INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    sent_at          TEXT    NOT NULL,
    day              TEXT    NOT NULL,
    market           TEXT    NOT NULL,
    est_category     TEXT    NOT NULL,
    est_type         TEXT    NOT NULL,
    est_billable     INTEGER NOT NULL,
    est_micros       INTEGER NOT NULL,
    category         TEXT    NOT NULL,
    pricing_type     TEXT    NOT NULL,
    pricing_model    TEXT    NOT NULL DEFAULT '',
    billable         INTEGER NOT NULL,
    micros           INTEGER NOT NULL,
    currency         TEXT    NOT NULL DEFAULT '',
    rate_source      TEXT    NOT NULL DEFAULT '',
    reported         INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    reprice          INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX message_pricing_reprice ON message_pricing (message_id) WHERE reprice = 1;
CREATE INDEX message_pricing_conversation ON message_pricing (conversation_id, sent_at);

-- Per day, channel, market, category, pricing type and currency: messages,
-- billable messages and their cost, kept by the store in the same
-- transaction as every message_pricing change (failed messages count for
-- nothing). The dashboard and volume tiers read this, never the messages.
CREATE TABLE pricing_daily (
    day           TEXT    NOT NULL,
    channel_id    INTEGER NOT NULL,
    market        TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    pricing_type  TEXT    NOT NULL,
    currency      TEXT    NOT NULL,
    messages      INTEGER NOT NULL DEFAULT 0,
    billable      INTEGER NOT NULL DEFAULT 0,
    micros        INTEGER NOT NULL DEFAULT 0,
    -- Channel last: the dashboard sums all channels per day, market,
    -- category, type and currency straight from this order, without a sort.
    PRIMARY KEY (day, market, category, pricing_type, currency, channel_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX pricing_daily_channel ON pricing_daily (channel_id, day);
