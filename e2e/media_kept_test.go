package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestMediaKeptAfterProviderForgets: a customer's photos are kept by wadesk
// on arrival; once the provider has forgotten them (the simulator models
// the expiry of media IDs), the agent still opens every one, a range
// request answers 206, and opening the conversation asks the provider for
// no file at all (counted at the simulator).
func TestMediaKeptAfterProviderForgets(t *testing.T) {
	s := startDemo(t)
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
	from := firstCustomer(t, s)
	png := samplePNG(t)
	for i := range 19 {
		// Distinct files: one byte appended after the PNG's end.
		data := append(bytes.Clone(png), byte(i))
		simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from,
			"image": map[string]any{"data": base64.StdEncoding.EncodeToString(data), "mime_type": "image/png", "caption": fmt.Sprintf("photo %d", i+1)}})
	}
	openFirstConversation(t, agent, s)
	kept := `(async () => {
		const r = await fetch(location.pathname, {credentials: "same-origin"});
		const html = await r.text();
		const n = (html.match(/data-kind="image"/g) || []).length;
		return n === 20 && !html.includes("Downloading a copy") && !html.includes("could not download");
	})()`
	deadline := time.Now().Add(60 * time.Second)
	for {
		var done bool
		run(t, agent, "are the photos kept", chromedp.Evaluate(kept, &done, awaitPromise))
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the photos were not all kept within a minute")
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
	if forgot.Forgotten < 20 {
		t.Fatalf("the simulator forgot %d files, want at least 20", forgot.Forgotten)
	}
	var before, after struct{ Lookups, Downloads int }
	getJSON(t, s.SimURL+"/_sim/media/calls", &before)

	run(t, agent, "reopen the conversation", chromedp.Reload())
	poll(t, agent, "all 20 photos open from wadesk's store", `(() => {
		const imgs = [...document.querySelectorAll('[data-kind="image"] img[data-testid="message-image"]')];
		// The thread opens at its newest message; older photos load as
		// the agent scrolls up to them (lazy loading), as a person would.
		const waiting = imgs.find(i => !(i.complete && i.naturalWidth > 0));
		if (waiting) waiting.scrollIntoView();
		return imgs.length === 20 && !waiting;
	})()`)
	var status int
	run(t, agent, "a range request", chromedp.Evaluate(`(async () => {
		const src = document.querySelector('[data-kind="image"] img[data-testid="message-image"]').src;
		const r = await fetch(src, {headers: {Range: "bytes=0-7"}});
		return r.status;
	})()`, &status, awaitPromise))
	if status != http.StatusPartialContent {
		t.Errorf("range request: %d, want 206", status)
	}
	getJSON(t, s.SimURL+"/_sim/media/calls", &after)
	if after != before {
		t.Errorf("opening the conversation asked the provider for files: %+v → %+v", before, after)
	}
	checkAccessible(t, agent, "conversation with kept photos")

	// The admin sees what the media store holds.
	run(t, agent, "open Settings → Privacy",
		chromedp.Navigate(s.URL+"/settings/privacy"),
		chromedp.WaitVisible(byTestID("media-use"), chromedp.ByQuery))
	if got := textOf(t, agent, byTestID("media-kept")); got != "20" {
		t.Errorf("files kept = %q, want 20", got)
	}
	checkAccessible(t, agent, "privacy settings with the media store's use")
	checkNoSideScroll(t, agent, "privacy settings with the media store's use")
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
