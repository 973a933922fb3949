package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

// fakeMedia is a provider media API holding files by media ID.
type fakeMedia struct {
	mu    sync.Mutex
	files map[string]fakeFile
	gets  int
	loads int
}

type fakeFile struct {
	data     []byte
	mime     string
	declared int64 // FileSize the provider reports; -1: the real size
}

func (f *fakeMedia) UploadMedia(context.Context, string, providers.MediaUpload) (string, error) {
	return "", errors.New("not in this test")
}

func (f *fakeMedia) GetMediaURL(_ context.Context, id string) (providers.MediaInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	file, ok := f.files[id]
	if !ok {
		return providers.MediaInfo{}, fmt.Errorf("cloudapi: get media: %w", &providers.Error{Provider: providers.MetaCloud,
			Op: providers.OpGetMedia, Kind: providers.ErrorKindNotFound, Code: 100, Subcode: 33, HTTPStatus: 400,
			Message: "Unsupported get request."})
	}
	size := file.declared
	if size < 0 {
		size = int64(len(file.data))
	}
	return providers.MediaInfo{ID: id, URL: "https://lookaside.example/" + id, MIMEType: file.mime, FileSize: size}, nil
}

func (f *fakeMedia) DownloadMedia(_ context.Context, mediaURL string, w io.Writer) (providers.Download, error) {
	f.mu.Lock()
	f.loads++
	file := f.files[strings.TrimPrefix(mediaURL, "https://lookaside.example/")]
	f.mu.Unlock()
	// In pieces, as a download from the network arrives.
	n, err := io.Copy(w, struct{ io.Reader }{bytes.NewReader(file.data)})
	if err != nil {
		return providers.Download{}, fmt.Errorf("cloudapi: download media: write: %w", err)
	}
	return providers.Download{MIMEType: file.mime, Size: n}, nil
}

func (f *fakeMedia) counts() (gets, loads int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gets, f.loads
}

type countingNotifier struct{ n atomic.Int32 }

func (c *countingNotifier) Notify() { c.n.Add(1) }

// renderSite is the HTTP interface with a conversation holding messages
// of several kinds, and one the agent may not see.
type renderSite struct {
	*emailSite
	media     *fakeMedia
	receipts  *countingNotifier
	conv      int64
	hidden    int64
	closed    int64
	msgs      map[string]int64 // message IDs by wamid
	agent     string
	adminMail string
}

func storedInbound(t *testing.T, db *store.DB, channelID int64, waID, wamid, typ, text, payload string, at time.Time) store.AppliedMessage {
	t.Helper()
	a, err := db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: channelID, Messages: []store.InboundMessage{{
		WAMID: wamid, Phone: "+" + waID, WaID: waID, ProfileName: "Ana", Type: typ, Text: text, Payload: metaStored(t, payload), Timestamp: at,
	}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("inbound %s: %+v %v", wamid, a, err)
	}
	return a.NewMessages[0]
}

func media(kind, id, mime, extra string) string {
	return fmt.Sprintf(`{"from":"15550001","id":"wamid.%s","timestamp":"1751373000","type":%q,%q:{"id":%q,"mime_type":%q%s}}`,
		id, kind, kind, id, mime, extra)
}

func startRenderSite(t *testing.T) *renderSite {
	t.Helper()
	return startRenderSiteWith(t, nil)
}

