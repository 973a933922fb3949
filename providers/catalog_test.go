package providers

import (
	"strings"
	"testing"
)

func TestCatalog(t *testing.T) {
	want := []ProviderID{MetaCloud, Dialog360, Twilio, MessageBird, Vonage, Maytapi, CloudCompatible}
	cat := Catalog()
	if len(cat) != len(want) {
		t.Fatalf("catalog has %d providers, want %d", len(cat), len(want))
	}
	for i, d := range cat {
		if d.ID != want[i] {
			t.Errorf("catalog[%d] = %q, want %q", i, d.ID, want[i])
		}
		for field, v := range map[string]string{"Name": d.Name, "MonthlyFee": d.MonthlyFee,
			"MessagingPricing": d.MessagingPricing, "MessagingLimit": d.MessagingLimit, "Summary": d.Summary,
			"Availability": d.Availability} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", d.ID, field)
			}
		}
		if d.Available {
			t.Errorf("%s: Available in the bare catalog; only a registry marks adapters available", d.ID)
		}
		if !d.Available {
			if d.Availability != "Not available yet" {
				t.Errorf("%s: Availability = %q", d.ID, d.Availability)
			}
			if d.Capabilities.Len() != 0 {
				t.Errorf("%s: unavailable provider reports capabilities", d.ID)
			}
		}
	}

	meta, ok := Describe(MetaCloud)
	if !ok {
		t.Fatal("Describe(meta_cloud) not found")
	}
	if !meta.Official || meta.MonthlyFee != "No monthly fee" {
		t.Errorf("Cloud API: official %v, fee %q", meta.Official, meta.MonthlyFee)
	}
	for _, s := range []string{"250", "2,000", "10,000", "100,000", "unlimited"} {
		if !strings.Contains(meta.MessagingLimit, s) {
			t.Errorf("Cloud API limit %q lacks tier %q", meta.MessagingLimit, s)
		}
	}
	if !strings.Contains(meta.MessagingPricing, "1 July 2025") || !strings.Contains(meta.MessagingPricing, "per-message") {
		t.Errorf("Cloud API pricing %q must name per-message pricing since 1 July 2025", meta.MessagingPricing)
	}
	if !CloudAPICapabilities().HasAll(AllCapabilities()...) {
		t.Error("Cloud API should report every capability")
	}

	may, _ := Describe(Maytapi)
	if may.Official {
		t.Error("Maytapi is unofficial")
	}
	if !strings.Contains(may.MonthlyFee, "Fixed") || !strings.Contains(may.MessagingLimit, "day") {
		t.Errorf("Maytapi: fee %q, limit %q: want a fixed fee and a daily cap", may.MonthlyFee, may.MessagingLimit)
	}
	if _, ok := Describe("nope"); ok {
		t.Error("Describe(unknown) found something")
	}

	// Catalog returns fresh values: editing one must not leak into the next call.
	cat[0].Name = "changed"
	if Catalog()[0].Name == "changed" {
		t.Error("Catalog shares state between calls")
	}
}

func TestCapabilities(t *testing.T) {
	var zero Capabilities
	if zero.Has(CapSendText) || zero.Len() != 0 || len(zero.List()) != 0 {
		t.Error("zero Capabilities is not empty")
	}
	s := NewCapabilities(CapSendText, CapMarkRead, "custom_b", "custom_a")
	if !s.Has(CapSendText) || s.Has(CapSendMedia) {
		t.Error("Has is wrong")
	}
	got := s.List()
	want := []Capability{CapSendText, CapMarkRead, "custom_a", "custom_b"}
	if len(got) != len(want) {
		t.Fatalf("List() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("List() = %v, want %v", got, want)
		}
	}
	s2 := s.With(CapMedia)
	if s.Has(CapMedia) || !s2.Has(CapMedia) || !s2.Has(CapSendText) {
		t.Error("With must return a new set and leave the original unchanged")
	}
	for _, c := range AllCapabilities() {
		if c.Label() == string(c) {
			t.Errorf("capability %q has no label", c)
		}
	}
}
