package health

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

func TestAssess(t *testing.T) {
	now := time.Date(2026, 1, 2, 9, 30, 0, 0, time.UTC)
	healthy := providers.PhoneNumber{Status: "CONNECTED", QualityRating: "GREEN", CodeVerificationStatus: "VERIFIED", AccountMode: "LIVE"}
	with := func(f func(*providers.PhoneNumber)) providers.PhoneNumber {
		p := healthy
		f(&p)
		return p
	}
	metaErr := func(kind providers.ErrorKind, code int) error {
		return fmt.Errorf("cloudapi: get phone number: %w", &providers.Error{Provider: providers.MetaCloud, Op: providers.OpGetPhoneNumber, Kind: kind, Code: code})
	}
	const unreachable = "Could not reach the provider at 09:30 UTC; will try again."

	for _, tc := range []struct {
		name      string
		pn        providers.PhoneNumber
		err       error
		transient bool
		state     string
		reason    string // substring
	}{
		{name: "healthy", pn: healthy, state: store.ChannelConnected},
		{name: "tier status", pn: with(func(p *providers.PhoneNumber) { p.Status = "MESSAGING_LIMIT_TIER_2" }), state: store.ChannelConnected},
		{name: "sandbox", pn: with(func(p *providers.PhoneNumber) { p.AccountMode = "SANDBOX" }), state: store.ChannelConnected, reason: "test number"},
		{name: "banned", pn: with(func(p *providers.PhoneNumber) { p.Status = "BANNED" }), state: store.ChannelDisconnected, reason: "banned"},
		{name: "disconnected", pn: with(func(p *providers.PhoneNumber) { p.Status = "DISCONNECTED" }), state: store.ChannelDisconnected, reason: "not connected"},
		{name: "unlinked", pn: with(func(p *providers.PhoneNumber) { p.Status = "UNLINKED" }), state: store.ChannelDisconnected, reason: "not connected"},
		{name: "deleted", pn: with(func(p *providers.PhoneNumber) { p.Status = "DELETED" }), state: store.ChannelDisconnected, reason: "deleted"},
		{name: "migrated", pn: with(func(p *providers.PhoneNumber) { p.Status = "MIGRATED" }), state: store.ChannelDisconnected, reason: "moved"},
		{name: "flagged", pn: with(func(p *providers.PhoneNumber) { p.Status = "FLAGGED" }), state: store.ChannelNeedsAttention, reason: "flagged"},
		{name: "restricted", pn: with(func(p *providers.PhoneNumber) { p.Status = "RESTRICTED" }), state: store.ChannelNeedsAttention, reason: "messaging limit"},
		{name: "rate limited", pn: with(func(p *providers.PhoneNumber) { p.Status = "RATE_LIMITED" }), state: store.ChannelNeedsAttention, reason: "slowing down"},
		{name: "quality red", pn: with(func(p *providers.PhoneNumber) { p.QualityRating = "RED" }), state: store.ChannelNeedsAttention, reason: "quality rating"},
		{name: "quality red in sandbox", pn: with(func(p *providers.PhoneNumber) { p.QualityRating = "RED"; p.AccountMode = "SANDBOX" }), state: store.ChannelNeedsAttention, reason: "quality rating"},
		{name: "pending", pn: with(func(p *providers.PhoneNumber) { p.Status = "PENDING" }), state: store.ChannelNeedsAttention, reason: "not finished"},
		{name: "unknown status", pn: with(func(p *providers.PhoneNumber) { p.Status = "SOMETHING_NEW" }), state: store.ChannelNeedsAttention, reason: "SOMETHING_NEW"},

		{name: "token rejected 190", err: metaErr(providers.ErrorKindAuth, 190), state: store.ChannelDisconnected, reason: "Meta rejected the access token (error 190)"},
		{name: "not found", err: metaErr(providers.ErrorKindNotFound, 100), state: store.ChannelDisconnected, reason: "no longer shows this number"},
		{name: "permission", err: metaErr(providers.ErrorKindPermission, 10), state: store.ChannelNeedsAttention, reason: "missing a permission"},
		{name: "account restricted", err: metaErr(providers.ErrorKindAccountRestricted, 368), state: store.ChannelNeedsAttention, reason: "restricted"},
		{name: "unknown provider error", err: metaErr(providers.ErrorKindUnknown, 12345), state: store.ChannelNeedsAttention, reason: "The last check failed"},
		{name: "network", err: fmt.Errorf("x: %w", providers.NewNetworkError(providers.MetaCloud, providers.OpGetPhoneNumber, errors.New("connection refused"))), transient: true, reason: unreachable},
		{name: "server 5xx", err: metaErr(providers.ErrorKindServer, 0), transient: true, reason: unreachable},
		{name: "temporary", err: metaErr(providers.ErrorKindTemporary, 2), transient: true, reason: unreachable},
		{name: "api rate limit", err: metaErr(providers.ErrorKindRateLimit, 80007), transient: true, reason: unreachable},
		{name: "timeout", err: fmt.Errorf("cloudapi: get phone number: %w", context.DeadlineExceeded), transient: true, reason: unreachable},
		{name: "missing number ID", err: &providers.ValidationError{Err: errors.New("an ID is missing")}, state: store.ChannelNeedsAttention, reason: "An ID is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := assess(providers.MetaCloud, "Sales", tc.pn, tc.err, now)
			if f.transient != tc.transient {
				t.Fatalf("transient = %t, want %t (%+v)", f.transient, tc.transient, f)
			}
			if !tc.transient && f.state != tc.state {
				t.Errorf("state = %q, want %q (reason %q)", f.state, tc.state, f.reason)
			}
			if !strings.Contains(f.reason, tc.reason) {
				t.Errorf("reason = %q, want it to contain %q", f.reason, tc.reason)
			}
			if f.state == store.ChannelDisconnected && f.action == "" {
				t.Error("a disconnection without advice")
			}
		})
	}
}

