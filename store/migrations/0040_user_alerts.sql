-- Each user's new-message alerts: a sound, and desktop notifications (the
-- browser asks the user for permission too). A user without a row has
-- both off; the unread count in the tab's title and icon is always on.

CREATE TABLE user_alerts (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sound       INTEGER NOT NULL DEFAULT 0 CHECK (sound IN (0, 1)),
    desktop     INTEGER NOT NULL DEFAULT 0 CHECK (desktop IN (0, 1)),
    updated_at  TEXT    NOT NULL
) STRICT;
