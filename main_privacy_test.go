package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// privacyGraph answers sends, and serves one photo through the media API.
func privacyGraph(t *testing.T, photo []byte) *httptest.Server {
	var g *httptest.Server
	g = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages"):
			fmt.Fprintf(w, `{"messaging_product":"whatsapp","success":true,"messages":[{"id":"wamid.out.%d"}]}`, time.Now().UnixNano())
		case strings.HasSuffix(r.URL.Path, "/media.photo.1"):
			fmt.Fprintf(w, `{"id":"media.photo.1","url":%q,"mime_type":"image/jpeg","file_size":%d,"sha256":"x"}`, g.URL+"/download/photo", len(photo))
		case r.URL.Path == "/download/photo":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(photo)
		default:
			fmt.Fprint(w, `{}`)
		}
	}))
	t.Cleanup(g.Close)
	return g
}

// hookFrom is a webhook carrying one message from a customer: text, or a
// photo when image is set.
func hookFrom(waID, name, wamid, text string, image bool) []byte {
	msg := map[string]any{"from": waID, "id": wamid, "timestamp": strconv.FormatInt(time.Now().Unix(), 10), "type": "text",
		"text": map[string]any{"body": text}}
	if image {
		msg = map[string]any{"from": waID, "id": wamid, "timestamp": strconv.FormatInt(time.Now().Unix(), 10), "type": "image",
			"image": map[string]any{"id": "media.photo.1", "mime_type": "image/jpeg", "sha256": "x", "caption": text}}
	}
	b, _ := json.Marshal(map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": "102290129340398", "changes": []any{map[string]any{
			"field": "messages",
			"value": map[string]any{
				"messaging_product": "whatsapp",
				"metadata":          map[string]any{"display_phone_number": "15550009999", "phone_number_id": busyPhoneID},
				"contacts":          []any{map[string]any{"profile": map[string]any{"name": name}, "wa_id": waID}},
				"messages":          []any{msg},
			},
		}}}},
	})
	return b
}

