-- Time zones: the console's (Settings) and each user's own (Account).
-- Times stay stored in UTC; these only say how they are shown.

-- Console-wide settings by name ('timezone': an IANA zone such as
-- 'Europe/Lisbon'; absent means UTC).
CREATE TABLE console_settings (
    name        TEXT NOT NULL PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- '' follows the console's zone.
ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
