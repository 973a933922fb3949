-- Messaging limits per business portfolio, the customers reached against
-- them, number quality history, template health and account restrictions
-- (issue 29). A portfolio is keyed by the channels' business_id, or
-- "waba:<id>" for channels connected without one.

CREATE TABLE portfolio_limits (
    portfolio    TEXT    PRIMARY KEY,
    -- The limit as reported (e.g. TIER_2K, 2000, -1).
    reported     TEXT    NOT NULL DEFAULT '',
    -- -1 unlimited, 0 unknown, else unique customers per 24 hours.
    customers    INTEGER NOT NULL DEFAULT 0,
    -- Where it was read: number (phone number field), webhook, admin.
    source       TEXT    NOT NULL DEFAULT '',
    updated_at   TEXT    NOT NULL
) STRICT;

CREATE TABLE portfolio_limit_changes (
    id           INTEGER PRIMARY KEY,
    portfolio    TEXT    NOT NULL,
    old_customers INTEGER NOT NULL,
    new_customers INTEGER NOT NULL,
    source       TEXT    NOT NULL,
    changed_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX portfolio_limit_changes_at ON portfolio_limit_changes (portfolio, changed_at);

-- One row per business-initiated message queued (a template outside a
-- service window); unique customers are counted over a moving 24 hours.
CREATE TABLE portfolio_reach (
    id           INTEGER PRIMARY KEY,
    portfolio    TEXT    NOT NULL,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    message_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    -- The digits of the customer's WhatsApp number.
    customer     TEXT    NOT NULL,
    reached_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX portfolio_reach_window ON portfolio_reach (portfolio, reached_at);
CREATE INDEX portfolio_reach_customer ON portfolio_reach (portfolio, customer, reached_at);
CREATE INDEX portfolio_reach_message ON portfolio_reach (message_id);

-- The quality rating and limit events of each number, newest last.
CREATE TABLE number_quality_events (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    -- FLAGGED, UNFLAGGED, DOWNGRADE, UPGRADE, ONBOARDING, CHECK (a health check saw a new rating) ...
    event        TEXT    NOT NULL,
    quality      TEXT    NOT NULL DEFAULT '',
    old_limit    TEXT    NOT NULL DEFAULT '',
    new_limit    TEXT    NOT NULL DEFAULT '',
    at           TEXT    NOT NULL
) STRICT;

CREATE INDEX number_quality_events_channel ON number_quality_events (channel_id, at);

-- Template health: when a paused template resumes, and every status,
-- quality and category change as the provider reported it.
ALTER TABLE message_templates ADD COLUMN paused_until TEXT;

CREATE TABLE template_health_events (
    id           INTEGER PRIMARY KEY,
    waba_id      TEXT    NOT NULL,
    provider_template_id TEXT NOT NULL DEFAULT '',
    name         TEXT    NOT NULL DEFAULT '',
    language     TEXT    NOT NULL DEFAULT '',
    -- status, quality or category
    kind         TEXT    NOT NULL,
    old_value    TEXT    NOT NULL DEFAULT '',
    new_value    TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT '',
    -- When a paused template resumes (status PAUSED only).
    until        TEXT,
    at           TEXT    NOT NULL
) STRICT;

CREATE INDEX template_health_events_waba ON template_health_events (waba_id, at);

-- Restrictions and bans of a WhatsApp Business Account (account_update).
CREATE TABLE account_states (
    waba_id      TEXT    PRIMARY KEY,
    ban_state    TEXT    NOT NULL DEFAULT '',
    -- JSON array of {"type","until"} restrictions in force.
    restrictions TEXT    NOT NULL DEFAULT '[]',
    violation    TEXT    NOT NULL DEFAULT '',
    last_event   TEXT    NOT NULL DEFAULT '',
    updated_at   TEXT    NOT NULL
) STRICT;

-- Volume-based pricing tiers (account_update VOLUME_BASED_PRICING_TIER_UPDATE),
-- read by the pricing engine.
CREATE TABLE volume_tiers (
    waba_id          TEXT NOT NULL,
    effective_month  TEXT NOT NULL,
    pricing_category TEXT NOT NULL,
    region           TEXT NOT NULL,
    -- e.g. "25000001:50000000"
    tier             TEXT NOT NULL,
    tier_update_time TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    PRIMARY KEY (waba_id, effective_month, pricing_category, region)
) STRICT;

-- Alert emails about limits, quality and template health, one per event
-- (key), so a re-delivered webhook or a repeated check does not mail twice.
CREATE TABLE health_alerts (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,
    channel_id   INTEGER REFERENCES channels (id) ON DELETE CASCADE,
    subject      TEXT    NOT NULL,
    recipients   TEXT    NOT NULL DEFAULT '',
    sent_at      TEXT    NOT NULL,
    error        TEXT    NOT NULL DEFAULT ''
) STRICT;
