-- Quick replies: saved answers agents insert in the reply box by typing
-- "/" and their shortcut. A reply without an owner is shared (admins keep
-- those for everyone); one with an owner is that agent's own. A shortcut
-- is unique among the replies one person sees of a kind: shared ones
-- among themselves, each agent's own among theirs (an own reply may reuse
-- a shared shortcut; the list then shows both).
CREATE TABLE quick_replies (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    shortcut    TEXT    NOT NULL CHECK (shortcut <> ''),
    body        TEXT    NOT NULL CHECK (body <> ''),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX quick_replies_shortcut ON quick_replies (COALESCE(owner_id, 0), lower(shortcut));
