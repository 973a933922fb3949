-- Messages are indexed for search shortly after they are stored instead of
-- in the transaction that stores them: FTS5 writes an index segment (and
-- merges segments) per transaction, and doing that while applying webhooks
-- slowed webhook processing, and so the acknowledgements waiting on the
-- same writer, by about a quarter. Storing a message now only notes its id
-- in search_pending; the index is brought up to date in batches when
-- webhook processing is idle, and always before a search runs, so a search
-- never misses a stored message.

CREATE TABLE search_pending (
    message_id  INTEGER PRIMARY KEY
) STRICT;

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

CREATE TRIGGER messages_search_pending AFTER INSERT ON messages BEGIN
    INSERT INTO search_pending (message_id) VALUES (new.id);
END;

-- A message still waiting is indexed with its text at that time: deleting
-- or editing it only concerns the index once it is in it.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text)
        SELECT 'delete', old.id, old.text
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE message_id = old.id);
    DELETE FROM search_pending WHERE message_id = old.id;
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
WHEN old.text IS NOT new.text
    AND NOT EXISTS (SELECT 1 FROM search_pending WHERE message_id = old.id) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
