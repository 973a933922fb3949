-- A provider's non-secret settings beyond the common columns (a partner's
-- API URL, how its token is sent, its path prefix…), as a JSON object of
-- strings, for channels and the wizard's drafts. Secrets stay in the
-- sealed columns. '' is no settings.

ALTER TABLE channels ADD COLUMN provider_settings TEXT NOT NULL DEFAULT '';
ALTER TABLE channel_drafts ADD COLUMN provider_settings TEXT NOT NULL DEFAULT '';