func TestAlertMessageEscapesHTML(t *testing.T) {
	c, err := New(Config{DB: &store.DB{}, Connect: func(providers.Credentials) (NumberGetter, error) { return nil, nil },
		BaseURL: &url.URL{Scheme: "https", Host: "desk.example.com", Path: "/wa"}})
	if err != nil {
		t.Fatal(err)
	}
	ch := store.Channel{ID: 7, Title: `Sales & <b>Support</b>`, DisplayPhoneNumber: "+1 555 0100", AlertEmails: []string{"ops@example.com"}}
	f := finding{state: store.ChannelDisconnected, reason: `Meta said <script>alert(1)</script>`, action: "Do X & Y."}
	m, err := c.alertMessage(context.Background(), "", ch, store.AlertDisconnected, f, time.Date(2026, 1, 2, 14, 5, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "wadesk: Sales & <b>Support</b> (+1 555 0100) is disconnected" {
		t.Errorf("subject = %q", m.Subject)
	}
	for _, bad := range []string{"<script>", "<b>Support</b>", "X & Y"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML contains unescaped %q:\n%s", bad, m.HTML)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "Sales &amp; &lt;b&gt;Support&lt;/b&gt;", `href="https://desk.example.com/wa/channels/7"`} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
		}
	}
	// The text part is plain text: nothing to escape.
	if !strings.Contains(m.Text, "Meta said <script>alert(1)</script>") || !strings.Contains(m.Text, "https://desk.example.com/wa/channels/7") {
		t.Errorf("text:\n%s", m.Text)
	}

	r, err := c.alertMessage(context.Background(), "", ch, store.AlertRecovered, finding{state: store.ChannelNeedsAttention, reason: "Quality is low."}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(r.Subject, "works again") || !strings.Contains(r.Text, "Still worth a look:\nQuality is low.") {
		t.Errorf("recovery with a warning: %q\n%s", r.Subject, r.Text)
	}
}
