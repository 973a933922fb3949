-- A per-channel cap of outgoing messages a day (Maytapi's fixed 6,000 a
-- day, editable). 0: the provider's default cap applies (none for
-- Meta's Business API providers).
ALTER TABLE channels ADD COLUMN daily_cap INTEGER NOT NULL DEFAULT 0;

-- Counting a channel's outgoing messages since the start of the day.
CREATE INDEX messages_outbound_created ON messages (conversation_id, created_at) WHERE direction = 'out';
