package providers

import (
	"strings"
	"testing"
)

func TestPhoneNumberUsable(t *testing.T) {
	tests := []struct {
		name   string
		p      PhoneNumber
		ok     bool
		reason string // substring; "" means reason must be empty
	}{
		{"connected and verified", PhoneNumber{Status: "CONNECTED", CodeVerificationStatus: "VERIFIED", QualityRating: "GREEN"}, true, ""},
		{"linked (phone_numbers edge)", PhoneNumber{Status: "LINKED", CodeVerificationStatus: "VERIFIED"}, true, ""},
		{"connected, registered before code check", PhoneNumber{Status: "CONNECTED", CodeVerificationStatus: "NOT_VERIFIED"}, true, ""},
		{"banned", PhoneNumber{Status: "BANNED"}, false, "banned"},
		{"deleted", PhoneNumber{Status: "DELETED"}, false, "deleted"},
		{"disconnected", PhoneNumber{Status: "DISCONNECTED"}, false, "not connected"},
		{"unlinked", PhoneNumber{Status: "UNLINKED"}, false, "not connected"},
		{"migrated", PhoneNumber{Status: "MIGRATED"}, false, "moved"},
		{"pending", PhoneNumber{Status: "PENDING", CodeVerificationStatus: "NOT_VERIFIED"}, false, "not finished"},
		{"unverified", PhoneNumber{Status: "UNVERIFIED"}, false, "not been verified"},
		{"flagged", PhoneNumber{Status: "FLAGGED"}, true, "7 days"},
		{"restricted", PhoneNumber{Status: "RESTRICTED"}, true, "messaging limit"},
		{"rate limited", PhoneNumber{Status: "RATE_LIMITED"}, true, "slowing"},
		{"no status, code not verified", PhoneNumber{CodeVerificationStatus: "NOT_VERIFIED"}, false, "code verification"},
		{"no status, code expired", PhoneNumber{CodeVerificationStatus: "EXPIRED"}, false, "code verification"},
		{"no status, verified", PhoneNumber{CodeVerificationStatus: "VERIFIED"}, true, ""},
		{"sandbox", PhoneNumber{Status: "CONNECTED", AccountMode: "SANDBOX"}, true, "test number"},
		{"red quality", PhoneNumber{Status: "CONNECTED", QualityRating: "RED"}, true, "quality rating"},
		{"tier status", PhoneNumber{Status: "MESSAGING_LIMIT_TIER_2"}, true, ""},
		{"unknown status", PhoneNumber{Status: "SOMETHING_NEW"}, true, "SOMETHING_NEW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := tt.p.Usable()
			if ok != tt.ok {
				t.Errorf("Usable() ok = %v, want %v (reason %q)", ok, tt.ok, reason)
			}
			if tt.reason == "" && reason != "" {
				t.Errorf("reason = %q, want none", reason)
			}
			if tt.reason != "" && !strings.Contains(reason, tt.reason) {
				t.Errorf("reason = %q, want it to contain %q", reason, tt.reason)
			}
			if !ok && reason == "" {
				t.Error("an unusable number needs a reason")
			}
		})
	}
}

func TestMessagingLimitText(t *testing.T) {
	tests := map[string]string{
		"TIER_50":        "50 customers",
		"TIER_250":       "250 customers",
		"TIER_1K":        "2,000 customers",
		"TIER_2K":        "2,000 customers",
		"TIER_10K":       "10,000 customers",
		"TIER_100K":      "100,000 customers",
		"TIER_UNLIMITED": "Unlimited",
		"":               "",
		"TIER_WHAT":      "",
	}
	for tier, want := range tests {
		got := PhoneNumber{MessagingLimitTier: tier}.MessagingLimit()
		if (want == "" && got != "") || !strings.HasPrefix(got, want) {
			t.Errorf("MessagingLimit(%q) = %q, want prefix %q", tier, got, want)
		}
	}
}

func TestBusinessProfileValidate(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name string
		p    BusinessProfile
		bad  string // substring of the error; "" means valid
	}{
		{"empty", BusinessProfile{}, ""},
		{"full", BusinessProfile{About: long(139), Address: long(256), Description: long(512), Email: "a@b.example",
			Websites: []string{"https://a.example", "http://b.example/x"}, Vertical: "RETAIL"}, ""},
		{"about too long", BusinessProfile{About: long(140)}, "About"},
		{"description too long", BusinessProfile{Description: long(513)}, "Description"},
		{"address too long", BusinessProfile{Address: long(257)}, "Address"},
		{"bad email", BusinessProfile{Email: "not an email"}, "Email"},
		{"three websites", BusinessProfile{Websites: []string{"https://a.example", "https://b.example", "https://c.example"}}, "websites"},
		{"website without scheme", BusinessProfile{Websites: []string{"a.example"}}, "http"},
		{"bad vertical", BusinessProfile{Vertical: "SPACESHIPS"}, "Category"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.bad == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.bad) {
				t.Fatalf("Validate() = %v, want an error about %q", err, tt.bad)
			}
		})
	}
	if len(Verticals()) < 17 || !ValidVertical("RESTAURANT") {
		t.Error("Verticals must list Meta's categories")
	}
}

func TestVerticalLabels(t *testing.T) {
	// The labels WhatsApp shows for the categories of the issue.
	want := map[string]string{"AUTO": "Automotive", "BEAUTY": "Beauty, Spa and Salon", "APPAREL": "Clothing and Apparel",
		"EDU": "Education", "ENTERTAIN": "Entertainment", "EVENT_PLAN": "Event Planning and Service", "FINANCE": "Finance and Banking",
		"GROCERY": "Food and Grocery", "GOVT": "Public Service", "HOTEL": "Hotel and Lodging", "HEALTH": "Medical and Health",
		"NONPROFIT": "Non-profit", "PROF_SERVICES": "Professional Services", "RETAIL": "Shopping and Retail",
		"TRAVEL": "Travel and Transportation", "RESTAURANT": "Restaurant", "OTHER": "Other"}
	for code, label := range want {
		if got := VerticalLabel(code); got != label {
			t.Errorf("VerticalLabel(%q) = %q, want %q", code, got, label)
		}
	}
	for _, code := range []string{"", "UNDEFINED", "SPACESHIPS"} {
		if got := VerticalLabel(code); got != "" {
			t.Errorf("VerticalLabel(%q) = %q, want none", code, got)
		}
	}
	seen := map[string]bool{}
	for _, v := range Verticals() {
		if seen[v.Code] || v.Label == "" {
			t.Errorf("vertical %+v repeated or unlabelled", v)
		}
		seen[v.Code] = true
	}
	if vs := Verticals(); vs[len(vs)-1].Code != "OTHER" {
		t.Error("Other should come last in the picker")
	}
}
