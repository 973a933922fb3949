package limits_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/limits"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

type fakeMail struct {
	mu   sync.Mutex
	sent []mailer.Message
}

func (f *fakeMail) Send(_ context.Context, m mailer.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakeMail) subjects() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		out = append(out, m.Subject)
	}
	return out
}

const (
	waba     = "104500000000011"
	business = "512300000000001"
)

func setup(t *testing.T) (*store.DB, *limits.Monitor, *fakeMail, store.Channel) {
	t.Helper()
	db := storetest.Open(t)
	ctx := context.Background()
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud", BusinessID: business,
		WABAID: waba, PhoneNumberID: "109900000000001", DisplayPhoneNumber: "+1 555-010-0001", QualityRating: "GREEN",
		Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: "Bakery", AlertEmails: []string{"owner@example.com"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveTemplate(ctx, ch.ID, store.TemplateRecord{ProviderTemplateID: "777", Name: "order_ready", Language: "en_US",
		Category: "UTILITY", Status: "APPROVED", ComponentsJSON: `[{"type":"BODY","text":"Your order is ready"}]`}); err != nil {
		t.Fatal(err)
	}
	if ch, err = db.ChannelByID(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	mail := &fakeMail{}
	return db, &limits.Monitor{DB: db, Mail: mail}, mail, ch
}

// body wraps one change as Meta sends it (entry time 1 Dec 2026 12:00 UTC).
func body(field, value string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + waba + `","time":1796126400,"changes":[{"field":"` +
		field + `","value":` + value + `}]}]}`)
}

var entryTime = time.Unix(1796126400, 0).UTC()

func apply(t *testing.T, m *limits.Monitor, b []byte) {
	t.Helper()
	batch, err := cloudapi.ParseWebhook(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Unknown) != 0 {
		t.Fatalf("change not understood: %+v", batch.Unknown)
	}
	if err := m.ApplyWebhook(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
}

func TestWebhookBusinessCapabilityUpdate(t *testing.T) {
	db, m, _, _ := setup(t)
	apply(t, m, body("business_capability_update", `{"max_daily_conversation_per_phone":2000,"max_daily_conversations_per_business":2000,"max_phone_numbers_per_business":2}`))
	l, err := db.PortfolioLimitOf(context.Background(), business)
	if err != nil || l.Customers != 2000 || l.Source != "webhook" {
		t.Fatalf("limit = %+v, %v", l, err)
	}
	apply(t, m, body("business_capability_update", `{"max_daily_conversations_per_business":-1}`))
	changes, err := db.PortfolioLimitChanges(context.Background(), business, 10)
	if err != nil || len(changes) != 2 || changes[0].New != -1 || changes[0].Old != 2000 {
		t.Fatalf("limit history = %+v, %v", changes, err)
	}
}

func TestWebhookPhoneNumberQualityUpdate(t *testing.T) {
	db, m, mail, ch := setup(t)
	apply(t, m, body("phone_number_quality_update", `{"display_phone_number":"15550100001","event":"DOWNGRADE","current_limit":"TIER_250","old_limit":"TIER_2K","max_daily_conversations_per_business":"250"}`))
	ctx := context.Background()
	l, _ := db.PortfolioLimitOf(ctx, business)
	if l.Customers != 250 {
		t.Errorf("limit = %+v, want 250 from max_daily_conversations_per_business", l)
	}
	hist, err := db.QualityHistory(ctx, ch.ID, 10)
	if err != nil || len(hist) != 1 || hist[0].Event != "DOWNGRADE" || !hist[0].At.Equal(entryTime) {
		t.Fatalf("quality history = %+v, %v", hist, err)
	}
	// The same webhook again (Meta re-delivers): one email only.
	apply(t, m, body("phone_number_quality_update", `{"display_phone_number":"15550100001","event":"DOWNGRADE","current_limit":"TIER_250"}`))
	if s := mail.subjects(); len(s) != 1 || !strings.Contains(s[0], "quality") {
		t.Errorf("alert emails = %q", s)
	}
}

func TestWebhookTemplatePausedAndDisabled(t *testing.T) {
	db, m, mail, ch := setup(t)
	ctx := context.Background()
	apply(t, m, body("message_template_status_update", `{"event":"PAUSED","message_template_id":777,"message_template_name":"order_ready","message_template_language":"en_US","reason":"LOW_QUALITY","other_info":{"title":"FIRST_PAUSE","description":"paused for 3 hours"}}`))
	// The status itself is the template syncer's (status PAUSED); here the
	// status row is only PAUSED once that applied, so set it as it would.
	if _, err := db.ApplyTemplateStatus(ctx, waba, store.TemplateStatusChange{TemplateID: "777", Status: "PAUSED", Reason: "LOW_QUALITY"}); err != nil {
		t.Fatal(err)
	}
	until, err := db.TemplatePausedUntil(ctx, ch.ID)
	if err != nil || len(until) != 1 {
		t.Fatalf("paused until = %v, %v", until, err)
	}
	for _, u := range until {
		if !u.Equal(entryTime.Add(3 * time.Hour)) {
			t.Errorf("resumes at %v, want 3 hours after the webhook", u)
		}
	}
	tpls, _ := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID, Status: "APPROVED"})
	if len(tpls) != 0 {
		t.Errorf("a paused template is still listed as approved (offered in the picker): %+v", tpls)
	}
	apply(t, m, body("message_template_status_update", `{"event":"DISABLED","message_template_id":777,"message_template_name":"order_ready","message_template_language":"en_US","reason":"LOW_QUALITY"}`))
	hist, err := db.TemplateHealthHistory(ctx, waba, 10)
	if err != nil || len(hist) != 2 || hist[0].New != "DISABLED" || hist[1].Until == nil {
		t.Fatalf("template health history = %+v, %v", hist, err)
	}
	if s := mail.subjects(); len(s) != 2 || !strings.Contains(s[0], "paused") || !strings.Contains(s[1], "disabled") {
		t.Errorf("alert emails = %q", s)
	}
}

