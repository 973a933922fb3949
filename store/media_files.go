package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// States of a kept media file (table media_files).
const (
	MediaPending = "pending"
	MediaKept    = "kept"
	MediaGone    = "gone"
	MediaFailed  = "failed"
	MediaNone    = "none"
)

// MediaFile is what wadesk knows of a message's file.
type MediaFile struct {
	MessageID   int64
	ChannelID   int64
	MediaID     string
	Kind        string
	State       string
	SHA256      string
	Size        int64
	ContentType string
	Attempts    int
	LastError   string
	// ThumbSHA256 is the thumbnail of a kept image (ThumbState "made"),
	// which may be the image itself when it is small.
	ThumbSHA256 string
	ThumbState  string
}

// Thumbnail states of a kept image.
const (
	ThumbMade = "made"
	ThumbNone = "none"
)

const mediaFileColumns = `message_id, channel_id, media_id, kind, state, sha256, size, content_type, attempts, last_error, thumb_sha256, thumb_state`

func scanMediaFile(s scanner) (MediaFile, error) {
	var f MediaFile
	err := s.Scan(&f.MessageID, &f.ChannelID, &f.MediaID, &f.Kind, &f.State, &f.SHA256, &f.Size, &f.ContentType,
		&f.Attempts, &f.LastError, &f.ThumbSHA256, &f.ThumbState)
	return f, err
}

// MediaCandidate is a message with a file that has no media_files row yet.
type MediaCandidate struct {
	MessageID int64
	ChannelID int64
	Direction string
	Payload   string
}

