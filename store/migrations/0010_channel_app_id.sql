-- The Meta App ID of a channel's app. Optional: the Resumable Upload API
-- (a new business profile picture) needs it; nothing else does. Not a
-- secret, so it is stored in the clear. The wizard's draft keeps it too.

ALTER TABLE channels ADD COLUMN app_id TEXT NOT NULL DEFAULT '';
ALTER TABLE channel_drafts ADD COLUMN app_id TEXT NOT NULL DEFAULT '';
