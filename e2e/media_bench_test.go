package e2e

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// measureWadeskMedia is the ingest load with one webhook in ten carrying
// a document (50 KB, each different), which wadesk's media worker fetches
// from a media API in this process while the load goes on: keeping files
// must not slow the acknowledgement of webhooks.
func measureWadeskMedia(b *testing.B, bareRes loadResult) (loadResult, float64) {
	const prefix = "wamid.benchmedia"
	var fetched atomic.Int64
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		switch {
		case len(parts) == 2 && parts[0] == "dl":
			fetched.Add(1)
			data := benchDocument(parts[1])
			w.Header().Set("Content-Type", "application/pdf")
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data)
		case len(parts) == 2 && strings.HasPrefix(parts[0], "v"):
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"messaging_product": "whatsapp", "id": parts[1],
				"url": "http://" + r.Host + "/dl/" + parts[1], "mime_type": "application/pdf", "file_size": len(benchDocument(parts[1]))})
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2}}`)
		}
	}))
	defer graph.Close()
	text := newBenchBodies(prefix)
	body := func(n int) []byte {
		if n%10 == 0 {
			return mediaPayload(prefix, n)
		}
		return text.body(n)
	}
	res, ratio := measureWadeskWith(b, metaHooks, "media", bareRes, body, func(dir string) *process {
		return launch(b, exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--graph-url", graph.URL))
	})
	fmt.Printf("ingest: with 10%% media webhooks, %d files fetched while the load ran and the journal drained\n", fetched.Load())
	return res, ratio
}

// benchDocument is a 50 KB PDF-looking file, different for each ID.
func benchDocument(id string) []byte {
	data := make([]byte, 0, 50<<10)
	data = append(data, "%PDF-1.4\n% "...)
	data = append(data, id...)
	for len(data) < 50<<10 {
		data = append(data, "0123456789abcdef"...)
	}
	return data
}

// Media fetch measurement.
const mediaFetchFiles = 30

// BenchmarkMediaFetch measures how long wadesk takes to keep a customer's
// 1 MB file: from the acknowledgement of the webhook naming it to the file
// being kept in wadesk's store (the media worker asks the simulator for
// the file's address, downloads it, checks it and stores it), one file at
// a time, against the same lookup and download made directly. It prints
// media_fetch_p99_ms=, media_fetch_direct_p99_ms= and media_fetch_ratio=.
func BenchmarkMediaFetch(b *testing.B) {
	if mediaFetchMeasured == 0 {
		mediaFetchMeasured = measureMediaFetch(b)
	}
	b.ReportMetric(mediaFetchMeasured, "p99-ms")
}

var mediaFetchMeasured float64

func measureMediaFetch(b *testing.B) float64 {
	cfg := simulator.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	sim, err := simulator.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	graph := httptest.NewServer(sim.Handler())
	defer graph.Close()

	dir := b.TempDir()
	seedOutbox(b, dir, 1)
	wd := launch(b, exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--graph-url", graph.URL))
	defer func() {
		if err := wd.stop(); err != nil {
			b.Errorf("wadesk did not stop cleanly: %v", err)
		}
	}()
	ro := openReadOnly(b, dir)
	defer ro.Close()
	var channelID int64
	if err := ro.QueryRow(`SELECT id FROM channels ORDER BY id LIMIT 1`).Scan(&channelID); err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Timeout: time.Minute}
	var kept, direct []time.Duration
	for i := range mediaFetchFiles {
		data := make([]byte, 0, 1<<20)
		data = append(data, fmt.Sprintf("%%PDF-1.4\n%% bench file %d\n", i)...)
		for len(data) < 1<<20 {
			data = append(data, "The quick brown fox jumps over the lazy dog. "...)
		}
		data = data[:1<<20]
		id := simUpload(b, client, graph.URL, data)

		// The baseline: the lookup and the download, straight.
		t0 := time.Now()
		simDownload(b, client, graph.URL, id)
		direct = append(direct, time.Since(t0))

		wamid := fmt.Sprintf("wamid.mediafetch.%d", i)
		body := simDocumentWebhook(wamid, id, i)
		req, _ := http.NewRequest(http.MethodPost, wd.URL+"/webhooks/"+strconv.FormatInt(channelID, 10), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Hub-Signature-256", signature(simAppSecret, body))
		res, err := client.Do(req)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("webhook: %v %v", res, err)
		}
		res.Body.Close()
		acked := time.Now()
		kept = append(kept, waitKept(b, ro, wamid, acked))
	}
	slices.Sort(kept)
	slices.Sort(direct)
	p99 := func(d []time.Duration) time.Duration { return d[max(0, (len(d)*99+99)/100-1)] }
	fmt.Printf("media fetch: %d files of 1 MB from the simulator, one at a time: ack→kept p50 %.1fms p99 %.1fms; direct lookup+download p50 %.1fms p99 %.1fms\n",
		len(kept), ms(kept[len(kept)/2]), ms(p99(kept)), ms(direct[len(direct)/2]), ms(p99(direct)))
	fmt.Printf("media_fetch_p99_ms=%.1f\n", ms(p99(kept)))
	fmt.Printf("media_fetch_direct_p99_ms=%.1f\n", ms(p99(direct)))
	if d := ms(p99(direct)); d > 0 {
		fmt.Printf("media_fetch_ratio=%.1f\n", ms(p99(kept))/d)
	}
	return ms(p99(kept))
}

// waitKept polls until the message's file is kept and returns how long
// after since that was.
func waitKept(b *testing.B, ro *sql.DB, wamid string, since time.Time) time.Duration {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var state string
		err := ro.QueryRow(`SELECT f.state FROM media_files f JOIN messages m ON m.id = f.message_id WHERE m.wamid = ?`, wamid).Scan(&state)
		if err == nil && state == "kept" {
			return time.Since(since)
		}
		if err == nil && state != "pending" {
			b.Fatalf("%s: file %s", wamid, state)
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s: file not kept within 30 s (%v)", wamid, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// simUpload uploads a PDF to the simulator's number and returns its ID.
func simUpload(b *testing.B, c *http.Client, graph string, data []byte) string {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("messaging_product", "whatsapp")
	mw.WriteField("type", "application/pdf")
	fw, _ := mw.CreateFormFile("file", "invoice.pdf")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, graph+"/v23.0/"+simUsable+"/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+simToken)
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.ID == "" {
		b.Fatalf("upload: %d %v", res.StatusCode, err)
	}
	return out.ID
}

// simDownload looks a media ID up and downloads it, as a client would.
func simDownload(b *testing.B, c *http.Client, graph, id string) {
	req, _ := http.NewRequest(http.MethodGet, graph+"/v23.0/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+simToken)
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var info struct{ URL string }
	json.NewDecoder(res.Body).Decode(&info)
	res.Body.Close()
	req, _ = http.NewRequest(http.MethodGet, info.URL, nil)
	req.Header.Set("Authorization", "Bearer "+simToken)
	res, err = c.Do(req)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("download: %v %v", res, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

// simDocumentWebhook is Meta's webhook for a customer's document on the
// simulator's number.
func simDocumentWebhook(wamid, mediaID string, n int) []byte {
	from := fmt.Sprintf("1555020%04d", n%50)
	env := map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{
		"id": simOwnedWABA, "changes": []any{map[string]any{"field": "messages", "value": map[string]any{
			"messaging_product": "whatsapp",
			"metadata":          map[string]any{"display_phone_number": "15550102001", "phone_number_id": simUsable},
			"contacts":          []any{map[string]any{"profile": map[string]any{"name": "Bench customer"}, "wa_id": from}},
			"messages": []any{map[string]any{"from": from, "id": wamid, "timestamp": strconv.FormatInt(time.Now().Unix(), 10), "type": "document",
				"document": map[string]any{"id": mediaID, "mime_type": "application/pdf", "filename": "invoice.pdf"}}},
		}}}}}}
	body, _ := json.Marshal(env)
	return body
}
