package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMediaCrashSafety: wadesk is killed with SIGKILL while it downloads
// customers' files (the provider drips them slowly, so several are on
// their way). After the restart every acknowledged message's file ends
// kept, whole (its SHA-256 is the provider's), or marked gone when the
// provider no longer has it; no partly written file is in the store or
// served. Kill moments come from a seed (WADESK_CRASH_SEED replays one).
func TestMediaCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts wadesk; not in -short")
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("WADESK_CRASH_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("WADESK_CRASH_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("seed %d (replay with WADESK_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x3ed1a))
	for round := range 2 {
		killAfter := time.Duration(400+rng.IntN(2500)) * time.Millisecond
		t.Run(fmt.Sprintf("round%d", round), func(t *testing.T) { mediaCrashRound(t, round, killAfter) })
	}
}

// dripGraph is a provider's media API that hands out files slowly: 16 KB
// every 10 ms. Files whose number is 3 modulo 7 have expired (Graph's
// error 100/33, "not found").
type dripGraph struct {
	mu        sync.Mutex
	files     map[string][]byte
	downloads map[string]int
	srv       *httptest.Server
}

func newDripGraph(t *testing.T, prefix string, n int) *dripGraph {
	g := &dripGraph{files: map[string][]byte{}, downloads: map[string]int{}}
	for i := range n {
		if i%7 == 3 {
			continue
		}
		// A PDF (the type is read from the content) of 200 to 400 KB.
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		data := []byte(fmt.Sprintf("%%PDF-1.4\n%% file %d\n", i))
		for len(data) < 200<<10+i*7000 {
			data = append(data, byte('a'+rng.IntN(26)))
		}
		g.files[mediaIDOf(prefix, i)] = data
	}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func mediaIDOf(prefix string, n int) string { return fmt.Sprintf("%s%d", prefix, 900000+n) }

func (g *dripGraph) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Header.Get("Authorization") != "Bearer "+metaHooks.secrets.AccessToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}`)
		return
	}
	switch {
	case len(parts) == 2 && parts[0] == "dl":
		g.mu.Lock()
		data, ok := g.files[parts[1]]
		g.downloads[parts[1]]++
		g.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		for off := 0; off < len(data); off += 16 << 10 {
			if _, err := w.Write(data[off:min(off+16<<10, len(data))]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(10 * time.Millisecond)
		}
	case len(parts) == 2 && strings.HasPrefix(parts[0], "v"):
		g.mu.Lock()
		data, ok := g.files[parts[1]]
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"message":"Unsupported get request. Object with ID does not exist.","type":"GraphMethodException","code":100,"error_subcode":33}}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"messaging_product": "whatsapp", "id": parts[1],
			"url": g.srv.URL + "/dl/" + parts[1], "mime_type": "application/pdf", "file_size": len(data)})
	default:
		// Anything else (the health check): a passing server error.
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2}}`)
	}
}

// mediaPayload is Meta's webhook for message n: a document.
func mediaPayload(prefix string, n int) []byte {
	m := newInboundText(prefix, n)
	env := map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{
		"id": hookWABAID, "changes": []any{map[string]any{"field": "messages", "value": map[string]any{
			"messaging_product": "whatsapp",
			"metadata":          map[string]any{"display_phone_number": hookDisplayPhone, "phone_number_id": hookPhoneNumberID},
			"contacts":          []any{map[string]any{"profile": map[string]any{"name": m.name}, "wa_id": m.from}},
			"messages": []any{map[string]any{"from": m.from, "id": m.wamid, "timestamp": m.timestamp, "type": "document",
				"document": map[string]any{"id": mediaIDOf(prefix, n), "mime_type": "application/pdf", "filename": fmt.Sprintf("invoice-%d.pdf", n)}}},
		}}}}}}
	b, _ := json.Marshal(env)
	return b
}

