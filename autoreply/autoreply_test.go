package autoreply_test

import (
	"testing"
	"time"

	"github.com/wadesk/wadesk/autoreply"
	"github.com/wadesk/wadesk/hours"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"  Preço?? ":             "preco",
		"Olá, QUANTO custa!":     "ola quanto custa",
		"crème brûlée—please…":   "creme brulee please",
		"Straße":                 "straße",
		"ÅNGSTRÖM":               "angstrom",
		"n°5":                    "n 5",
		"":                       "",
		"¿Dónde está mi pedido?": "donde esta mi pedido",
	} {
		if got := autoreply.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatches(t *testing.T) {
	for _, tc := range []struct {
		match        autoreply.Match
		phrase, text string
		want         bool
	}{
		{autoreply.Equals, "menu", "Menu", true},
		{autoreply.Equals, "menu", "MENU!!!", true},
		{autoreply.Equals, "menu", "the menu", false},
		{autoreply.Equals, "preco", "Preço?", true},
		{autoreply.Equals, "Preço", "preco", true},
		{autoreply.Contains, "price", "What's the PRICE of bread?", true},
		{autoreply.Contains, "price", "priceless", false},
		{autoreply.Contains, "opening hours", "your Opening-Hours please", true},
		{autoreply.Contains, "café", "um cafe por favor", true},
		{autoreply.StartsWith, "hi", "Hi! I need help", true},
		{autoreply.StartsWith, "hi", "history", false},
		{autoreply.StartsWith, "order status", "Order status: #123", true},
		{autoreply.StartsWith, "order", "my order", false},
		{autoreply.Contains, "", "anything", false},
		{autoreply.Contains, "?!", "?!", false},
		{autoreply.Match("regex"), "a", "a", false},
	} {
		if got := autoreply.Matches(tc.match, tc.phrase, tc.text); got != tc.want {
			t.Errorf("Matches(%s, %q, %q) = %v, want %v", tc.match, tc.phrase, tc.text, got, tc.want)
		}
	}
}

func TestFirstMatchByOrder(t *testing.T) {
	rules := []autoreply.Rule{
		{ID: 1, Position: 3, Enabled: true, Match: autoreply.Contains, Phrase: "order", Reply: "generic order"},
		{ID: 2, Position: 1, Enabled: true, Match: autoreply.Contains, Phrase: "order status", Reply: "status"},
		{ID: 3, Position: 0, Enabled: false, Match: autoreply.Contains, Phrase: "order", Reply: "switched off"},
		{ID: 4, Position: 1, Enabled: true, Match: autoreply.Contains, Phrase: "status", Reply: "same position, later id"},
		{ID: 5, Position: 2, Enabled: true, Match: autoreply.Equals, Phrase: "hours", Reply: "hours"},
	}
	for text, want := range map[string]string{
		"What's my ORDER status?": "status",
		"Another order please":    "generic order",
		"Status?":                 "same position, later id",
		"Hours!":                  "hours",
		"nothing here":            "",
	} {
		r, ok := autoreply.FirstMatch(rules, text)
		if got := r.Reply; !ok && want != "" || ok && got != want {
			t.Errorf("FirstMatch(%q) = %q (%v), want %q", text, got, ok, want)
		}
	}
}

func TestDecide(t *testing.T) {
	lisbon, _ := time.LoadLocation("Europe/Lisbon")
	sched, err := hours.New("Europe/Lisbon", "mon 09:00-18:00\ntue 09:00-18:00\nwed 09:00-18:00\nthu 09:00-18:00\nfri 09:00-18:00", "")
	if err != nil {
		t.Fatal(err)
	}
	open := time.Date(2026, 12, 7, 10, 0, 0, 0, lisbon)
	closed := time.Date(2026, 12, 7, 20, 0, 0, 0, lisbon)
	laterClosed := time.Date(2026, 12, 7, 23, 0, 0, 0, lisbon)
	nextClosed := time.Date(2026, 12, 8, 19, 0, 0, 0, lisbon)
	s := autoreply.Settings{GreetingOn: true, GreetingText: "Welcome!", AwayOn: true, AwayText: "We're closed.", Hours: &sched,
		RulesOn: true, Rules: []autoreply.Rule{{ID: 1, Enabled: true, Match: autoreply.Contains, Phrase: "menu", Reply: "Here it is", Options: []string{"a", "b", "c", "d"}, DepartmentID: 7}}}

	p := autoreply.Decide(s, autoreply.Message{Text: "hello", SentAt: open, First: true, WindowOpen: true}, open)
	if p.Greeting != "Welcome!" || p.Away != "" || p.Rule != nil {
		t.Errorf("first message in hours: %+v", p)
	}
	p = autoreply.Decide(s, autoreply.Message{Text: "the menu?", SentAt: closed, WindowOpen: true}, closed)
	if p.Greeting != "" || p.Away != "We're closed." || p.Rule == nil || p.Rule.ID != 1 {
		t.Errorf("second message after hours: %+v", p)
	}
	q := autoreply.Decide(s, autoreply.Message{Text: "x", SentAt: laterClosed, WindowOpen: true}, laterClosed)
	if q.AwayPeriod != p.AwayPeriod {
		t.Errorf("one evening is one closed period: %q and %q", p.AwayPeriod, q.AwayPeriod)
	}
	r := autoreply.Decide(s, autoreply.Message{Text: "x", SentAt: nextClosed, WindowOpen: true}, nextClosed)
	if r.AwayPeriod == p.AwayPeriod {
		t.Error("the next evening is a new closed period")
	}
	// A webhook retried after an outage: nothing.
	p = autoreply.Decide(s, autoreply.Message{Text: "menu", SentAt: closed.Add(-2 * time.Hour), First: true, WindowOpen: true}, closed)
	if p.Greeting != "" || p.Away != "" || p.Rule != nil || p.Skipped != autoreply.SkipOld {
		t.Errorf("an old message: %+v", p)
	}
	// Four minutes late is still answered.
	p = autoreply.Decide(s, autoreply.Message{Text: "menu", SentAt: closed.Add(-4 * time.Minute), WindowOpen: true}, closed)
	if p.Rule == nil {
		t.Errorf("a message four minutes old: %+v", p)
	}
	// Outside the window: no reply, but the rule still assigns.
	p = autoreply.Decide(s, autoreply.Message{Text: "menu", SentAt: closed, First: true, WindowOpen: false}, closed)
	if p.Greeting != "" || p.Away != "" || p.Rule == nil || p.Rule.Reply != "" || p.Rule.Options != nil || p.Rule.DepartmentID != 7 {
		t.Errorf("window closed: %+v", p)
	}
	// Switched off.
	off := s
	off.GreetingOn, off.AwayOn, off.RulesOn = false, false, false
	p = autoreply.Decide(off, autoreply.Message{Text: "menu", SentAt: closed, First: true, WindowOpen: true}, closed)
	if p.Greeting != "" || p.Away != "" || p.Rule != nil {
		t.Errorf("everything switched off: %+v", p)
	}
	// Business hours judged at a pinned time (end-to-end tests): a message
	// sent now during opening hours gets the away message when the pinned
	// time is after hours, and none the other way round; its age is still
	// measured against now.
	pinned := s
	pinned.HoursNow = closed
	if p := autoreply.Decide(pinned, autoreply.Message{Text: "x", SentAt: open, WindowOpen: true}, open); p.Away == "" || p.Skipped != "" {
		t.Errorf("pinned after hours: %+v", p)
	}
	pinned.HoursNow = open
	if p := autoreply.Decide(pinned, autoreply.Message{Text: "x", SentAt: closed, WindowOpen: true}, closed); p.Away != "" {
		t.Errorf("pinned inside hours: %+v", p)
	}
	// No business hours: never away.
	noHours := s
	noHours.Hours = nil
	if p := autoreply.Decide(noHours, autoreply.Message{Text: "x", SentAt: closed, WindowOpen: true}, closed); p.Away != "" {
		t.Errorf("without hours: %+v", p)
	}
}
