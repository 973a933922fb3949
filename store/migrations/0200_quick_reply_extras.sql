-- A quick reply may carry a file and/or options for the customer to
-- choose. The file is kept in the media store (content-addressed by its
-- SHA-256, so the blob collector keeps it while a reply names it); kind
-- is what WhatsApp sends it as (image, audio, video, document). Options
-- are one a line: up to three go out as reply buttons, four to ten as a
-- list opened by a button labelled list_button.
ALTER TABLE quick_replies ADD COLUMN file_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE quick_replies ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
ALTER TABLE quick_replies ADD COLUMN file_type TEXT NOT NULL DEFAULT '';
ALTER TABLE quick_replies ADD COLUMN file_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE quick_replies ADD COLUMN file_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quick_replies ADD COLUMN options TEXT NOT NULL DEFAULT '';
ALTER TABLE quick_replies ADD COLUMN list_button TEXT NOT NULL DEFAULT '';
CREATE INDEX quick_replies_file ON quick_replies (file_sha256) WHERE file_sha256 <> '';
