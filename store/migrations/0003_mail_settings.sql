-- Outgoing email (SMTP) settings, kept in a single row, and the alert
-- emails sent about channels that disconnected or recovered.

CREATE TABLE mail_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    host          TEXT    NOT NULL DEFAULT '',
    port          INTEGER NOT NULL DEFAULT 587 CHECK (port BETWEEN 1 AND 65535),
    username      TEXT    NOT NULL DEFAULT '',
    -- Sealed with the data directory's key (see package secrets); NULL when
    -- no password is stored.
    password_enc  BLOB,
    from_address  TEXT    NOT NULL DEFAULT '',
    -- starttls: plain connection upgraded with STARTTLS (usually port 587);
    -- tls: TLS from the first byte (usually port 465); none: no encryption.
    tls_mode      TEXT    NOT NULL DEFAULT 'starttls' CHECK (tls_mode IN ('starttls', 'tls', 'none')),
    updated_at    TEXT    NOT NULL
) STRICT;

-- One row per alert email attempt. error is '' when the mail server
-- accepted the message.
CREATE TABLE channel_alerts (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('disconnected', 'recovered')),
    recipients  TEXT    NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    sent_at     TEXT    NOT NULL,
    error       TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX channel_alerts_channel ON channel_alerts (channel_id, sent_at);
