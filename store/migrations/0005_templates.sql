-- Message templates as the provider last reported them, one row per
-- channel and provider template (a template belongs to the WhatsApp
-- Business Account, so channels sharing an account each hold a copy), and
-- the outcome of each channel's last template sync.

CREATE TABLE message_templates (
    id                    INTEGER PRIMARY KEY,
    channel_id            INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    -- The provider's ID of the template (one name in one language).
    provider_template_id  TEXT    NOT NULL,
    name                  TEXT    NOT NULL,
    language              TEXT    NOT NULL,
    -- MARKETING, UTILITY or AUTHENTICATION; kept as the provider spells it.
    category              TEXT    NOT NULL DEFAULT '',
    previous_category     TEXT    NOT NULL DEFAULT '',
    -- APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, ... as reported.
    status                TEXT    NOT NULL DEFAULT '',
    rejected_reason       TEXT    NOT NULL DEFAULT '',
    quality               TEXT    NOT NULL DEFAULT '',
    -- The components (header, body, footer, buttons) as JSON in the
    -- provider's shape; the inbox counts parameters from them.
    components_json       TEXT    NOT NULL DEFAULT '[]',
    created_at            TEXT    NOT NULL,
    -- When wadesk last saw the template change.
    updated_at            TEXT    NOT NULL,
    -- When a sync last confirmed the template at the provider.
    synced_at             TEXT,
    UNIQUE (channel_id, provider_template_id)
) STRICT;

CREATE INDEX message_templates_name ON message_templates (channel_id, name, language);

CREATE TABLE template_syncs (
    channel_id  INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    synced_at   TEXT    NOT NULL,
    -- '' when the last sync succeeded; otherwise why it failed, in plain words.
    error       TEXT    NOT NULL DEFAULT '',
    -- The last successful sync.
    ok_at       TEXT
) STRICT;