// startRenderSiteWith starts the site with more configuration (such as
// wadesk's own media store), set by configure.
func startRenderSiteWith(t *testing.T, configure func(*handlers.Config, *renderSite)) *renderSite {
	t.Helper()
	ctx := context.Background()
	db, box := storetest.OpenWithBox(t, t.TempDir())
	hash, err := auth.HashPassword(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	sales, err := db.CreateDepartment(ctx, "Sales")
	if err != nil {
		t.Fatal(err)
	}
	support, err := db.CreateDepartment(ctx, "Support")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Email: "admin@example.com", Name: "Ada Admin", Role: store.RoleAdmin, PasswordHash: hash},
		{Email: "agent@example.com", Name: "Alex Agent", Role: store.RoleAgent, PasswordHash: hash, DepartmentIDs: []int64{sales.ID}},
	} {
		if _, err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud", BusinessID: "1", WABAID: "2",
		PhoneNumberID: "4001", DisplayPhoneNumber: "+1 555 4001", Secrets: store.ChannelSecrets{AccessToken: "token", AppSecret: "secret", VerifyToken: "verify"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	s := &renderSite{msgs: map[string]int64{}, agent: "agent@example.com", adminMail: "admin@example.com",
		receipts: &countingNotifier{}, media: &fakeMedia{files: map[string]fakeFile{}}}
	now := time.Now().Add(-time.Hour)
	for i, m := range []struct{ wamid, typ, text, payload string }{
		{"wamid.photo", "image", "Photo", media("image", "photo", "image/jpeg", `,"caption":"the cake"`)},
		{"wamid.bigphoto", "image", "Photo", media("image", "bigphoto", "image/jpeg", "")},
		{"wamid.doc", "document", "../../etc/pass\"wd.pdf", media("document", "doc", "application/pdf", `,"filename":"../../etc/pass\"wd.pdf"`)},
		{"wamid.sticker", "sticker", "Sticker", media("sticker", "sticker", "image/webp", "")},
		{"wamid.video", "video", "Video", media("video", "video", "video/mp4", "")},
		{"wamid.liar", "audio", "Audio", media("audio", "liar", "audio/ogg", "")},
		{"wamid.html", "image", "Photo", media("image", "html", "text/html", "")},
		{"wamid.gone", "image", "Photo", media("image", "gone", "image/png", "")},
		{"wamid.text", "text", "Price?", `{"from":"15550001","id":"wamid.text","timestamp":"1751373000","type":"text","text":{"body":"Price?"}}`},
	} {
		a := storedInbound(t, db, ch.ID, "15550001", m.wamid, m.typ, m.text, m.payload, now.Add(time.Duration(i)*time.Second))
		s.conv = a.ConversationID
		s.msgs[m.wamid] = a.MessageID
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
	s.media.files = map[string]fakeFile{
		"photo":    {data: []byte("\xff\xd8\xff jpeg bytes"), mime: "image/jpeg", declared: -1},
		"bigphoto": {data: []byte("small really"), mime: "image/jpeg", declared: 6 << 20},
		"doc":      {data: []byte("%PDF-1.7 invoice"), mime: "application/pdf", declared: -1},
		"sticker":  {data: bytes.Repeat([]byte{0}, 600<<10), mime: "image/webp", declared: -1},
		"video":    {data: bytes.Repeat([]byte{0}, 17<<20), mime: "video/mp4", declared: 0},
		"liar":     {data: bytes.Repeat([]byte{0}, 2000), mime: "audio/ogg", declared: 1000},
		"html":     {data: []byte("<script>alert(1)</script>"), mime: "text/html", declared: -1},
		"secret":   {data: png, mime: "image/png", declared: -1},
	}
	hidden := storedInbound(t, db, ch.ID, "15550002", "wamid.secret", "image", "Photo", media("image", "secret", "image/png", ""), now)
	s.hidden = hidden.ConversationID
	s.msgs["wamid.secret"] = hidden.MessageID
	closed := storedInbound(t, db, ch.ID, "15550003", "wamid.old", "text", "Old question",
		`{"from":"15550003","id":"wamid.old","timestamp":"1751373000","type":"text","text":{"body":"Old question"}}`, time.Now().Add(-48*time.Hour))
	s.closed = closed.ConversationID
	s.msgs["wamid.old"] = closed.MessageID
	if _, err := db.W.ExecContext(ctx, "UPDATE conversations SET department_id = ? WHERE id = ?", support.ID, s.hidden); err != nil {
		t.Fatal(err)
	}
	sender := outbox.NewSender(db, func(int64) (providers.MessageSender, error) {
		return nil, errors.New("not sending in this test")
	}, outbox.Config{})
	cfg := handlers.Config{DB: db, Box: box, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)),
		BaseURL:   &url.URL{Scheme: "http", Host: "127.0.0.1"},
		Providers: testRegistry("http://127.0.0.1:1"), Outbox: sender, ReadReceipts: s.receipts,
		Media: func(_ context.Context, channelID int64) (providers.MediaStore, error) {
			if channelID != ch.ID {
				return nil, fmt.Errorf("unknown channel %d", channelID)
			}
			return s.media, nil
		}}
	if configure != nil {
		configure(&cfg, s)
	}
	srv, err := handlers.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	s.emailSite = &emailSite{t: t, db: db, url: ts.URL}
	return s
}