func mediaCrashRound(t *testing.T, round int, killAfter time.Duration) {
	const n = 30
	dir := t.TempDir()
	channelID := createHookChannel(t, dir)
	prefix := fmt.Sprintf("m%d", round)
	g := newDripGraph(t, prefix, n)
	launchAt := func() *process {
		return launch(t, exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--graph-url", g.srv.URL))
	}
	first := launchAt()
	path := "/webhooks/" + strconv.FormatInt(channelID, 10)
	client := hookClient(4)
	acked := map[string]int{}
	for i := range n {
		wamid := newInboundText(prefix, i).wamid
		code, err := postHookAs(context.Background(), metaHooks, client, first.URL+path, mediaPayload(prefix, i))
		if err != nil || code != 200 {
			t.Fatalf("webhook %d: %d %v", i, code, err)
		}
		acked[wamid] = i
	}
	client.CloseIdleConnections()
	time.Sleep(killAfter)
	first.kill()
	tmps, _ := os.ReadDir(filepath.Join(dir, "media", "tmp"))
	partial := len(tmps)

	second := launchAt()
	ro := openReadOnly(t, dir)
	defer ro.Close()
	deadline := time.Now().Add(90 * time.Second)
	for {
		done := countRows(t, ro, `SELECT COUNT(*) FROM media_files WHERE state IN ('kept', 'gone')`)
		if done == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart only %d of %d files are kept or gone after 90 s\n%s", done, n, second.log.String())
		}
		time.Sleep(250 * time.Millisecond)
	}

	// Every acknowledged message's file: kept whole, or gone when the
	// provider had forgotten it.
	hc := mediaSignIn(t, dir, second.URL)
	type row struct {
		id, conv            int64
		state, sha, lastErr string
	}
	rows, err := ro.Query(`SELECT m.id, m.conversation_id, m.wamid, f.state, f.sha256, f.last_error
		FROM messages m JOIN media_files f ON f.message_id = m.id`)
	if err != nil {
		t.Fatal(err)
	}
	byWamid := map[string]row{}
	for rows.Next() {
		var r row
		var wamid string
		if err := rows.Scan(&r.id, &r.conv, &wamid, &r.state, &r.sha, &r.lastErr); err != nil {
			t.Fatal(err)
		}
		byWamid[wamid] = r
	}
	rows.Close()
	kept, gone := 0, 0
	for wamid, i := range acked {
		r, ok := byWamid[wamid]
		if !ok {
			t.Errorf("%s: acknowledged, but not in the inbox with its file", wamid)
			continue
		}
		want, exists := g.files[mediaIDOf(prefix, i)]
		switch {
		case !exists:
			if r.state != "gone" {
				t.Errorf("%s: the provider forgot the file, but its state is %q", wamid, r.state)
			}
			gone++
			continue
		case r.state != "kept":
			t.Errorf("%s: state %q (%s), want kept", wamid, r.state, r.lastErr)
			continue
		}
		kept++
		sum := sha256.Sum256(want)
		if r.sha != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: recorded SHA-256 %s is not the file's", wamid, r.sha)
		}
		// On disk, under its name, whole.
		onDisk, err := os.ReadFile(filepath.Join(dir, "media", r.sha[:2], r.sha[2:4], r.sha))
		if got := sha256.Sum256(onDisk); err != nil || got != sum {
			t.Errorf("%s: the stored blob is not whole (%d of %d bytes, %v)", wamid, len(onDisk), len(want), err)
		}
		// And as served to an agent.
		res, err := hc.Get(fmt.Sprintf("%s/inbox/%d/media/%d", second.URL, r.conv, r.id))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if got := sha256.Sum256(body); res.StatusCode != 200 || got != sum {
			t.Errorf("%s: served %d with %d bytes whose SHA-256 is not the file's", wamid, res.StatusCode, len(body))
		}
	}
	// No partly written file is left in the store proper.
	filepath.WalkDir(filepath.Join(dir, "media"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if err == nil && d.Name() == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		data, _ := os.ReadFile(p)
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != d.Name() {
			t.Errorf("%s: a blob whose content does not match its name", p)
		}
		return nil
	})
	checkIntegrity(t, ro, "after the restart")
	g.mu.Lock()
	again := 0
	for _, c := range g.downloads {
		if c > 1 {
			again++
		}
	}
	g.mu.Unlock()
	if err := second.stop(); err != nil {
		t.Errorf("wadesk did not stop cleanly: %v", err)
	}
	t.Logf("round %d: killed after %v with %d partial downloads; %d kept, %d gone; %d files downloaded again after the restart",
		round, killAfter, partial, kept, gone, again)
}

// mediaSignIn makes an admin in dir's database (wadesk running) and
// signs in over HTTP.
func mediaSignIn(t *testing.T, dir, base string) *http.Client {
	t.Helper()
	cmd := exec.Command(binary, "user", "create", "--data", dir, "--email", "bench@example.com", "--password", outboxPassword, "--role", "admin")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wadesk user create: %v\n%s", err, out)
	}
	return outboxSignIn(t, base)
}
