package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/wadesk/wadesk/media/s3test"
)

// TestMediaKeptAfterProviderForgets: a customer's photos, a voice note
// and a PDF are kept by wadesk on arrival; once the provider has
// forgotten them (the simulator models the expiry of media IDs), the
// agent still opens every one, the thread shows thumbnails rather than
// whole photos, the voice note seeks (a range request answers 206), and
// opening the conversation asks the provider for no file at all (counted
// at the simulator).
func TestMediaKeptAfterProviderForgets(t *testing.T) {
	s := startDemo(t)
	mediaKeptAfterProviderForgets(t, s)
	if n := countBlobs(t, filepath.Join(s.Data, "media")); n < 23 {
		t.Errorf("the data directory's media store holds %d files, want at least 23", n)
	}
}

// TestMediaKeptOnS3: the same path with the files in an S3-compatible
// bucket (Versity's gateway on loopback, started by the test, checking
// SigV4 signatures): the files land in the bucket, none in the data
// directory.
func TestMediaKeptOnS3(t *testing.T) {
	srv := s3test.Start(t, "wadesk-media")
	args := []string{"demo", "--addr", "127.0.0.1:0", "--sim-addr", "127.0.0.1:0",
		"--360dialog-sim-addr", "127.0.0.1:0", "--partner-sim-addr", "127.0.0.1:0", "--twilio-sim-addr", "127.0.0.1:0",
		"--messagebird-sim-addr", "127.0.0.1:0", "--maytapi-sim-addr", "127.0.0.1:0",
		"--vonage-sim-addr", "127.0.0.1:0"}
	s := startProgram(t, append(args, srv.Args("wadesk-media")...))
	mediaKeptAfterProviderForgets(t, s)
	if n := countBlobs(t, filepath.Join(srv.Root, "wadesk-media")); n < 23 {
		t.Errorf("the bucket holds %d files, want at least 23", n)
	}
	if n := countBlobs(t, filepath.Join(s.Data, "media")); n != 0 {
		t.Errorf("with the S3 store, the data directory still holds %d kept files", n)
	}
}

// countBlobs counts the files named by a SHA-256 under dir.
func countBlobs(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() && len(d.Name()) == 64 {
			n++
		}
		return nil
	})
	return n
}

