package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/wadesk/wadesk/attach"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// How long providers keep received media, which is why wadesk fetches
// each file on arrival rather than when an agent opens it (each provider
// package cites its source next to its GetMediaURL or DownloadMedia):
//   - Meta (Cloud API): webhook media IDs expire after 7 days, uploads
//     after 30, download URLs after 5 minutes; with "No Storage" media
//     lives one hour. Confirmed.
//   - 360dialog: Meta hosts the media, so Meta's periods apply; media
//     retrieval is blocked for 30 minutes after 20 errors in an hour, so a
//     file that is gone must never be asked for again (state "gone").
//     Confirmed.
//   - Vonage: 48 hours after the webhook, then 404. Confirmed.
//   - Twilio: kept until the account deletes the Media resource. Confirmed.
//   - Bird (MessageBird) and Maytapi: not confirmed; treated like Meta's.

// Source returns the media API of a channel's provider.
type Source func(ctx context.Context, channelID int64) (providers.MediaStore, error)

// Retry policy of transient failures: back-off doubling from firstRetry
// up to maxRetry, then the file is marked failed (an agent may retry).
const (
	firstRetry  = 15 * time.Second
	maxRetry    = 30 * time.Minute
	maxAttempts = 10
	// A claimed file is leased for lease and the lease renewed every
	// lease/3 while its download goes on: after a crash (SIGKILL, power
	// loss) the files that were on their way are claimed again within
	// seconds of the restart, never "reset at start-up" (another
	// instance may be fetching them).
	lease     = 15 * time.Second
	fetchTime = 4 * time.Minute
	// discoverGap is the least time between two looks for new files.
	discoverGap = 100 * time.Millisecond
	// collectGrace keeps new blobs (not yet recorded) from collection.
	collectGrace = time.Hour
)

// Fetcher is the background worker that keeps messages' files.
type Fetcher struct {
	DB     *store.DB
	Blobs  Store
	Source Source
	Log    *slog.Logger
	// Poll is how often it looks for work without being woken (default 5s).
	Poll time.Duration
	now  func() time.Time
	wake chan struct{}
}

// NewFetcher returns a worker; call Run.
func NewFetcher(db *store.DB, blobs Store, src Source, log *slog.Logger) *Fetcher {
	return &Fetcher{DB: db, Blobs: blobs, Source: src, Log: log, Poll: 5 * time.Second, now: time.Now, wake: make(chan struct{}, 1)}
}

// Wake tells the worker there may be new files; it never blocks.
func (f *Fetcher) Wake() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// Run fetches files until ctx ends: at start it finds every message whose
// file is not yet kept (existing messages included), then whenever woken
// or every Poll. Unreferenced blobs are collected hourly.
func (f *Fetcher) Run(ctx context.Context) {
	t := time.NewTicker(f.Poll)
	defer t.Stop()
	lastCollect := time.Time{}
	discover := true // at start: the files of existing messages
	lastDiscover := time.Now()
	for {
		f.runOnce(ctx, discover)
		if time.Since(lastCollect) > time.Hour {
			lastCollect = time.Now()
			if n, err := f.Blobs.Collect(ctx, collectGrace, f.DB.MediaBlobReferenced); err != nil && ctx.Err() == nil {
				f.Log.Warn("media: collect unreferenced files", "err", err)
			} else if n > 0 {
				f.Log.Info("media: removed unreferenced files", "count", n)
			}
		}
		// Looking for new messages reads the messages table: done when
		// woken (a commit stored new messages) and once a minute, while
		// due retries are claimed at every tick.
		select {
		case <-ctx.Done():
			return
		case <-f.wake:
			// While webhooks pour in the worker is woken after every
			// commit: it looks for new files at most every discoverGap,
			// so that looking does not take the database from ingestion.
			if wait := discoverGap - time.Since(lastDiscover); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
			discover = true
		case <-t.C:
			discover = time.Since(lastDiscover) > time.Minute
		}
		if discover {
			lastDiscover = time.Now()
		}
	}
}

// RunOnce records the files of new messages and fetches every file that
// is due; it returns when there is nothing left to do now.
func (f *Fetcher) RunOnce(ctx context.Context) { f.runOnce(ctx, true) }

