-- Thumbnails of kept images: a small JPEG or PNG in the same blob store,
-- shown in the thread so that it does not load whole photos.
-- thumb_state: '' (not made yet), made (thumb_sha256 names it; the
-- image itself when it is small already), none (the image could not be
-- decoded within the limits: the thread shows the image itself).
ALTER TABLE media_files ADD COLUMN thumb_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE media_files ADD COLUMN thumb_state TEXT NOT NULL DEFAULT ''
    CHECK (thumb_state IN ('', 'made', 'none'));

CREATE INDEX media_files_thumb_due ON media_files (message_id)
    WHERE state = 'kept' AND kind = 'image' AND thumb_state = '';
CREATE INDEX media_files_thumb_blob ON media_files (thumb_sha256) WHERE thumb_sha256 <> '';