func TestWebhookTemplateQualityAndCategory(t *testing.T) {
	db, m, _, ch := setup(t)
	ctx := context.Background()
	apply(t, m, body("message_template_quality_update", `{"previous_quality_score":"GREEN","new_quality_score":"YELLOW","message_template_id":777,"message_template_name":"order_ready","message_template_language":"en_US"}`))
	apply(t, m, body("template_category_update", `{"message_template_id":777,"message_template_name":"order_ready","message_template_language":"en_US","correct_category":"MARKETING","new_category":"UTILITY","category_update_timestamp":1796212800}`))
	tpls, err := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID})
	if err != nil || len(tpls) != 1 || tpls[0].Quality != "YELLOW" || tpls[0].Category != "UTILITY" {
		t.Fatalf("after quality and an announced category change: %+v, %v", tpls, err)
	}
	apply(t, m, body("template_category_update", `{"message_template_id":777,"message_template_name":"order_ready","message_template_language":"en_US","previous_category":"UTILITY","new_category":"MARKETING"}`))
	tpls, _ = db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID})
	if tpls[0].Category != "MARKETING" || tpls[0].PreviousCategory != "UTILITY" {
		t.Errorf("category change not applied: %+v", tpls[0])
	}
	hist, _ := db.TemplateHealthHistory(ctx, waba, 10)
	if len(hist) != 3 || hist[1].Kind != "category_notice" || hist[1].Until == nil {
		t.Errorf("history = %+v", hist)
	}
}

func TestWebhookAccountUpdateRestrictionAndVolumeTier(t *testing.T) {
	db, m, mail, ch := setup(t)
	ctx := context.Background()
	apply(t, m, body("account_update", `{"event":"ACCOUNT_RESTRICTION","restriction_info":[{"restriction_type":"RESTRICTED_BIZ_INITIATED_MESSAGING","expiration":1796212800}]}`))
	b, err := limits.AccountBlockOf(ctx, db, ch.ID, true, entryTime)
	if err != nil || !b.Refuse || b.Reason != limits.BlockBusinessInitiated || !b.Until.Equal(time.Unix(1796212800, 0)) {
		t.Fatalf("block = %+v, %v", b, err)
	}
	if b, _ := limits.AccountBlockOf(ctx, db, ch.ID, false, entryTime); b.Refuse {
		t.Errorf("replies refused: %+v", b)
	}
	apply(t, m, body("account_update", `{"event":"ACCOUNT_RESTRICTION","restriction_info":[]}`))
	if b, _ := limits.AccountBlockOf(ctx, db, ch.ID, true, entryTime); b.Refuse {
		t.Errorf("restriction not lifted: %+v", b)
	}
	apply(t, m, body("account_update", `{"event":"VOLUME_BASED_PRICING_TIER_UPDATE","volume_tier_info":{"effective_month":"2026-12","pricing_category":"UTILITY","region":"INDIA","tier":"25000001:50000000","tier_update_time":1796126400}}`))
	tiers, err := db.VolumeTiers(ctx, waba, "2026-12")
	if err != nil || len(tiers) != 1 || tiers[0].Tier != "25000001:50000000" || tiers[0].Region != "INDIA" || tiers[0].PricingCategory != "UTILITY" {
		t.Fatalf("volume tiers = %+v, %v", tiers, err)
	}
	if s := mail.subjects(); len(s) != 1 || !strings.Contains(s[0], "restricted") {
		t.Errorf("alert emails = %q, want one for the restriction (none for its lifting or the tier)", s)
	}
}

