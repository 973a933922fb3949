-- The inbox list and conversation management: internal notes, full-text
-- search over contacts and messages, and the indexes that keep the list,
-- its filters and its unread totals fast with many conversations.

-- Notes agents leave on a conversation for each other. They are never sent
-- to the customer: nothing reads this table but the inbox.
CREATE TABLE conversation_notes (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- NULL once the author's account is gone; the note stays.
    author_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body             TEXT    NOT NULL CHECK (body <> ''),
    created_at       TEXT    NOT NULL
) STRICT;

CREATE INDEX conversation_notes_conversation ON conversation_notes (conversation_id, id);

-- The list is always read for one status, newest activity first, and
-- stops after a page. Each index below starts with what a filter fixes and
-- ends with the sort keys, so that a page is read in order from the index
-- whatever the filter: the status alone (All), the assignee (Mine;
-- Unassigned is assignee_id IS NULL), the channel, the department.
-- conversations_activity is covered by the first and goes.
DROP INDEX conversations_activity;
CREATE INDEX conversations_status_activity ON conversations (status, last_message_at DESC, id DESC);
CREATE INDEX conversations_assignee_activity ON conversations (assignee_id, status, last_message_at DESC, id DESC);
CREATE INDEX conversations_channel_activity ON conversations (channel_id, status, last_message_at DESC, id DESC);
CREATE INDEX conversations_department_activity ON conversations (department_id, status, last_message_at DESC, id DESC);

-- Unread totals per filter count only conversations with unread messages,
-- usually few: a partial index holds just those, with every column the
-- count and the access rule read, so the table is not touched.
CREATE INDEX conversations_unread ON conversations (status, assignee_id, channel_id, department_id)
    WHERE unread_count > 0;

-- Full-text search (FTS5).
--
-- Both indexes are external-content tables: the text already lives in
-- messages and contacts, so the index keeps only its tokens instead of a
-- second copy of every message, and the matching rows are read from the
-- real tables by rowid. External content needs the index told of every
-- change with the old values; the triggers below do it inside the very
-- statement that writes the row, so whichever code writes messages or
-- contacts (ingest, the outbox, anything added later) cannot leave the
-- index behind, and a rolled-back transaction rolls the index back too.
--
-- Message text: words (unicode61, accents folded: "cafe" finds "café").
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Contact names and phone numbers: any part of them (trigram), so that
-- "5551234" finds +16505551234 and "onzal" finds González.
CREATE VIRTUAL TABLE contacts_fts USING fts5 (
    name, phone,
    content = 'contacts', content_rowid = 'id',
    tokenize = 'trigram remove_diacritics 1'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- Status updates rewrite messages constantly; only a change of the text
-- touches the index.
CREATE TRIGGER messages_fts_update AFTER UPDATE OF id, text ON messages
WHEN old.id IS NOT new.id OR old.text IS NOT new.text BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, phone) VALUES (new.id, new.name, new.phone);
END;

CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, phone) VALUES ('delete', old.id, old.name, old.phone);
END;

-- Every inbound message upserts its contact with the same name; only a
-- real change is re-indexed.
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF id, name, phone ON contacts
WHEN old.id IS NOT new.id OR old.name IS NOT new.name OR old.phone IS NOT new.phone BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, phone) VALUES ('delete', old.id, old.name, old.phone);
    INSERT INTO contacts_fts (rowid, name, phone) VALUES (new.id, new.name, new.phone);
END;

-- Index what is already there.
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
