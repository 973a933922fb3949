package handlers_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/wadesk/wadesk/i18n"
)

// TestEveryPageComesFromTheCatalog renders every GET page of routes.go in
// the pseudo-locale en-XA, where every catalog message is wrapped in ⟦ ⟧,
// and fails on visible text (text nodes, title, aria-label, placeholder,
// alt) with letters outside the markers: words written into a template or
// handler instead of the catalog, which no translation would reach.
//
// Seeded values (names, channel titles, customer messages) are excluded by
// their exact text, so nothing else slips through. A GET route added to
// routes.go without a case here fails the test: add a case (or, for a
// route that is not a page, a reason in notPages).
func TestEveryPageComesFromTheCatalog(t *testing.T) {
	s := startRenderSite(t)
	admin := s.signIn(s.adminMail)
	agent := s.signIn(s.agent)
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	conv := fmt.Sprint(s.conv)
	ch := fmt.Sprint(s.channelID())
	adminID := fmt.Sprint(s.userIDOf("admin@example.com"))

	type pageCase struct {
		path   string
		client *http.Client
	}
	cases := map[string][]pageCase{
		"/setup":                        {{"/setup", anon}},
		"/login":                        {{"/login", anon}},
		"/password/forgot":              {{"/password/forgot", anon}},
		"/password/reset":               {{"/password/reset?token=nope", anon}},
		"/inbox":                        {{"/inbox", admin}, {"/inbox", agent}},
		"/inbox/{id}":                   {{"/inbox/" + conv, admin}, {"/inbox/" + conv, agent}, {"/inbox/999999", agent}},
		"/inbox/{id}/messages":          {{"/inbox/" + conv + "/messages", agent}},
		"/inbox/{id}/template-form":     {{"/inbox/" + conv + "/template-form", agent}},
		"/inbox/{id}/orders":            {{"/inbox/" + conv + "/orders", agent}},
		"/inbox/{id}/products":          {{"/inbox/" + conv + "/products", agent}},
		"/inbox/list":                   {{"/inbox/list", agent}},
		"/inbox/{id}/actions":           {{"/inbox/" + conv + "/actions", admin}},
		"/inbox/{id}/notes":             {{"/inbox/" + conv + "/notes", agent}},
		"/account":                      {{"/account", admin}, {"/account", agent}},
		"/account/two-factor":           {{"/account/two-factor", agent}},
		"/account/alerts":               {{"/account/alerts", admin}},
		"/channels":                     {{"/channels", admin}, {"/channels", agent}},
		"/channels/new":                 {{"/channels/new", admin}},
		"/channels/{id}":                {{"/channels/" + ch, admin}},
		"/channels/{id}/edit":           {{"/channels/" + ch + "/edit", admin}},
		"/channels/{id}/dead-letters":   {{"/channels/" + ch + "/dead-letters", admin}},
		"/channels/{id}/profile":        {{"/channels/" + ch + "/profile", admin}},
		"/templates":                    {{"/templates", admin}},
		"/channels/{id}/templates":      {{"/channels/" + ch + "/templates", admin}},
		"/channels/{id}/templates/new":  {{"/channels/" + ch + "/templates/new", admin}},
		"/store":                        {{"/store", admin}},
		"/store/orders":                 {{"/store/orders", admin}},
		"/channels/{id}/store":          {{"/channels/" + ch + "/store", admin}},
		"/channels/{id}/store/products": {{"/channels/" + ch + "/store/products", admin}},
		"/channels/{id}/store/partners": {{"/channels/" + ch + "/store/partners", admin}},
		"/settings/general":             {{"/settings/general", admin}},
		"/settings/users":               {{"/settings/users", admin}},
		"/settings/users/new":           {{"/settings/users/new", admin}},
		"/settings/users/{id}":          {{"/settings/users/" + adminID, admin}},
		"/settings/security":            {{"/settings/security", admin}},
		"/settings/departments":         {{"/settings/departments", admin}},
		"/settings/email":               {{"/settings/email", admin}},
		"/settings/audit":               {{"/settings/audit", admin}},
		"/settings/privacy":             {{"/settings/privacy", admin}},
		"/no/such/page":                 {{"/no/such/page", admin}},
		"/quick-replies":                {{"/quick-replies", agent}, {"/quick-replies", admin}},
		"/contacts":                     {{"/contacts", admin}, {"/contacts", agent}},
		"/contacts/new":                 {{"/contacts/new", agent}},
		"/contacts/{id}":                {{"/contacts/1", admin}},
		"/contacts/{id}/start":          {{"/contacts/1/start", admin}},
		"/contacts/import":              {{"/contacts/import", admin}},
		"/channels/{id}/auto-replies":   {{"/channels/" + ch + "/auto-replies", admin}},
		"/campaigns":                    {{"/campaigns", admin}},
		"/campaigns/new":                {{"/campaigns/new", admin}},
		"/settings/pricing":             {{"/settings/pricing", admin}},
		"/insights":                     {{"/insights", admin}},
		"/settings/labels":              {{"/settings/labels", admin}},
		"/settings/api-keys":            {{"/settings/api-keys", admin}},
		"/settings/opt-out":             {{"/settings/opt-out", admin}},
	}
	// notPages are GET routes that answer with something other than a
	// page of text: redirects, streams, files, machine endpoints.
	notPages := map[string]string{
		"/webhooks/{channel}": "provider webhook verification (plain text for the provider)",
		"/healthz":            "machine health check", "/metrics": "Prometheus metrics", "/readyz": "machine readiness check",
		"/static/":                               "static files",
		"/{$}":                                   "redirects to the inbox",
		"/settings":                              "redirects to the first settings tab",
		"/inbox/{id}/events":                     "server-sent events stream",
		"/inbox/events":                          "server-sent events stream",
		"/inbox/alerts":                          "JSON for the page's sound and title alerts",
		"/inbox/{id}/media/{mid}":                "the media file itself",
		"/inbox/{id}/media/{mid}/size":           "a number for the download button",
		"/channels/new/pair/qr":                  "QR code image",
		"/channels/{id}/pair/qr":                 "QR code image",
		"/channels/{id}/profile/picture":         "the profile picture file",
		"/settings/privacy/contacts/{id}/export": "a JSON download",
		"/login/verify":                          "needs a half-finished two-step sign-in; covered by the sign-in flow",
		"/account/two-factor/recovery-codes":     "shown once right after the codes are made",
		"/inbox/{id}/media/{mid}/thumb":          "the photo's thumbnail file",
		"/settings/pricing/rates.csv":            "a CSV download",
		"/insights.csv":                          "a CSV download",
		"/contacts/export.csv":                   "a CSV download",
	}
	// knownGaps are pages this test does not cover yet, with why; each is
	// a visible debt, listed in the test output.
	knownGaps := map[string]string{
		"/channels/new/pair":                       "needs a QR-pairing wizard session (simulator)",
		"/channels/new/pair/status":                "needs a QR-pairing wizard session (simulator)",
		"/channels/{id}/pair":                      "needs a QR-pairing channel (simulator)",
		"/channels/{id}/pair/status":               "needs a QR-pairing channel (simulator)",
		"/channels/{id}/templates/{tid}":           "no template seeded in this site yet",
		"/channels/{id}/templates/{tid}/edit":      "no template seeded in this site yet",
		"/channels/{id}/templates/{tid}/duplicate": "no template seeded in this site yet",
		"/channels/{id}/store/products/{pid}/edit": "no product seeded in this site yet",
		"/quick-replies/{id}":                      "no quick reply seeded in this site yet",
		"/campaigns/{id}":                          "no campaign seeded in this site yet",
		"/campaigns/{id}/progress":                 "no campaign seeded in this site yet",
		"/contacts/import/{id}/map":                "needs an uploaded CSV file",
	}

	routes := getRoutes(t)
	for _, r := range routes {
		_, isCase := cases[r]
		_, isNot := notPages[r]
		_, isGap := knownGaps[r]
		if !isCase && !isNot && !isGap {
			t.Errorf("GET %s has no case in TestEveryPageComesFromTheCatalog: add one (or say why it is not a page)", r)
		}
	}
	gaps := make([]string, 0, len(knownGaps))
	for r, why := range knownGaps {
		gaps = append(gaps, r+" ("+why+")")
	}
	sort.Strings(gaps)
	t.Logf("known gaps, not checked yet: %s", strings.Join(gaps, "; "))

	seeded := []string{"Ada Admin", "Alex Agent", "admin@example.com", "agent@example.com", "Bakery", "Sales", "Support",
		"Ana", "Price?", "Old question", "the cake", "../../etc/pass\"wd.pdf", "wadesk"}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, route := range names {
		for _, c := range cases[route] {
			req, err := http.NewRequest(http.MethodGet, s.url+c.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Language", "en-XA")
			req.Header.Set("HX-Request", "")
			p := s.do(c.client, req)
			if p.status >= 300 && p.status < 400 {
				continue
			}
			for _, left := range untranslated(p.body, seeded) {
				t.Errorf("GET %s (%d): %q is not from the catalog", c.path, p.status, left)
			}
		}
	}
}

// getRoutes reads the GET patterns of routes.go.
func getRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`"GET (/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	if len(out) < 20 {
		t.Fatalf("found only %d GET routes in routes.go", len(out))
	}
	return out
}

var (
	letters = regexp.MustCompile(`\p{L}`)
	// Codes, addresses and zone names are not translated.
	notWords = regexp.MustCompile(`[A-Z][a-z]+/[A-Za-z_/ -]+ \(UTC[+-]\d\d:\d\d\)|https?://\S+|[\w.+-]+@[\w.-]+|\b[A-Z][a-z]+/[A-Za-z_/+-]+\b|\bUTC\b|\b[A-Z]{2,5}\b|\bwamid\.\S+|\b[a-z]{2}_[A-Z]{2}\b|\b[a-z]+\.(jpe?g|png|pdf|webp|mp4|ogg)\b`)
)

