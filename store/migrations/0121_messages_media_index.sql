-- The media worker looks for messages with a file that have no
-- media_files row yet each time new messages are stored: this index lets
-- it walk the messages with a file only, not every message, so that the
-- look-up stays cheap while webhooks pour in.
CREATE INDEX messages_media ON messages (id)
    WHERE type IN ('image', 'audio', 'video', 'document', 'sticker');