// An admin exports everything about a customer (JSON and their photo),
// then erases them: afterwards not a byte of theirs is in the database
// files — messages, the search indexes, the raw webhooks, the forwarding
// queue — while another customer's data is untouched.
func TestContactExportThenErase(t *testing.T) {
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0, 'p', 'h', 'o', 't', 'o'}, 100)
	graph := privacyGraph(t, photo)
	fwd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable) // the forwarding queue keeps them
	}))
	defer fwd.Close()
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	chID := createBusyChannel(t, data)
	{
		db, err := store.Open(context.Background(), filepath.Join(data, "wadesk.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateChannel(context.Background(), chID, store.ChannelUpdate{Title: "Sales", ForwardURL: fwd.URL}); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	a := startApp(t, data, "--graph-url", graph.URL)
	hookURL := a.URL + "/webhooks/" + itoa(chID)

	const (
		goneID, goneName, goneWord = "15557770123", "Zebulon Quixote", "marmaladequokka"
		keptID, keptName, keptWord = "15553330456", "Keeping Kim", "pineapplewombat"
	)
	send := func(waID, name, wamid, text string, image bool) {
		t.Helper()
		if s := signedPost(t, hookURL, busyAppSecret, "application/json", hookFrom(waID, name, wamid, text, image)); s != 200 {
			t.Fatalf("webhook: %d", s)
		}
	}
	send(goneID, goneName, "wamid.gone.1", "Hello, I want "+goneWord+" jam", false)
	send(goneID, goneName, "wamid.gone.2", "photo of my "+goneWord, true)
	send(keptID, keptName, "wamid.kept.1", "Do you sell "+keptWord+"?", false)
	db := openDB(t, data)
	var goneConv, goneContact int64
	waitFor(t, "the messages", 20*time.Second, func() (bool, error) {
		var n int
		db.R.QueryRow("SELECT COUNT(*) FROM messages WHERE wamid IN ('wamid.gone.1','wamid.gone.2','wamid.kept.1')").Scan(&n)
		return n == 3, nil
	})
	db.R.QueryRow("SELECT c.id, v.id FROM contacts c JOIN conversations v ON v.contact_id = c.id WHERE c.wa_id = ?", goneID).Scan(&goneContact, &goneConv)

	c := browser(t)
	login(t, c, a, "admin@example.com", adminPassword)
	if r := post(t, c, a.URL+"/inbox/"+itoa(goneConv)+"/messages", url.Values{"text": {"We have " + goneWord + " jam in stock"}}); r.Status >= 400 {
		t.Fatalf("reply: %d", r.Status)
	}
	if r := post(t, c, a.URL+"/inbox/"+itoa(goneConv)+"/notes", url.Values{"body": {"Prefers " + goneWord + " deliveries"}}); r.Status >= 400 {
		t.Fatalf("note: %d", r.Status)
	}
	// A search brings the index up to date, so that it holds their words.
	if r := get(t, c, a.URL+"/inbox?q="+goneWord); r.Status != 200 || !strings.Contains(r.Body, "Quixote") {
		t.Fatalf("the inbox search does not find the customer before the erase: %d", r.Status)
	}
	if vocab, err := store.SearchTerms(context.Background(), filepath.Join(data, "wadesk.db")); err != nil || !vocab[goneWord] {
		t.Fatalf("the search index lacks %q before the erase (%v)", goneWord, err)
	}

	// Find them on Settings → Privacy.
	r := get(t, c, a.URL+"/settings/privacy?q=7770123")
	if r.Status != 200 || !strings.Contains(r.Body, goneName) || strings.Contains(r.Body, keptName) {
		t.Fatalf("privacy search: %d\n%s", r.Status, r.Body)
	}

	// Export: JSON with every message, the note, and the photo.
	r = get(t, c, a.URL+"/settings/privacy/contacts/"+itoa(goneContact)+"/export")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(strings.NewReader(r.Body), int64(len(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var exported store.ContactData
	if err := json.Unmarshal(files["contact.json"], &exported); err != nil {
		t.Fatalf("contact.json: %v\n%v", err, files)
	}
	if exported.Contact.WaID != goneID || exported.Contact.Name != goneName || len(exported.Conversations) != 1 {
		t.Fatalf("exported %+v", exported)
	}
	conv := exported.Conversations[0]
	if len(conv.Messages) != 3 || len(conv.Notes) != 1 {
		t.Fatalf("exported %d messages, %d notes", len(conv.Messages), len(conv.Notes))
	}
	var photoFile string
	for _, m := range conv.Messages {
		if m.Type == "image" {
			photoFile = m.MediaFile
		}
	}
	if got := files[photoFile]; photoFile == "" || !bytes.Equal(got, photo) {
		t.Fatalf("the photo is not in the export (media_file %q)", photoFile)
	}

	// A wrong confirmation erases nothing.
	r = post(t, c, a.URL+"/settings/privacy/contacts/"+itoa(goneContact)+"/erase", url.Values{"confirm": {keptID}, "q": {"7770123"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Nothing was erased") {
		t.Fatalf("wrong confirmation: %d", r.Status)
	}
	r = post(t, c, a.URL+"/settings/privacy/contacts/"+itoa(goneContact)+"/erase", url.Values{"confirm": {"+1 555-777-0123"}, "q": {"7770123"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("erase: %d\n%s", r.Status, r.Body)
	}

	// Not a byte of theirs in the database files (the WAL was truncated;
	// anything written since is not theirs).
	var raw []byte
	for _, f := range []string{"wadesk.db", "wadesk.db-wal"} {
		b, err := os.ReadFile(filepath.Join(data, f))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	for _, gone := range []string{goneID, goneName, "Quixote", goneWord, "wamid.gone.1", "wamid.gone.2"} {
		if bytes.Contains(raw, []byte(gone)) {
			t.Errorf("%q is still in the database file after the erase", gone)
		}
	}
	for _, kept := range []string{keptID, keptName, keptWord} {
		if !bytes.Contains(raw, []byte(kept)) {
			t.Errorf("%q of the other customer is gone", kept)
		}
	}
	// The search indexes hold none of their words, the other's still.
	vocab, err := store.SearchTerms(context.Background(), filepath.Join(data, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	if vocab[goneWord] || vocab["quixote"] || !vocab[keptWord] {
		t.Errorf("search terms after erase: %s=%v quixote=%v %s=%v", goneWord, vocab[goneWord], vocab["quixote"], keptWord, vocab[keptWord])
	}
	if r := get(t, c, a.URL+"/inbox?q="+goneWord); strings.Contains(r.Body, "Quixote") {
		t.Error("the inbox search still finds the erased customer")
	}
	// The audit trail says it happened, without who the customer was.
	es, _ := db.AuditEntries(context.Background(), store.AuditFilter{Action: "contact."})
	if len(es) != 2 {
		t.Fatalf("audit entries: %+v", es)
	}
	for _, e := range es {
		if strings.Contains(fmt.Sprint(e), goneID) || strings.Contains(fmt.Sprint(e), "Quixote") {
			t.Errorf("the audit trail names the erased customer: %+v", e)
		}
	}
}

// Automatic deletion removes messages older than the cutoff with their
// webhooks, statuses and search entries, and keeps newer ones.
func TestOldMessagesArePurged(t *testing.T) {
	graph := privacyGraph(t, nil)
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	chID := createBusyChannel(t, data)
	a := startApp(t, data, "--graph-url", graph.URL, "--retain-days", "30")
	hookURL := a.URL + "/webhooks/" + itoa(chID)
	for n := range 3 {
		if s := signedPost(t, hookURL, busyAppSecret, "application/json", hookFrom("15551110000", "Old Olga", fmt.Sprintf("wamid.old.%d", n), "ancient ichthyosaur", false)); s != 200 {
			t.Fatalf("webhook: %d", s)
		}
	}
	db := openDB(t, data)
	waitFor(t, "the messages", 20*time.Second, func() (bool, error) {
		var n int
		db.R.QueryRow("SELECT COUNT(*) FROM webhook_events WHERE state = 'done'").Scan(&n)
		return n == 3, nil
	})
	cutoff := time.Now().Add(time.Second)
	time.Sleep(1100 * time.Millisecond)
	if s := signedPost(t, hookURL, busyAppSecret, "application/json", hookFrom("15552220000", "New Nora", "wamid.new.1", "fresh falafel", false)); s != 200 {
		t.Fatalf("webhook: %d", s)
	}
	waitFor(t, "the new message", 20*time.Second, func() (bool, error) {
		var n int
		db.R.QueryRow("SELECT COUNT(*) FROM messages WHERE wamid = 'wamid.new.1'").Scan(&n)
		return n == 1, nil
	})
	c := browser(t)
	login(t, c, a, "admin@example.com", adminPassword)
	if r := get(t, c, a.URL+"/inbox?q=ichthyosaur"); !strings.Contains(r.Body, "Old Olga") {
		t.Fatal("the search does not find the old messages before the purge")
	}
	ctx := context.Background()
	var msgs, hooks int64
	for {
		m, h, err := db.PurgeBefore(ctx, cutoff, 2)
		if err != nil {
			t.Fatal(err)
		}
		msgs, hooks = msgs+m, hooks+h
		if m == 0 && h == 0 {
			break
		}
	}
	if err := db.OptimizeSearch(ctx); err != nil {
		t.Fatal(err)
	}
	if msgs != 3 || hooks != 3 {
		t.Fatalf("purged %d messages and %d webhooks, want 3 and 3", msgs, hooks)
	}
	var left, conv int
	db.R.QueryRow("SELECT COUNT(*) FROM messages").Scan(&left)
	db.R.QueryRow("SELECT COUNT(*) FROM conversations").Scan(&conv)
	if left != 1 || conv != 1 {
		t.Fatalf("left %d messages in %d conversations, want the new one", left, conv)
	}
	terms, err := store.SearchTerms(ctx, filepath.Join(data, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	if terms["ichthyosaur"] {
		t.Error("the purged messages' words are still in the search index")
	}
	if r := get(t, c, a.URL+"/settings/privacy"); !strings.Contains(r.Body, "deleted automatically 30 days") {
		t.Error("the Privacy page does not say messages are deleted after 30 days")
	}
}