// fetch GETs a path and returns the whole response, body read (or the
// error that cut it off).
func (s *renderSite) fetch(c *http.Client, path string) (*http.Response, []byte, error) {
	s.t.Helper()
	resp, err := c.Get(s.url + path)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestInboxMediaDownload(t *testing.T) {
	s := startRenderSite(t)
	agent := s.signIn(s.agent)
	path := func(wamid string) string { return fmt.Sprintf("/inbox/%d/media/%d", s.conv, s.msgs[wamid]) }
	tests := []struct {
		name        string
		wamid       string
		status      int
		contentType string
		disposition string
		body        string // exact body for 200s, a substring otherwise
	}{
		{"photo inline", "wamid.photo", 200, "image/jpeg", "inline; filename=image-" + fmt.Sprint(s.msgs["wamid.photo"]) + ".jpg", "\xff\xd8\xff jpeg bytes"},
		{"document saved with a safe name", "wamid.doc", 200, "application/pdf", `attachment; filename=pass_wd.pdf`, "%PDF-1.7 invoice"},
		{"image over 5 MB refused before downloading", "wamid.bigphoto", 413, "text/html; charset=utf-8", "", "This image is 6.3 MB, but WhatsApp allows at most 5 MB for an image"},
		{"sticker over 500 KB refused", "wamid.sticker", 413, "text/html; charset=utf-8", "", "at most 500 KB"},
		{"provider sends more than it said", "wamid.liar", 502, "text/html; charset=utf-8", "", "more data than the size of this file"},
		{"HTML posing as an image is only downloaded, as bytes", "wamid.html", 200, "application/octet-stream", "attachment; filename=image-" + fmt.Sprint(s.msgs["wamid.html"]), "<script>alert(1)</script>"},
		{"file the provider no longer has", "wamid.gone", 404, "text/html; charset=utf-8", "", "The provider no longer has this file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body, err := s.fetch(agent, path(tt.wamid))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}
			if tt.status != 200 {
				if !strings.Contains(string(body), tt.body) {
					t.Errorf("body does not say %q:\n%s", tt.body, body)
				}
				return
			}
			if string(body) != tt.body {
				t.Errorf("body = %q, want %q", body, tt.body)
			}
			h := resp.Header
			if h.Get("Content-Security-Policy") != "sandbox" || h.Get("Cache-Control") != "private, max-age=86400" {
				t.Errorf("CSP %q, Cache-Control %q", h.Get("Content-Security-Policy"), h.Get("Cache-Control"))
			}
			if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, strings.SplitN(tt.disposition, ";", 2)[0]) ||
				(strings.Contains(tt.disposition, "filename") && !strings.Contains(cd, strings.SplitN(tt.disposition, "filename=", 2)[1])) {
				t.Errorf("Content-Disposition %q, want %q", cd, tt.disposition)
			}
		})
	}
	if _, loads := s.media.counts(); loads != 4 {
		t.Errorf("%d downloads, want 4: files known to be too large are not downloaded", loads)
	}
	got, err := s.db.ConversationMessage(context.Background(), s.conv, s.msgs["wamid.photo"])
	if err != nil || got.MediaSize != int64(len("\xff\xd8\xff jpeg bytes")) {
		t.Errorf("photo size not remembered: %d, %v", got.MediaSize, err)
	}

	// A file of unknown size that turns out too large is cut off: the
	// browser must not keep a truncated video as if it were whole.
	resp, body, err := s.fetch(agent, path("wamid.video"))
	if err == nil && resp.StatusCode == http.StatusOK && len(body) >= 16<<20 {
		t.Errorf("a video over 16 MB was served whole (%d bytes)", len(body))
	}
	if err == nil {
		t.Errorf("an over-long video ended like a complete response: status %d, %d bytes", resp.StatusCode, len(body))
	}
}

