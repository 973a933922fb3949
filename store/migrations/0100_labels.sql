-- Labels: a name and a colour that agents put on conversations and
-- contacts ("VIP", "refund", "wholesale") to find them again, filter the
-- inbox by, and pick a campaign's audience with. One set of labels serves
-- both; a label's colour is a name from the console's palette (views pick
-- the shades, so every colour keeps its contrast), never a raw CSS value.
CREATE TABLE labels (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    colour      TEXT    NOT NULL DEFAULT 'grey',
    description TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX labels_name ON labels (lower(name));

CREATE TABLE conversation_labels (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    label_id        INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (conversation_id, label_id)
) STRICT;
CREATE INDEX conversation_labels_label ON conversation_labels (label_id, conversation_id);

CREATE TABLE contact_labels (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    label_id   INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (contact_id, label_id)
) STRICT;
CREATE INDEX contact_labels_label ON contact_labels (label_id, contact_id);
