-- Contacts an agent adds (typed in to start a conversation, or imported):
-- who added them, so that an agent keeps seeing the contacts they created
-- before any conversation with them exists. NULL: WhatsApp brought the
-- contact (ingestion), or the user who added it is gone.
ALTER TABLE contacts ADD COLUMN created_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX contacts_created_by ON contacts (created_by) WHERE created_by IS NOT NULL;
-- The contacts list pages by name, then id.
CREATE INDEX contacts_name ON contacts (name, id);

-- Words a customer sends to stop marketing ("STOP", "unsubscribe",
-- "BAJA"), per language: a message that is exactly one of them (letter
-- case, spaces and end punctuation aside) opts the contact out of
-- marketing and is answered once with the reply of that language.
CREATE TABLE opt_out_keywords (
    id         INTEGER PRIMARY KEY,
    keyword    TEXT NOT NULL,
    language   TEXT NOT NULL DEFAULT 'en',
    created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX opt_out_keywords_keyword ON opt_out_keywords (lower(keyword));

-- The confirmation sent to a customer who opted out, per language.
CREATE TABLE opt_out_replies (
    language   TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

INSERT INTO opt_out_keywords (keyword, language, created_at) VALUES
    ('STOP', 'en', '2026-12-07T00:00:00.000000000Z'),
    ('UNSUBSCRIBE', 'en', '2026-12-07T00:00:00.000000000Z');
INSERT INTO opt_out_replies (language, body, updated_at) VALUES
    ('en', 'You will not get marketing messages from us any more. You can still write to us here at any time.', '2026-12-07T00:00:00.000000000Z');

-- A CSV file uploaded for import, kept between the column mapping, the
-- dry run and the import itself (an hour at most; removed when imported).
CREATE TABLE contact_imports (
    id         INTEGER PRIMARY KEY,
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename   TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX contact_imports_created ON contact_imports (created_at);