// untranslated returns the visible texts of an HTML page that have
// letters outside the pseudo-locale's markers.
func untranslated(body string, seeded []string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return []string{"unparsable page: " + err.Error()}
	}
	var out []string
	check := func(s string) {
		rest := outsideMarkers(s)
		for _, v := range seeded {
			rest = strings.ReplaceAll(rest, v, " ")
		}
		rest = notWords.ReplaceAllString(rest, " ")
		if letters.MatchString(rest) {
			out = append(out, strings.Join(strings.Fields(s), " "))
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "code", "kbd", "samp", "pre", "noscript":
				return
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "title", "aria-label", "placeholder", "alt":
					check(a.Val)
				}
			}
			// Customer content is marked dir="auto" and is not ours; a
			// language's own name in a menu carries its lang.
			for _, a := range n.Attr {
				if a.Key == "dir" && a.Val == "auto" || a.Key == "lang" && n.Data != "html" {
					return
				}
			}
		}
		if n.Type == html.TextNode {
			check(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// outsideMarkers drops every ⟦…⟧ span (nested ones too) from s.
func outsideMarkers(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch string(r) {
		case i18n.PseudoOpen:
			depth++
			continue
		case i18n.PseudoClose:
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *renderSite) channelID() int64 {
	s.t.Helper()
	var id int64
	if err := s.db.R.QueryRow("SELECT id FROM channels ORDER BY id LIMIT 1").Scan(&id); err != nil {
		s.t.Fatal(err)
	}
	return id
}

func (s *renderSite) userIDOf(email string) int64 {
	s.t.Helper()
	var id int64
	if err := s.db.R.QueryRow("SELECT id FROM users WHERE email = ?", email).Scan(&id); err != nil {
		s.t.Fatal(err)
	}
	return id
}