func TestInboxMediaAccess(t *testing.T) {
	s := startRenderSite(t)
	agent := s.signIn(s.agent)
	admin := s.signIn(s.adminMail)
	for _, tt := range []struct {
		name   string
		client *http.Client
		path   string
		status int
	}{
		{"another department's conversation", agent, fmt.Sprintf("/inbox/%d/media/%d", s.hidden, s.msgs["wamid.secret"]), 404},
		{"its message through a visible conversation", agent, fmt.Sprintf("/inbox/%d/media/%d", s.conv, s.msgs["wamid.secret"]), 404},
		{"a message without a file", agent, fmt.Sprintf("/inbox/%d/media/%d", s.conv, s.msgs["wamid.text"]), 404},
		{"not a message ID", agent, fmt.Sprintf("/inbox/%d/media/abc", s.conv), 404},
		{"the admin sees every conversation", admin, fmt.Sprintf("/inbox/%d/media/%d", s.hidden, s.msgs["wamid.secret"]), 200},
		{"signed out", &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
			fmt.Sprintf("/inbox/%d/media/%d", s.conv, s.msgs["wamid.photo"]), 303},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body, err := s.fetch(tt.client, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d\n%.300s", resp.StatusCode, tt.status, body)
			}
		})
	}
	if gets, _ := s.media.counts(); gets != 1 {
		t.Errorf("the provider was asked %d times, want once (for the admin)", gets)
	}
}

func TestInboxMediaSizeAndPage(t *testing.T) {
	s := startRenderSite(t)
	agent := s.signIn(s.agent)
	page := s.get(agent, fmt.Sprintf("/inbox/%d", s.conv))
	sizeURL := fmt.Sprintf("/inbox/%d/media/%d/size", s.conv, s.msgs["wamid.doc"])
	if page.status != 200 || !strings.Contains(page.body, `hx-get="`+sizeURL+`"`) {
		t.Fatalf("the document's size is not fetched by the page:\n%s", page.body)
	}
	if !strings.Contains(page.body, fmt.Sprintf(`src="/inbox/%d/media/%d"`, s.conv, s.msgs["wamid.photo"])) || !strings.Contains(page.body, `loading="lazy"`) {
		t.Error("the photo is not shown inline through wadesk")
	}
	frag := s.get(agent, sizeURL)
	if frag.status != 200 || !strings.Contains(frag.body, "16 bytes") || strings.Contains(frag.body, "<html") {
		t.Fatalf("size fragment: %d\n%s", frag.status, frag.body)
	}
	big := s.get(agent, fmt.Sprintf("/inbox/%d/media/%d/size", s.conv, s.msgs["wamid.bigphoto"]))
	if !strings.Contains(big.body, "6.3 MB · too large to download") {
		t.Errorf("too large file's size: %s", big.body)
	}
	page = s.get(agent, fmt.Sprintf("/inbox/%d", s.conv))
	if strings.Contains(page.body, `hx-get="`+sizeURL+`"`) || !strings.Contains(page.body, "16 bytes") {
		t.Error("the known size is asked for again instead of shown")
	}
}