func TestPaymentProblemFromASendError(t *testing.T) {
	db, _, _, ch := setup(t)
	ctx := context.Background()
	a, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: ch.ID, Messages: []store.InboundMessage{{WAMID: "wamid.in", Phone: "+16505550101",
		WaID: "16505550101", Type: "text", Text: "hi", Payload: "{}", Timestamp: time.Now()}}}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.EnqueueOutbound(ctx, store.NewOutbound{ConversationID: a.NewMessages[0].ConversationID, Type: "text", Text: "x", Request: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MarkOutboundAttempting(ctx, []int64{m.MessageID}, "try-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordOutboundFailure(ctx, m.MessageID, store.OutboundFailure{State: store.OutboxFailed,
		Reason: "payment", Code: 131042}); err != nil {
		t.Fatal(err)
	}
	b, err := limits.AccountBlockOf(ctx, db, ch.ID, false, time.Now())
	if err != nil || b.Reason != limits.BlockPayment || b.Refuse {
		t.Fatalf("block = %+v, %v; want a payment warning", b, err)
	}
	// A later message that reached WhatsApp ends the warning.
	later, err := db.EnqueueOutbound(ctx, store.NewOutbound{ConversationID: a.NewMessages[0].ConversationID, Type: "text", Text: "y", Request: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MarkOutboundAttempting(ctx, []int64{later.MessageID}, "try-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordOutboundSent(ctx, later.MessageID, "wamid.later"); err != nil {
		t.Fatal(err)
	}
	if b, err := limits.AccountBlockOf(ctx, db, ch.ID, false, time.Now()); err != nil || b.Reason != limits.BlockNone {
		t.Errorf("after a later delivered send: block = %+v, %v; want none", b, err)
	}
}

// bodyAt is body with another entry time.
func bodyAt(at time.Time, field, value string) []byte {
	return []byte(strings.Replace(string(body(field, value)), `"time":1796126400`, `"time":`+strconv.FormatInt(at.Unix(), 10), 1))
}

// TestWebhookRedeliveredOnce: Meta delivers the same webhook again (and
// an older one after a newer): the limit history, the quality history and
// the template health history keep one row per event, a category change
// applied twice keeps the category it replaced, and an old limit does not
// come back.
func TestWebhookRedeliveredOnce(t *testing.T) {
	db, m, _, ch := setup(t)
	ctx := context.Background()
	capability1 := bodyAt(entryTime, "business_capability_update", `{"max_daily_conversations_per_business":2000}`)
	capability2 := bodyAt(entryTime.Add(time.Hour), "business_capability_update", `{"max_daily_conversations_per_business":10000}`)
	quality := body("phone_number_quality_update", `{"display_phone_number":"15550100001","event":"FLAGGED","current_limit":"TIER_2K"}`)
	category := body("template_category_update", `{"message_template_id":777,"message_template_name":"order_ready","message_template_language":"en_US","previous_category":"UTILITY","new_category":"MARKETING"}`)
	for i := 0; i < 2; i++ {
		for _, b := range [][]byte{capability1, capability2, quality, category} {
			apply(t, m, b)
		}
	}
	changes, err := db.PortfolioLimitChanges(ctx, business, 10)
	if err != nil || len(changes) != 2 || changes[0].New != 10000 || changes[1].New != 2000 {
		t.Errorf("limit history = %+v, %v; want 0→2,000 then 2,000→10,000 once each", changes, err)
	}
	if l, _ := db.PortfolioLimitOf(ctx, business); l.Customers != 10000 {
		t.Errorf("limit = %d after the older event came again, want 10,000", l.Customers)
	}
	if hist, err := db.QualityHistory(ctx, ch.ID, 10); err != nil || len(hist) != 1 {
		t.Errorf("quality history = %+v, %v; want one FLAGGED", hist, err)
	}
	if hist, err := db.TemplateHealthHistory(ctx, waba, 10); err != nil || len(hist) != 1 {
		t.Errorf("template health history = %+v, %v; want one category change", hist, err)
	}
	tpls, err := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID})
	if err != nil || len(tpls) != 1 || tpls[0].Category != "MARKETING" || tpls[0].PreviousCategory != "UTILITY" {
		t.Errorf("template after the category change came twice: %+v, %v", tpls, err)
	}
}
