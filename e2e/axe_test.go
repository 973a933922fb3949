package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, Deque's accessibility rules engine, vendored whole
// from its npm package (see testdata/axe-core/README.md) and injected into
// the page under test by the DevTools protocol, which the page's CSP does
// not govern.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// The widths every page is checked at: a laptop and a small phone.
var (
	desktopWidth = viewport{"desktop", 1440, 900}
	phoneWidth   = viewport{"phone", 390, 844}
)

type viewport struct {
	name          string
	width, height int64
}

// at resizes the page to the viewport, the way a phone or a window would.
func (v viewport) at() chromedp.Action {
	return chromedp.EmulateViewport(v.width, v.height)
}

// axeViolation is the part of an axe-core result a failure message needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeViolations runs axe-core's WCAG 2.0–2.2 A and AA rules on the current
// page and returns the serious and critical violations.
func axeViolations(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	var loaded bool
	run(t, ctx, "is axe loaded", chromedp.Evaluate(`typeof window.axe === "object"`, &loaded))
	if !loaded {
		run(t, ctx, "load axe-core", chromedp.Evaluate(axeSource, nil))
	}
	// Judge the page as a person sees it once it is still: an htmx request
	// in flight draws its form or thread faded, and a new bubble fades in,
	// and axe would measure the contrast of the half-drawn frame. A page
	// that never settles (a live poll) is judged after 10 s as it is.
	_ = chromedp.Run(ctx, chromedp.Poll(`!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added") &&
		document.getAnimations().every(a => a.playState !== "running" || (a.effect && a.effect.getComputedTiming().iterations === Infinity))`,
		nil, chromedp.WithPollingTimeout(10*time.Second)))
	var raw string
	run(t, ctx, "run axe-core", chromedp.Evaluate(`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
		resultTypes: ["violations"]
	}).then(r => JSON.stringify(r.violations))`, &raw, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	var all []axeViolation
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		t.Fatalf("axe-core result: %v", err)
	}
	var bad []axeViolation
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v)
		}
	}
	return bad
}

// checkAccessible fails the test for every serious or critical axe-core
// violation on the current page, naming the elements.
func checkAccessible(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	for _, v := range axeViolations(t, ctx) {
		var where []string
		for i, n := range v.Nodes {
			if i == 5 {
				where = append(where, fmt.Sprintf("… %d more", len(v.Nodes)-5))
				break
			}
			where = append(where, fmt.Sprint(n.Target...)+" ("+firstLine(n.FailureSummary)+")")
		}
		t.Errorf("%s: axe %s [%s]: %s\n\t%s", page, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
	}
}

// checkNoSideScroll fails when the page is wider than the viewport, so that
// a person would have to scroll sideways to read it.
func checkNoSideScroll(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	var dims struct {
		Scroll int      `json:"scroll"`
		Client int      `json:"client"`
		Wide   []string `json:"wide"`
	}
	run(t, ctx, "measure width", chromedp.Evaluate(`(() => {
		const root = document.documentElement, vw = root.clientWidth;
		const wide = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > vw + 1 && wide.length < 5) {
				wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
					(el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
					" right=" + Math.round(r.right));
			}
		}
		return {scroll: root.scrollWidth, client: vw, wide};
	})()`, &dims))
	if dims.Scroll > dims.Client+1 {
		t.Errorf("%s: the page is %d px wide in a %d px viewport and scrolls sideways; widest: %s",
			page, dims.Scroll, dims.Client, strings.Join(dims.Wide, ", "))
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}