// largeJPEG is a camera-sized photo (1600×1200), whose thumbnail is
// smaller.
func largeJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := range 1200 {
		for x := range 1600 {
			img.Set(x, y, color.RGBA{uint8(x / 7), uint8(y / 5), 140, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mediaKeptAfterProviderForgets(t *testing.T, s *server) {
	agent := newBrowser(t)
	inboxConnect(t, agent, s)

	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Here are the photos of the broken vase")
	run(t, phone, "customer sends a photo",
		chromedp.Click(byTestID("image-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("send-image"), chromedp.ByQuery),
		chromedp.Click(byTestID("send-image"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("message-image"), chromedp.ByQuery),
	)
	run(t, phone, "customer records a voice note",
		chromedp.Click(byTestID("send-voice"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-kind="audio"]`, chromedp.ByQuery),
	)
	run(t, phone, "customer sends the invoice PDF",
		chromedp.Click(byTestID("document-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("send-document"), chromedp.ByQuery),
		chromedp.Click(byTestID("send-document"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-kind="document"]`, chromedp.ByQuery),
	)
	from := firstCustomer(t, s)
	png := samplePNG(t)
	big := largeJPEG(t)
	for i := range 19 {
		// Distinct files: one byte appended after the PNG's end; the first
		// is a camera-sized photo.
		data, mt := append(bytes.Clone(png), byte(i)), "image/png"
		if i == 0 {
			data, mt = big, "image/jpeg"
		}
		simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from,
			"image": map[string]any{"data": base64.StdEncoding.EncodeToString(data), "mime_type": mt, "caption": fmt.Sprintf("photo %d", i+1)}})
	}
	openFirstConversation(t, agent, s)
	kept := `(async () => {
		const r = await fetch(location.pathname, {credentials: "same-origin"});
		const html = await r.text();
		const n = (html.match(/data-kind="image"/g) || []).length;
		const thumbs = (html.match(/\/thumb"/g) || []).length;
		return n === 20 && thumbs === 20 && html.includes('data-testid="message-audio"') &&
			html.includes('data-testid="message-document"') &&
			!html.includes("Downloading a copy") && !html.includes("could not download");
	})()`
	deadline := time.Now().Add(90 * time.Second)
	for {
		var done bool
		run(t, agent, "are the files kept", chromedp.Evaluate(kept, &done, awaitPromise))
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the photos, the voice note and the PDF were not all kept, with thumbnails, within 90 seconds")
		}
		time.Sleep(500 * time.Millisecond)
	}

	var forgot struct{ Forgotten int }
	res, err := http.Post(s.SimURL+"/_sim/media/forget", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(res.Body).Decode(&forgot)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if forgot.Forgotten < 22 {
		t.Fatalf("the simulator forgot %d files, want at least 22", forgot.Forgotten)
	}
	var before, after struct{ Lookups, Downloads int }
	getJSON(t, s.SimURL+"/_sim/media/calls", &before)

	run(t, agent, "reopen the conversation", desktopWidth.at(), chromedp.Reload())
	allPhotos := `(() => {
		const imgs = [...document.querySelectorAll('[data-kind="image"] img[data-testid="message-image"]')];
		// The thread opens at its newest message; older photos load as
		// the agent scrolls up to them (lazy loading), as a person would.
		const waiting = imgs.find(i => !(i.complete && i.naturalWidth > 0));
		if (waiting) waiting.scrollIntoView();
		return imgs.length === 20 && !waiting && imgs.every(i => i.getAttribute("src").endsWith("/thumb"));
	})()`
	poll(t, agent, "all 20 photos show as thumbnails from wadesk's store", allPhotos)

	// The camera-sized photo shows as a thumbnail; a click opens it whole.
	var thumbWidth int
	run(t, agent, "the large photo's thumbnail", chromedp.Evaluate(`(() => {
		// The other photos are 160 and 8 pixels wide.
		const img = [...document.querySelectorAll('[data-kind="image"] img[data-testid="message-image"]')]
			.find(i => i.naturalWidth > 200);
		if (!img) return 0;
		img.scrollIntoView();
		img.setAttribute("data-testid", "large-photo");
		return img.naturalWidth;
	})()`, &thumbWidth))
	if thumbWidth != 640 {
		t.Errorf("the 1600-pixel photo's thumbnail is %d pixels wide, want 640", thumbWidth)
	}
	opened := chromedp.WaitNewTarget(agent, func(info *target.Info) bool {
		return info.Type == "page"
	})
	run(t, agent, "click the large photo", chromedp.Click(byTestID("large-photo"), chromedp.ByQuery))
	select {
	case id := <-opened:
		tab, cancel := chromedp.NewContext(agent, chromedp.WithTargetID(id))
		var width int
		var at string
		run(t, tab, "the whole photo opens", chromedp.Poll(`(() => { const i = document.querySelector("img"); return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0; })()`, &width, chromedp.WithPollingTimeout(20*time.Second)),
			chromedp.Location(&at))
		if width != 1600 || !strings.Contains(at, "/media/") || strings.HasSuffix(at, "/thumb") {
			t.Errorf("the opened photo (%s) is %d pixels wide, want the whole photo, 1600", at, width)
		}
		chromedp.Run(tab, page.Close())
		cancel()
	case <-time.After(20 * time.Second):
		t.Fatal("clicking the photo opened nothing")
	}

	// The voice note plays: the browser reads its length from wadesk's
	// copy, and seeking asks for a range, answered 206.
	var seconds float64
	run(t, agent, "the voice note loads", chromedp.Evaluate(`document.querySelector('[data-testid="message-audio"]').scrollIntoView()`, nil),
		chromedp.Evaluate(`(() => { const a = document.querySelector('[data-testid="message-audio"]'); a.preload = "metadata"; a.load(); })()`, nil),
		chromedp.Poll(`(() => { const a = document.querySelector('[data-testid="message-audio"]'); return a.readyState >= 1 && isFinite(a.duration) ? a.duration : 0; })()`, &seconds, chromedp.WithPollingTimeout(20*time.Second)))
	if seconds < 2.5 || seconds > 3.5 {
		t.Errorf("the voice note lasts %.2f s, want about 3", seconds)
	}
	var rangeRes struct {
		Status      int
		ContentType string
		Length      int
	}
	run(t, agent, "seek in the voice note", chromedp.Evaluate(`(async () => {
		const src = document.querySelector('[data-testid="message-audio"]').src;
		const r = await fetch(src, {headers: {Range: "bytes=4-99"}});
		const b = await r.arrayBuffer();
		return {status: r.status, contentType: r.headers.get("Content-Type"), length: b.byteLength};
	})()`, &rangeRes, awaitPromise))
	if rangeRes.Status != http.StatusPartialContent || rangeRes.Length != 96 || !strings.HasPrefix(rangeRes.ContentType, "audio/ogg") {
		t.Errorf("range request on the voice note: %+v, want 206 with 96 bytes of audio/ogg", rangeRes)
	}

	// The PDF downloads, whole, under its own name.
	downloads := t.TempDir()
	run(t, agent, "download the invoice",
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads),
		chromedp.Evaluate(`document.querySelector('[data-testid="message-document"]').scrollIntoView()`, nil),
		chromedp.Click(byTestID("message-document"), chromedp.ByQuery),
	)
	pdf := waitFile(t, filepath.Join(downloads, "invoice-2031.pdf"))
	if !strings.HasPrefix(pdf, "%PDF-") || !strings.HasSuffix(pdf, "%%EOF\n") {
		t.Errorf("the downloaded invoice is not the PDF sent: %q", pdf[:min(len(pdf), 40)])
	}

	getJSON(t, s.SimURL+"/_sim/media/calls", &after)
	if after != before {
		t.Errorf("opening the conversation asked the provider for files: %+v → %+v", before, after)
	}
	checkAccessible(t, agent, "conversation with kept photos, a voice note and a PDF")

	// On a phone: the same thumbnails, nothing wider than the screen.
	run(t, agent, "reopen on a phone", phoneWidth.at(), chromedp.Reload())
	poll(t, agent, "all 20 photos show on a phone", allPhotos)
	checkNoSideScroll(t, agent, "conversation with kept media on a phone")
	run(t, agent, "back to the desktop", desktopWidth.at())

	// The admin sees what the media store holds.
	run(t, agent, "open Settings → Privacy",
		chromedp.Navigate(s.URL+"/settings/privacy"),
		chromedp.WaitVisible(byTestID("media-use"), chromedp.ByQuery))
	if got := textOf(t, agent, byTestID("media-kept")); got != "22" {
		t.Errorf("files kept = %q, want 22", got)
	}
	checkAccessible(t, agent, "privacy settings with the media store's use")
	checkNoSideScroll(t, agent, "privacy settings with the media store's use")
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
