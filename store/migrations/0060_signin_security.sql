-- Sign-in security: authenticator-app (TOTP) secrets, recovery codes, the
-- per-user index of signed-in sessions, password-reset links, and the
-- two-factor policy.

-- One authenticator per user. secret_enc is sealed with the data
-- directory's key (package secrets). confirmed_at is NULL while the user is
-- still enrolling. last_step is the highest 30-second step whose code was
-- accepted, so a code is accepted once.
CREATE TABLE user_totp (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_enc    BLOB    NOT NULL,
    confirmed_at  TEXT,
    last_step     INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
) STRICT;

-- Single-use recovery codes, hashed with argon2id.
CREATE TABLE recovery_codes (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL,
    used_at     TEXT,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- The signed-in sessions of each user. id is a random value kept inside the
-- scs session's data; a session whose row is gone is signed out.
CREATE TABLE user_sessions (
    id            TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent    TEXT    NOT NULL DEFAULT '',
    address       TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL,
    last_seen_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX user_sessions_user ON user_sessions (user_id, last_seen_at);

-- Password-reset links: only the SHA-256 of the token is kept.
CREATE TABLE password_resets (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT,
    created_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX password_resets_user ON password_resets (user_id);

-- Named security settings (for now: two_factor_policy).
CREATE TABLE security_settings (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- Passkeys (WebAuthn credentials). credential is the library's JSON record
-- of the credential (public key, sign count, flags); credential_id is its id.
CREATE TABLE passkeys (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id  BLOB    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    credential     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    last_used_at   TEXT
) STRICT;

CREATE INDEX passkeys_user ON passkeys (user_id);
