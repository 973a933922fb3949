package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// The outbox asks the consent rule: an opted-out contact gets no
// marketing template (a utility one and a reply still go), a blocked one
// gets nothing.
func TestConsentIsEnforcedAtEnqueue(t *testing.T) {
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	ctx := context.Background()
	for _, r := range []store.TemplateRecord{
		{ProviderTemplateID: "t1", Name: "spring_sale", Language: "en_US", Category: "MARKETING", Status: "APPROVED", ComponentsJSON: "[]"},
		{ProviderTemplateID: "t2", Name: "order_update", Language: "en_US", Category: "UTILITY", Status: "APPROVED", ComponentsJSON: "[]"},
	} {
		if _, err := f.db.SaveTemplate(ctx, f.channel, r); err != nil {
			t.Fatal(err)
		}
	}
	conv := f.conversationAt(t, "16505550009", time.Now())
	c, err := f.db.ConsentOfConversation(ctx, conv)
	if err != nil {
		t.Fatal(err)
	}
	sale := providers.OutboundMessage{Template: &providers.TemplateMessage{Name: "spring_sale", Language: "en_US"}}
	update := providers.OutboundMessage{Template: &providers.TemplateMessage{Name: "order_update", Language: "en_US"}}
	if _, err := outbox.Enqueue(ctx, f.db, conv, sale); err != nil {
		t.Fatalf("marketing before any opt-out: %v", err)
	}
	at := time.Now()
	if err := f.db.SetMarketingOptOut(ctx, c.ContactID, &at, "keyword:STOP"); err != nil {
		t.Fatal(err)
	}
	var refused *consent.RefusedError
	if _, err := outbox.Enqueue(ctx, f.db, conv, sale); !errors.As(err, &refused) || refused.Code != consent.CodeMarketingOptedOut {
		t.Fatalf("marketing after opt-out: %v, want refused", err)
	}
	for name, msg := range map[string]providers.OutboundMessage{"utility": update, "reply": text("Done, you are unsubscribed")} {
		if _, err := outbox.Enqueue(ctx, f.db, conv, msg); err != nil {
			t.Errorf("%s to an opted-out contact: %v", name, err)
		}
	}
	if err := f.db.SetContactBlocked(ctx, c.ContactID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := outbox.Enqueue(ctx, f.db, conv, update); !errors.As(err, &refused) || refused.Code != consent.CodeBlocked {
		t.Fatalf("utility to a blocked contact: %v, want refused", err)
	}
	if got := len(outbound(t, f.db, conv)); got != 3 {
		t.Fatalf("%d messages stored, want 3 (the refused ones are not)", got)
	}
}
