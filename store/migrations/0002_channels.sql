-- WhatsApp channels (one business phone number each) and the drafts the
-- channel wizard keeps while an admin is connecting one.

CREATE TABLE channels (
    id                        INTEGER PRIMARY KEY,
    title                     TEXT    NOT NULL,
    provider                  TEXT    NOT NULL,
    department_id             INTEGER REFERENCES departments (id) ON DELETE SET NULL,
    business_id               TEXT    NOT NULL,
    waba_id                   TEXT    NOT NULL,
    waba_name                 TEXT    NOT NULL DEFAULT '',
    phone_number_id           TEXT    NOT NULL,
    display_phone_number      TEXT    NOT NULL DEFAULT '',
    verified_name             TEXT    NOT NULL DEFAULT '',
    quality_rating            TEXT    NOT NULL DEFAULT '',
    messaging_limit_tier      TEXT    NOT NULL DEFAULT '',
    number_status             TEXT    NOT NULL DEFAULT '',
    code_verification_status  TEXT    NOT NULL DEFAULT '',
    -- Secrets, sealed with the data directory's key (see package secrets).
    access_token_enc          BLOB    NOT NULL,
    app_secret_enc            BLOB    NOT NULL,
    verify_token_enc          BLOB    NOT NULL,
    forward_url               TEXT    NOT NULL DEFAULT '',
    forward_secret_enc        BLOB,
    alert_emails              TEXT    NOT NULL DEFAULT '',
    is_default                INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    inbox_visible             INTEGER NOT NULL DEFAULT 1 CHECK (inbox_visible IN (0, 1)),
    -- pending: created by the wizard's Finish, webhook subscription not yet
    -- confirmed (never listed); connected; needs_attention; disconnected.
    state                     TEXT    NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'connected', 'needs_attention', 'disconnected')),
    state_reason              TEXT    NOT NULL DEFAULT '',
    subscribed_at             TEXT,
    last_health_check_at      TEXT,
    last_webhook_at           TEXT,
    deleted_at                TEXT,
    created_at                TEXT    NOT NULL,
    updated_at                TEXT    NOT NULL
) STRICT;

-- A number is connected at most once, and there is at most one default.
CREATE UNIQUE INDEX channels_live_number ON channels (phone_number_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX channels_one_default ON channels (is_default) WHERE is_default = 1 AND deleted_at IS NULL;

CREATE TABLE channel_drafts (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step             TEXT    NOT NULL,
    provider         TEXT    NOT NULL DEFAULT '',
    department_id    INTEGER REFERENCES departments (id) ON DELETE SET NULL,
    title            TEXT    NOT NULL DEFAULT '',
    business_id      TEXT    NOT NULL DEFAULT '',
    access_token_enc BLOB,
    app_secret_enc   BLOB,
    -- The accounts and numbers last fetched, as JSON, so a reload shows them
    -- without calling the provider again.
    accounts_json    TEXT    NOT NULL DEFAULT '',
    waba_id          TEXT    NOT NULL DEFAULT '',
    phone_number_id  TEXT    NOT NULL DEFAULT '',
    -- The pending channel Finish created, kept so a retry reuses it.
    channel_id       INTEGER REFERENCES channels (id) ON DELETE SET NULL,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX channel_drafts_user ON channel_drafts (user_id);
