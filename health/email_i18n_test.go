package health

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// TestAlertMailComesFromTheCatalog writes both channel alerts in the
// pseudo-locale en-XA and fails on words outside the catalog's markers
// (the channel's name, the link and the given reason aside).
func TestAlertMailComesFromTheCatalog(t *testing.T) {
	c, err := New(Config{DB: &store.DB{}, Connect: func(providers.Credentials) (NumberGetter, error) { return nil, nil },
		BaseURL: &url.URL{Scheme: "https", Host: "desk.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	ch := store.Channel{ID: 7, Title: "Bakery", DisplayPhoneNumber: "+1 555 0100", AlertEmails: []string{"ops@example.com"}}
	notWords := regexp.MustCompile(`Bakery|https?://\S+|\bUTC\b|<[^>]*>|&[a-z#0-9]+;|DOCTYPE`)
	letters := regexp.MustCompile(`\p{L}`)
	for _, kind := range []string{store.AlertDisconnected, store.AlertRecovered} {
		f := finding{state: store.ChannelNeedsAttention, reason: "⟦1⟧", action: "⟦2⟧"}
		m, err := c.alertMessage(context.Background(), "en-XA", ch, kind, f, time.Date(2026, 1, 2, 14, 5, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		for what, body := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
			rest := notWords.ReplaceAllString(outside(body), " ")
			if letters.MatchString(rest) {
				t.Errorf("%s alert, %s: words outside the catalog: %q", kind, what, strings.Join(strings.Fields(rest), " "))
			}
		}
	}
}

func outside(s string) string {
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