func (f *Fetcher) runOnce(ctx context.Context, discover bool) {
	if discover {
		if err := f.discover(ctx); err != nil && ctx.Err() == nil {
			f.Log.Warn("media: find new files", "err", err)
		}
	}
	defer func() {
		if discover {
			f.thumbnails(ctx)
		}
	}()
	for ctx.Err() == nil {
		mf, ok, err := f.DB.ClaimMediaFile(ctx, f.now(), lease)
		if err != nil {
			if ctx.Err() == nil {
				f.Log.Warn("media: claim a file", "err", err)
			}
			return
		}
		if !ok {
			return
		}
		f.fetch(ctx, mf)
	}
}

// discover adds a media_files row for each message with a file that has
// none yet.
func (f *Fetcher) discover(ctx context.Context) error {
	var after int64
	for {
		list, err := f.DB.MessagesWithoutMediaFile(ctx, after, 200)
		if err != nil || len(list) == 0 {
			return err
		}
		for _, c := range list {
			after = c.MessageID
			md := mediaOf(c.Direction, c.Payload)
			row := store.MediaFile{MessageID: c.MessageID, ChannelID: c.ChannelID}
			if md != nil {
				row.MediaID, row.Kind = md.ID, string(md.Kind)
			}
			if err := f.DB.AddMediaFile(ctx, row, f.now()); err != nil {
				return err
			}
		}
	}
}

// mediaOf is the file a stored message refers to, if any.
func mediaOf(direction, payload string) *providers.Media {
	if direction == "in" {
		if in, ok := providers.DecodeInbound(payload); ok && in.Media != nil {
			return &providers.Media{Kind: in.Media.Kind, ID: in.Media.ID}
		}
		return nil
	}
	var out providers.OutboundMessage
	if json.Unmarshal([]byte(payload), &out) == nil {
		return out.Media
	}
	return nil
}

// fetch downloads one file through the channel's provider and keeps it.
func (f *Fetcher) fetch(ctx context.Context, mf store.MediaFile) {
	log := f.Log.With("message_id", mf.MessageID, "media_id", mf.MediaID)
	now := f.now()
	// A file an agent uploaded is kept already.
	if sha, size, ct, err := f.DB.MediaUpload(ctx, mf.ChannelID, mf.MediaID); err == nil && f.Blobs.Has(ctx, sha) {
		if err := f.DB.KeepMediaFile(ctx, mf.MessageID, sha, size, ct, now); err != nil {
			log.Warn("media: record uploaded file", "err", err)
			return
		}
		if mf.Kind == string(providers.KindImage) {
			f.makeThumbnail(ctx, mf.MessageID, sha, size)
		}
		if err := f.DB.ForgetMediaUpload(ctx, mf.ChannelID, mf.MediaID); err != nil {
			log.Warn("media: forget the upload", "err", err)
		}
		return
	}
	fctx, cancel := context.WithTimeout(ctx, fetchTime)
	defer cancel()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-fctx.Done():
				return
			case <-t.C:
				if err := f.DB.ExtendMediaLease(fctx, mf.MessageID, f.now().Add(lease)); err != nil && fctx.Err() == nil {
					log.Warn("media: renew the lease", "err", err)
				}
			}
		}
	}()
	sha, size, ct, err := f.download(fctx, mf)
	cancel()
	<-renewed
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and the file is fetched again
	}
	var p *permanent
	switch {
	case err == nil:
		if err := f.DB.KeepMediaFile(ctx, mf.MessageID, sha, size, ct, f.now()); err != nil {
			log.Warn("media: record kept file", "err", err)
			return
		}
		if mf.Kind == string(providers.KindImage) {
			f.makeThumbnail(ctx, mf.MessageID, sha, size)
		}
		if size > 0 {
			if err := f.DB.SetMessageMediaSize(ctx, mf.MessageID, size); err != nil {
				log.Warn("media: record size", "err", err)
			}
		}
	case isGone(err):
		log.Info("media: the provider no longer has the file", "err", err)
		if err := f.DB.MediaFileGone(ctx, mf.MessageID, "The provider no longer has this file.", f.now()); err != nil {
			log.Warn("media: mark gone", "err", err)
		}
	case errors.As(err, &p):
		log.Warn("media: file refused", "err", err)
		if err := f.DB.MediaFileRetryLater(ctx, mf.MessageID, f.now(), true, p.msg, f.now()); err != nil {
			log.Warn("media: mark failed", "err", err)
		}
	default:
		delay := Backoff(mf.Attempts)
		failed := mf.Attempts >= maxAttempts
		log.Warn("media: download failed", "attempt", mf.Attempts, "retry_in", delay, "given_up", failed, "err", err)
		if err := f.DB.MediaFileRetryLater(ctx, mf.MessageID, f.now().Add(delay), failed, plainReason(err), f.now()); err != nil {
			log.Warn("media: put off", "err", err)
		}
	}
}

