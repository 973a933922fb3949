package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/handlers"
	keep "github.com/wadesk/wadesk/media"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// TestInboxMediaKept: the media worker keeps every file it can, and the
// inbox then serves files from wadesk's own store, without asking the
// provider, even after the provider has forgotten them.
func TestInboxMediaKept(t *testing.T) {
	var fetcher *keep.Fetcher
	var blobs *keep.Blobs
	s := startRenderSiteWith(t, func(cfg *handlers.Config, s *renderSite) {
		var err error
		if blobs, err = keep.OpenBlobs(t.TempDir()); err != nil {
			t.Fatal(err)
		}
		fetcher = keep.NewFetcher(cfg.DB, keep.Local(blobs), func(ctx context.Context, id int64) (providers.MediaStore, error) {
			return cfg.Media(ctx, id)
		}, slog.New(slog.NewTextHandler(t.Output(), nil)))
		cfg.Blobs, cfg.Fetcher = keep.Local(blobs), fetcher
	})
	ctx := context.Background()
	fetcher.RunOnce(ctx)

	state := func(wamid string) store.MediaFile {
		f, err := s.db.MediaFileOf(ctx, s.msgs[wamid])
		if err != nil {
			t.Fatalf("%s: %v", wamid, err)
		}
		return f
	}
	for wamid, want := range map[string]string{
		"wamid.photo": store.MediaKept, "wamid.doc": store.MediaKept, "wamid.html": store.MediaKept,
		"wamid.gone": store.MediaGone, "wamid.bigphoto": store.MediaFailed, "wamid.sticker": store.MediaFailed,
		"wamid.video": store.MediaFailed,
		// The provider sends more than it said: a transient failure,
		// tried again later.
		"wamid.liar": store.MediaPending,
	} {
		if got := state(wamid); got.State != want {
			t.Errorf("%s: state %q (%s), want %q", wamid, got.State, got.LastError, want)
		}
	}
	if f := state("wamid.html"); strings.HasPrefix(f.ContentType, "image/") {
		t.Errorf("HTML posing as an image kept as %q: the type comes from the content", f.ContentType)
	}

	// The provider forgets everything.
	s.media.mu.Lock()
	s.media.files = nil
	s.media.mu.Unlock()
	gets, loads := s.media.counts()

	agent := s.signIn(s.agent)
	path := func(wamid string) string { return fmt.Sprintf("/inbox/%d/media/%d", s.conv, s.msgs[wamid]) }
	photo := "\xff\xd8\xff jpeg bytes"
	sum := sha256.Sum256([]byte(photo))
	resp, body, err := s.fetch(agent, path("wamid.photo"))
	if err != nil || resp.StatusCode != 200 || string(body) != photo {
		t.Fatalf("photo: %v %v %q", err, resp.StatusCode, body)
	}
	h := resp.Header
	if h.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` || !strings.Contains(h.Get("Cache-Control"), "immutable") ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Type") != "image/jpeg" ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "inline") {
		t.Errorf("photo headers: %v", h)
	}
	// Seeking: a range answers 206 with just those bytes.
	req, _ := http.NewRequest("GET", s.url+path("wamid.photo"), nil)
	req.Header.Set("Range", "bytes=4-7")
	rr, err := agent.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rr.Body.Close()
	if rr.StatusCode != http.StatusPartialContent || rr.Header.Get("Content-Range") != fmt.Sprintf("bytes 4-7/%d", len(photo)) {
		t.Errorf("range: %d %q", rr.StatusCode, rr.Header.Get("Content-Range"))
	}
	// A revalidation answers 304.
	req, _ = http.NewRequest("GET", s.url+path("wamid.photo"), nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	if rr, err = agent.Do(req); err != nil || rr.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %v %v", rr.StatusCode, err)
	}
	rr.Body.Close()

	// This "photo" is not a decodable image, so it has no thumbnail: its
	// thumbnail address leads to the photo itself.
	if f := state("wamid.photo"); f.ThumbState != store.ThumbNone {
		t.Errorf("thumbnail of an undecodable photo: %q", f.ThumbState)
	}
	if resp, _, err := s.fetch(agent, path("wamid.photo")+"/thumb"); err != nil || resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != path("wamid.photo") {
		t.Errorf("thumbnail without one: %v %v %q", err, resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body, _ = s.fetch(agent, path("wamid.doc"))
	if resp.StatusCode != 200 || string(body) != "%PDF-1.7 invoice" || resp.Header.Get("Content-Disposition") != "attachment; filename=pass_wd.pdf" {
		t.Errorf("document: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Disposition"))
	}
	resp, _, _ = s.fetch(agent, path("wamid.html"))
	if resp.Header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("HTML posing as an image served as %q, %q", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	resp, body, _ = s.fetch(agent, path("wamid.gone"))
	if resp.StatusCode != 404 || !strings.Contains(string(body), "The provider no longer has this file") {
		t.Errorf("gone: %d %s", resp.StatusCode, body)
	}
	if g, l := s.media.counts(); g != gets || l != loads {
		t.Errorf("serving kept and gone files asked the provider %d times and downloaded %d files", g-gets, l-loads)
	}

	// An agent of another department may not open the kept file either.
	hidden, err := s.db.ConversationMessages(ctx, s.hidden, 10)
	if err == nil && len(hidden) > 0 {
		resp, _, _ = s.fetch(agent, fmt.Sprintf("/inbox/%d/media/%d", s.hidden, hidden[0].ID))
		if resp.StatusCode != 404 && resp.StatusCode != 403 {
			t.Errorf("another department's file: %d", resp.StatusCode)
		}
	}
	if n, _, err := blobs.Usage(); err != nil || n != 4 {
		// photo, doc, html and the hidden conversation's PNG
		t.Errorf("blobs: %d, %v", n, err)
	}

	// The contact's export holds the kept files although the provider
	// has forgotten them; erasing the contact removes them from disk.
	conv, err := s.db.ConversationFor(ctx, store.InboxViewer{Admin: true}, s.conv)
	if err != nil {
		t.Fatal(err)
	}
	admin := s.signIn(s.adminMail)
	resp, body, _ = s.fetch(admin, "/settings/privacy")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `data-testid="media-kept">4<`) ||
		!strings.Contains(string(body), "Disk used") {
		t.Errorf("the privacy page does not show the files kept and the disk used: %d\n%s", resp.StatusCode, body)
	}
	resp, body, err = s.fetch(admin, fmt.Sprintf("/settings/privacy/contacts/%d/export", conv.ContactID))
	if err != nil || resp.StatusCode != 200 || !bytes.Contains(body, []byte(photo)) {
		t.Errorf("export: %v %d, photo included: %v", err, resp.StatusCode, bytes.Contains(body, []byte(photo)))
	}
	resp, err = admin.PostForm(s.url+fmt.Sprintf("/settings/privacy/contacts/%d/erase", conv.ContactID), url.Values{"confirm": {conv.ContactPhone}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if blobs.Has(hex.EncodeToString(sum[:])) {
		t.Error("the erased contact's photo is still on disk")
	}
	if n, _, _ := blobs.Usage(); n != 1 {
		t.Errorf("%d files left after erasing, want 1 (the other customer's)", n)
	}
}

// TestInboxMediaStates: the thread tells an agent what became of each
// file, and a failed download can be retried from there.
func TestInboxMediaStates(t *testing.T) {
	var fetcher *keep.Fetcher
	s := startRenderSiteWith(t, func(cfg *handlers.Config, s *renderSite) {
		blobs, err := keep.OpenBlobs(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fetcher = keep.NewFetcher(cfg.DB, keep.Local(blobs), func(ctx context.Context, id int64) (providers.MediaStore, error) {
			return cfg.Media(ctx, id)
		}, slog.New(slog.NewTextHandler(t.Output(), nil)))
		cfg.Blobs, cfg.Fetcher = keep.Local(blobs), fetcher
	})
	agent := s.signIn(s.agent)
	page := func() string {
		resp, body, err := s.fetch(agent, fmt.Sprintf("/inbox/%d", s.conv))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("conversation: %v %v", resp.StatusCode, err)
		}
		return string(body)
	}
	if body := page(); !strings.Contains(body, "Downloading a copy…") {
		t.Error("before the worker ran, files are not shown as downloading")
	}
	fetcher.RunOnce(context.Background())
	body := page()
	for _, want := range []string{
		"The provider no longer has this file. Ask the customer to send it again.",
		"wadesk could not download this file: The file is 6291456 bytes",
		fmt.Sprintf(`action="/inbox/%d/media/%d/retry"`, s.conv, s.msgs["wamid.bigphoto"]),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the conversation does not show %q", want)
		}
	}
	if strings.Contains(body, fmt.Sprintf(`src="/inbox/%d/media/%d"`, s.conv, s.msgs["wamid.gone"])) {
		t.Error("a file the provider no longer has is still linked")
	}
	// Retry: the file is due again, and the worker tries it again.
	resp, err := agent.PostForm(s.url+fmt.Sprintf("/inbox/%d/media/%d/retry", s.conv, s.msgs["wamid.bigphoto"]), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	f, err := s.db.MediaFileOf(context.Background(), s.msgs["wamid.bigphoto"])
	if err != nil || f.State != store.MediaPending {
		t.Errorf("after retry: %q, %v; want pending", f.State, err)
	}
	// A gone file cannot be made due again.
	resp, _ = agent.PostForm(s.url+fmt.Sprintf("/inbox/%d/media/%d/retry", s.conv, s.msgs["wamid.gone"]), nil)
	resp.Body.Close()
	if f, _ := s.db.MediaFileOf(context.Background(), s.msgs["wamid.gone"]); f.State != store.MediaGone {
		t.Errorf("a gone file was retried: %q", f.State)
	}
}