// MessagesWithoutMediaFile lists up to limit messages of a media type
// (image, audio, video, document, sticker) after afterID that have no
// media_files row, oldest first. afterID pages through one pass; it is
// never stored.
func (db *DB) MessagesWithoutMediaFile(ctx context.Context, afterID int64, limit int) ([]MediaCandidate, error) {
	rows, err := db.R.QueryContext(ctx, `
		SELECT m.id, c.channel_id, m.direction, m.payload
		FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		LEFT JOIN media_files f ON f.message_id = m.id
		WHERE f.message_id IS NULL AND m.id > ?
		  AND m.type IN ('image', 'audio', 'video', 'document', 'sticker')
		ORDER BY m.id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: messages without media file: %w", err)
	}
	defer rows.Close()
	var out []MediaCandidate
	for rows.Next() {
		var c MediaCandidate
		if err := rows.Scan(&c.MessageID, &c.ChannelID, &c.Direction, &c.Payload); err != nil {
			return nil, fmt.Errorf("store: messages without media file: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddMediaFile records a message's file to be fetched (state pending) or,
// with no media ID, that there is nothing to fetch. A row already there
// is left as it is.
func (db *DB) AddMediaFile(ctx context.Context, f MediaFile, now time.Time) error {
	state := MediaPending
	if f.MediaID == "" {
		state = MediaNone
	}
	_, err := db.W.ExecContext(ctx, `
		INSERT INTO media_files (message_id, channel_id, media_id, kind, state, next_attempt_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (message_id) DO NOTHING`,
		f.MessageID, f.ChannelID, f.MediaID, f.Kind, state, formatTime(now), formatTime(now))
	if err != nil {
		return fmt.Errorf("store: add media file of message %d: %w", f.MessageID, err)
	}
	return nil
}

// ClaimMediaFile takes one pending file that is due and not leased by
// another worker, leasing it until now+lease; ok is false when none is due.
func (db *DB) ClaimMediaFile(ctx context.Context, now time.Time, lease time.Duration) (f MediaFile, ok bool, err error) {
	n := formatTime(now)
	row := db.W.QueryRowContext(ctx, `
		UPDATE media_files SET lease_until = ?, attempts = attempts + 1, updated_at = ?
		WHERE message_id = (
			SELECT message_id FROM media_files
			WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
			ORDER BY next_attempt_at LIMIT 1)
		  AND state = 'pending' AND lease_until <= ?
		RETURNING `+mediaFileColumns,
		formatTime(now.Add(lease)), n, n, n, n)
	f, err = scanMediaFile(row)
	if errors.Is(err, sql.ErrNoRows) {
		return MediaFile{}, false, nil
	}
	if err != nil {
		return MediaFile{}, false, fmt.Errorf("store: claim media file: %w", err)
	}
	return f, true, nil
}

// KeepMediaFile records that a file is in the blob store.
func (db *DB) KeepMediaFile(ctx context.Context, messageID int64, sha string, size int64, contentType string, now time.Time) error {
	_, err := db.W.ExecContext(ctx, `
		UPDATE media_files SET state = 'kept', sha256 = ?, size = ?, content_type = ?, last_error = '',
			lease_until = '', updated_at = ?
		WHERE message_id = ?`, sha, size, contentType, formatTime(now), messageID)
	if err != nil {
		return fmt.Errorf("store: keep media file of message %d: %w", messageID, err)
	}
	return nil
}

// MediaFileRetryLater puts a pending file off until next, or marks it
// failed when failed is true, with the reason.
func (db *DB) MediaFileRetryLater(ctx context.Context, messageID int64, next time.Time, failed bool, reason string, now time.Time) error {
	state := MediaPending
	if failed {
		state = MediaFailed
	}
	_, err := db.W.ExecContext(ctx, `
		UPDATE media_files SET state = ?, next_attempt_at = ?, last_error = ?, lease_until = '', updated_at = ?
		WHERE message_id = ? AND state = 'pending'`, state, formatTime(next), reason, formatTime(now), messageID)
	if err != nil {
		return fmt.Errorf("store: put off media file of message %d: %w", messageID, err)
	}
	return nil
}

// MediaFileGone records that the provider no longer has a file: it is
// never asked for again.
func (db *DB) MediaFileGone(ctx context.Context, messageID int64, reason string, now time.Time) error {
	_, err := db.W.ExecContext(ctx, `
		UPDATE media_files SET state = 'gone', last_error = ?, lease_until = '', updated_at = ?
		WHERE message_id = ? AND state = 'pending'`, reason, formatTime(now), messageID)
	if err != nil {
		return fmt.Errorf("store: mark media file of message %d gone: %w", messageID, err)
	}
	return nil
}

// RetryMediaFile makes a failed file due again now (an agent's retry);
// ok is false when the file is not in the failed state.
func (db *DB) RetryMediaFile(ctx context.Context, messageID int64, now time.Time) (bool, error) {
	res, err := db.W.ExecContext(ctx, `
		UPDATE media_files SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = '', updated_at = ?
		WHERE message_id = ? AND state = 'failed'`, formatTime(now), formatTime(now), messageID)
	if err != nil {
		return false, fmt.Errorf("store: retry media file of message %d: %w", messageID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// MediaFileOf is the media_files row of a message (ErrNotFound if none).
func (db *DB) MediaFileOf(ctx context.Context, messageID int64) (MediaFile, error) {
	f, err := scanMediaFile(db.R.QueryRowContext(ctx, `SELECT `+mediaFileColumns+` FROM media_files WHERE message_id = ?`, messageID))
	if errors.Is(err, sql.ErrNoRows) {
		return MediaFile{}, ErrNotFound
	}
	if err != nil {
		return MediaFile{}, fmt.Errorf("store: media file of message %d: %w", messageID, err)
	}
	return f, nil
}

// MediaFilesOf are the media_files rows of some messages, by message id.
func (db *DB) MediaFilesOf(ctx context.Context, conversationID int64) (map[int64]MediaFile, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+mediaFileColumns+` FROM media_files
		WHERE message_id IN (SELECT id FROM messages WHERE conversation_id = ?)`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: media files of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	out := map[int64]MediaFile{}
	for rows.Next() {
		f, err := scanMediaFile(rows)
		if err != nil {
			return nil, fmt.Errorf("store: media files of conversation %d: %w", conversationID, err)
		}
		out[f.MessageID] = f
	}
	return out, rows.Err()
}

// RecordMediaUpload remembers the blob of a file an agent uploaded to a
// provider under its media ID.
func (db *DB) RecordMediaUpload(ctx context.Context, channelID int64, mediaID, sha string, size int64, contentType string, now time.Time) error {
	_, err := db.W.ExecContext(ctx, `
		INSERT INTO media_uploads (channel_id, media_id, sha256, size, content_type, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id, media_id) DO NOTHING`, channelID, mediaID, sha, size, contentType, formatTime(now))
	if err != nil {
		return fmt.Errorf("store: record media upload %s: %w", mediaID, err)
	}
	return nil
}

// ForgetMediaUpload removes an upload's row once its message is kept.
func (db *DB) ForgetMediaUpload(ctx context.Context, channelID int64, mediaID string) error {
	if _, err := db.W.ExecContext(ctx, `DELETE FROM media_uploads WHERE channel_id = ? AND media_id = ?`, channelID, mediaID); err != nil {
		return fmt.Errorf("store: forget media upload %s: %w", mediaID, err)
	}
	return nil
}

// MediaUpload finds the blob of an uploaded file (ErrNotFound if none).
func (db *DB) MediaUpload(ctx context.Context, channelID int64, mediaID string) (sha string, size int64, contentType string, err error) {
	err = db.R.QueryRowContext(ctx, `SELECT sha256, size, content_type FROM media_uploads WHERE channel_id = ? AND media_id = ?`,
		channelID, mediaID).Scan(&sha, &size, &contentType)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, "", ErrNotFound
	}
	if err != nil {
		return "", 0, "", fmt.Errorf("store: media upload %s: %w", mediaID, err)
	}
	return sha, size, contentType, nil
}

// uploadKeep is how long an upload's blob is kept for the message that
// sends it (once the message is kept, the upload row is removed).
const uploadKeep = 24 * time.Hour

// MediaBlobReferenced reports whether any message, a quick reply's file, or an upload of the
// last day, still refers to a blob.
func (db *DB) MediaBlobReferenced(ctx context.Context, sha string) (bool, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `
		SELECT (SELECT COUNT(*) FROM media_files WHERE sha256 = ?)
			+ (SELECT COUNT(*) FROM media_files WHERE thumb_sha256 = ?)
			+ (SELECT COUNT(*) FROM media_uploads WHERE sha256 = ? AND created_at > ?)
			+ (SELECT COUNT(*) FROM quick_replies WHERE file_sha256 = ?)`,
		sha, sha, sha, formatTime(time.Now().Add(-uploadKeep)), sha).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: is blob %s referenced: %w", sha, err)
	}
	return n > 0, nil
}

// MediaUsage counts kept files by state, with the bytes of kept ones.
type MediaUsage struct {
	Kept, Pending, Gone, Failed int64
	KeptBytes                   int64
}

// MediaUsage sums up the media files.
func (db *DB) MediaUsage(ctx context.Context) (MediaUsage, error) {
	var u MediaUsage
	err := db.R.QueryRowContext(ctx, `
		SELECT COUNT(*) FILTER (WHERE state = 'kept'), COUNT(*) FILTER (WHERE state = 'pending'),
			COUNT(*) FILTER (WHERE state = 'gone'), COUNT(*) FILTER (WHERE state = 'failed'),
			COALESCE(SUM(size) FILTER (WHERE state = 'kept'), 0)
		FROM media_files`).Scan(&u.Kept, &u.Pending, &u.Gone, &u.Failed, &u.KeptBytes)
	if err != nil {
		return u, fmt.Errorf("store: media usage: %w", err)
	}
	return u, nil
}

// KeptImagesWithoutThumbnail lists up to limit kept images whose
// thumbnail is not made yet (images kept before thumbnails existed, or
// whose thumbnail was interrupted).
func (db *DB) KeptImagesWithoutThumbnail(ctx context.Context, limit int) ([]MediaFile, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+mediaFileColumns+` FROM media_files
		WHERE state = 'kept' AND kind = 'image' AND thumb_state = ''
		ORDER BY message_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: images without thumbnail: %w", err)
	}
	defer rows.Close()
	var out []MediaFile
	for rows.Next() {
		f, err := scanMediaFile(rows)
		if err != nil {
			return nil, fmt.Errorf("store: images without thumbnail: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// SetMediaThumbnail records a kept image's thumbnail: state ThumbMade
// with its blob, or ThumbNone when none can be made.
func (db *DB) SetMediaThumbnail(ctx context.Context, messageID int64, state, sha string, now time.Time) error {
	_, err := db.W.ExecContext(ctx, `
		UPDATE media_files SET thumb_state = ?, thumb_sha256 = ?, updated_at = ?
		WHERE message_id = ? AND state = 'kept'`, state, sha, formatTime(now), messageID)
	if err != nil {
		return fmt.Errorf("store: thumbnail of message %d: %w", messageID, err)
	}
	return nil
}

// ExtendMediaLease keeps a claimed file leased until until, while its
// download is still going: a worker that dies stops renewing, and the
// file is claimed again soon after its lease runs out.
func (db *DB) ExtendMediaLease(ctx context.Context, messageID int64, until time.Time) error {
	_, err := db.W.ExecContext(ctx, `UPDATE media_files SET lease_until = ? WHERE message_id = ? AND state = 'pending'`,
		formatTime(until), messageID)
	if err != nil {
		return fmt.Errorf("store: extend the lease of media file %d: %w", messageID, err)
	}
	return nil
}
