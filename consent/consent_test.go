package consent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	optedOut := State{MarketingOptedOutAt: &at, OptOutSource: "keyword:STOP"}
	cases := []struct {
		name     string
		s        State
		category string
		code     string
	}{
		{"nothing recorded, marketing", State{}, "MARKETING", ""},
		{"opted out, marketing", optedOut, "MARKETING", CodeMarketingOptedOut},
		{"opted out, marketing lower case", optedOut, " marketing ", CodeMarketingOptedOut},
		{"opted out, utility", optedOut, "UTILITY", ""},
		{"opted out, free-form", optedOut, "", ""},
		{"blocked, utility", State{Blocked: true}, "UTILITY", CodeBlocked},
		{"blocked, free-form", State{Blocked: true}, "", CodeBlocked},
	}
	for _, c := range cases {
		err := Check(context.Background(), c.s, c.category)
		var re *RefusedError
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.code != "" && (!errors.As(err, &re) || re.Code != c.code):
			t.Errorf("%s: err = %v, want code %s", c.name, err, c.code)
		}
	}
	err := Check(context.Background(), optedOut, "MARKETING")
	if !strings.Contains(err.Error(), `“STOP”`) || !strings.Contains(err.Error(), "2026") {
		t.Errorf("reason = %q, want how and when", err)
	}
}

func TestMatchKeyword(t *testing.T) {
	kws := []Keyword{{"STOP", "en"}, {"unsubscribe", "en"}, {"BAJA", "es"}, {"stop all", "en"}}
	for text, want := range map[string]string{
		"stop":                       "STOP",
		"  Stop!  ":                  "STOP",
		"UNSUBSCRIBE.":               "unsubscribe",
		"baja":                       "BAJA",
		"STOP   ALL":                 "stop all",
		"please stop sending offers": "",
		"stopped":                    "",
		"":                           "",
		"!!!":                        "",
	} {
		k, ok := MatchKeyword(text, kws)
		if ok != (want != "") || k.Keyword != want {
			t.Errorf("MatchKeyword(%q) = %q, %v; want %q", text, k.Keyword, ok, want)
		}
	}
}

func TestStopButtonAndValidKeyword(t *testing.T) {
	if !IsStopButton("Stop promotions", "") || !IsStopButton("", "STOP PROMOTIONS") || IsStopButton("Yes", "yes") {
		t.Error("IsStopButton")
	}
	if c, p := ValidKeyword("  stop   now "); c != "stop now" || p != "" {
		t.Errorf("ValidKeyword = %q, %q", c, p)
	}
	for _, bad := range []string{"", "  ", "!!", "one two three four", strings.Repeat("x", 31)} {
		if _, p := ValidKeyword(bad); p == "" {
			t.Errorf("ValidKeyword(%q) accepted", bad)
		}
	}
}