// Backoff is the wait before the next attempt after attempts failures.
func Backoff(attempts int) time.Duration {
	d := firstRetry
	for i := 1; i < attempts && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

// permanent is a failure that retrying the same file cannot mend.
type permanent struct{ msg string }

func (p *permanent) Error() string { return p.msg }

func isGone(err error) bool {
	pe, ok := providers.AsError(err)
	return ok && pe.Kind == providers.ErrorKindNotFound
}

func plainReason(err error) string {
	if _, ok := providers.AsError(err); ok {
		return providers.Plain(err)
	}
	return "The download did not finish; wadesk will try again."
}

// download fetches the file into a temporary file, checks its size for its
// kind and its type from its content, and moves it into the blob store.
func (f *Fetcher) download(ctx context.Context, mf store.MediaFile) (sha string, size int64, contentType string, err error) {
	src, err := f.Source(ctx, mf.ChannelID)
	if err != nil {
		return "", 0, "", fmt.Errorf("connect channel %d: %w", mf.ChannelID, err)
	}
	info, err := src.GetMediaURL(ctx, mf.MediaID)
	if err != nil {
		return "", 0, "", err
	}
	limit := attach.Limit(providers.MessageKind(mf.Kind))
	if mf.Kind == string(providers.KindSticker) {
		limit = 500 << 10
	}
	if info.FileSize > limit {
		return "", 0, "", &permanent{fmt.Sprintf("The file is %d bytes, more than WhatsApp allows for this kind of file.", info.FileSize)}
	}
	tmp, err := f.Blobs.TempFile()
	if err != nil {
		return "", 0, "", err
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	lw := &limitWriter{w: io.MultiWriter(tmp, h), limit: limit}
	if info.FileSize > 0 {
		lw.limit = info.FileSize
	}
	if _, err := src.DownloadMedia(ctx, info.URL, lw); err != nil {
		switch {
		case lw.exceeded && info.FileSize > 0:
			return "", 0, "", errors.New("the provider sent more data than the size of the file")
		case lw.exceeded:
			return "", 0, "", &permanent{"The file is larger than WhatsApp allows for this kind of file."}
		}
		return "", 0, "", err
	}
	sha = hex.EncodeToString(h.Sum(nil))
	if info.SHA256 != "" && len(info.SHA256) == 64 && info.SHA256 != sha {
		return "", 0, "", errors.New("the file did not arrive whole (its SHA-256 differs from the provider's)")
	}
	contentType, err = typeOf(tmp, lw.n)
	if err != nil {
		return "", 0, "", err
	}
	keep = true
	if err := f.Blobs.PutFile(ctx, tmp, sha); err != nil {
		return "", 0, "", err
	}
	return sha, lw.n, contentType, nil
}

type limitWriter struct {
	w        io.Writer
	limit, n int64
	exceeded bool
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n+int64(len(p)) > l.limit {
		l.exceeded = true
		return 0, ErrTooLarge
	}
	n, err := l.w.Write(p)
	l.n += int64(n)
	return n, err
}

// typeOf reads a kept file's type from its content, as attachments are
// checked; what attach does not recognise (a WebP sticker) is named by
// the standard library's sniffer, and anything else is bytes.
func typeOf(f *os.File, size int64) (string, error) {
	if file, err := attach.Identify(f, size, ""); err == nil {
		return file.MIMEType, nil
	}
	head := make([]byte, 512)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("media: read the kept file: %w", err)
	}
	return http.DetectContentType(head[:n]), nil
}