func TestInboxReaction(t *testing.T) {
	s := startRenderSite(t)
	agent := s.signIn(s.agent)
	admin := s.signIn(s.adminMail)
	react := func(c *http.Client, conv, msg int64, emoji string) page {
		return s.post(c, fmt.Sprintf("/inbox/%d/messages/%d/reaction", conv, msg), url.Values{"emoji": {emoji}})
	}
	text := s.msgs["wamid.text"]
	if p := react(agent, s.conv, text, "🦄"); p.status != 422 || !strings.Contains(p.body, "Choose one of the offered reactions.") {
		t.Errorf("emoji outside the picker: %d\n%s", p.status, p.body)
	}
	if p := react(agent, s.hidden, s.msgs["wamid.secret"], "👍"); p.status != 404 {
		t.Errorf("reaction in another department's conversation: %d", p.status)
	}
	if p := react(agent, s.conv, s.msgs["wamid.secret"], "👍"); p.status != 404 {
		t.Errorf("reaction to another conversation's message: %d", p.status)
	}
	if p := react(admin, s.closed, s.msgs["wamid.old"], "👍"); p.status != 422 || !strings.Contains(p.body, "The reaction was not sent.") {
		t.Errorf("reaction outside the window: %d\n%s", p.status, p.body)
	}
	if p := react(agent, s.conv, text, "👍"); p.status != 303 || p.location != fmt.Sprintf("/inbox/%d#msg-%d", s.conv, text) {
		t.Fatalf("reaction: %d %q\n%s", p.status, p.location, p.body)
	}
	msgs, err := s.db.ConversationMessages(context.Background(), s.conv, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := msgs[len(msgs)-1]
	var sent providers.OutboundMessage
	if err := json.Unmarshal([]byte(last.Payload), &sent); err != nil || last.Direction != "out" || last.Type != "reaction" ||
		sent.Reaction == nil || *sent.Reaction != (providers.Reaction{MessageID: "wamid.text", Emoji: "👍"}) {
		t.Fatalf("queued reaction = %+v (%+v, %v)", last, sent.Reaction, err)
	}
	if p := react(agent, s.conv, last.ID, "👍"); p.status != 422 || !strings.Contains(p.body, "Only the customer&#39;s messages") {
		t.Errorf("reaction to the business's own message: %d\n%s", p.status, p.body)
	}
	p := s.get(agent, fmt.Sprintf("/inbox/%d/messages", s.conv))
	if !strings.Contains(p.body, `data-by="business" title="You reacted 👍">👍</span>`) {
		t.Errorf("the reaction is not shown on its message:\n%s", p.body)
	}
	if strings.Contains(p.body, `data-kind="reaction"`) {
		t.Error("the reaction got a bubble of its own")
	}
	if p := react(agent, s.conv, text, ""); p.status != 303 {
		t.Fatalf("removing the reaction: %d\n%s", p.status, p.body)
	}
	if p := s.get(agent, fmt.Sprintf("/inbox/%d/messages", s.conv)); strings.Contains(p.body, `data-by="business"`) {
		t.Error("the removed reaction is still shown")
	}
}

func TestInboxQueuesReadReceiptOncePerMessage(t *testing.T) {
	s := startRenderSite(t)
	agent := s.signIn(s.agent)
	ctx := context.Background()
	if p := s.get(agent, fmt.Sprintf("/inbox/%d", s.conv)); p.status != 200 {
		t.Fatalf("open: %d", p.status)
	}
	st, err := s.db.ReadReceiptOf(ctx, s.conv)
	if err != nil || st.MessageID != s.msgs["wamid.text"] {
		t.Fatalf("receipt for the newest message not queued: %+v %v", st, err)
	}
	if n := s.receipts.n.Load(); n != 1 {
		t.Errorf("worker woken %d times, want 1", n)
	}
	s.get(agent, fmt.Sprintf("/inbox/%d", s.conv))
	s.get(agent, fmt.Sprintf("/inbox/%d/messages", s.conv))
	if n := s.receipts.n.Load(); n != 1 {
		t.Errorf("worker woken %d times after more views of the same messages, want 1", n)
	}
	if p := s.get(agent, fmt.Sprintf("/inbox/%d", s.hidden)); p.status != 404 {
		t.Fatalf("hidden conversation: %d", p.status)
	}
	if _, err := s.db.ReadReceiptOf(ctx, s.hidden); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a conversation the agent may not see was marked read: %v", err)
	}
}

// metaStored is a Cloud API message object as wadesk stores it: in the
// provider-neutral form ingest writes (and the start-up conversion turns
// older messages into). "{}" (no object) stays as it is.
func metaStored(t testing.TB, meta string) string {
	t.Helper()
	if meta == "{}" {
		return meta
	}
	m, err := cloudapi.ParseMessage([]byte(meta))
	if err != nil {
		t.Fatalf("parse %s: %v", meta, err)
	}
	p, err := providers.EncodeInbound(m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
