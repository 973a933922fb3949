package ingest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

func buttonValue(wamid, from, text string, ts int64) string {
	return fmt.Sprintf(`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15555555555","phone_number_id":"106540352242922"},
		"contacts":[{"profile":{"name":"Ana"},"wa_id":%q}],
		"messages":[{"from":%q,"id":%q,"timestamp":"%d","type":"button","button":{"text":%q,"payload":%q}}]}`, from, from, wamid, ts, text, text)
}

// A keyword opts the contact out once, in the same commit as the message,
// and asks for one confirmation; a second STOP and a re-delivery do not.
func TestStopKeywordOptsOutOnceAndAsksForOneConfirmation(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	var confirmed []store.AppliedMessage
	f.proc.OptedOut = func(_ context.Context, m store.AppliedMessage) { confirmed = append(confirmed, m) }
	now := time.Now().Unix()
	f.append(t, envelope(textValue("wamid.1", "16505551234", "Ana", "please stop sending offers", now)))
	f.process(t)
	if n := f.count(t, "SELECT COUNT(*) FROM contacts WHERE marketing_opted_out_at IS NOT NULL"); n != 0 {
		t.Fatal("a sentence that mentions stop opted the contact out")
	}
	stop := envelope(textValue("wamid.2", "16505551234", "Ana", " Stop! ", now+1))
	f.append(t, stop)
	f.append(t, stop) // re-delivered
	f.process(t)
	f.append(t, envelope(textValue("wamid.3", "16505551234", "Ana", "STOP", now+2)))
	f.process(t)
	c, err := f.db.ContactByPhone(ctx, "+16505551234")
	if err != nil {
		t.Fatal(err)
	}
	if c.MarketingOptedOutAt == nil || c.OptOutSource != "keyword:STOP" {
		t.Fatalf("contact consent = %v %q, want opted out by keyword:STOP", c.MarketingOptedOutAt, c.OptOutSource)
	}
	if len(confirmed) != 1 || confirmed[0].ContactID != c.ID || confirmed[0].OptOutLanguage != "en" || confirmed[0].ConversationID == 0 {
		t.Fatalf("confirmations = %+v, want one for contact %d in English", confirmed, c.ID)
	}
}

func TestMetaStopPromotionsButtonOptsOut(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	n := 0
	f.proc.OptedOut = func(context.Context, store.AppliedMessage) { n++ }
	f.append(t, envelope(buttonValue("wamid.b1", "16505551299", "Stop promotions", time.Now().Unix())))
	f.process(t)
	c, err := f.db.ContactByPhone(ctx, "+16505551299")
	if err != nil {
		t.Fatal(err)
	}
	if c.MarketingOptedOutAt == nil || c.OptOutSource != "meta_button" || n != 1 {
		t.Fatalf("consent = %v %q, confirmations %d", c.MarketingOptedOutAt, c.OptOutSource, n)
	}
}

// Keywords are the admin's: one added in Spanish works, and is confirmed
// in Spanish.
func TestConfiguredKeywordOfAnotherLanguage(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	if err := f.db.AddOptOutKeyword(ctx, "BAJA", "es"); err != nil {
		t.Fatal(err)
	}
	var lang string
	f.proc.OptedOut = func(_ context.Context, m store.AppliedMessage) { lang = m.OptOutLanguage }
	f.append(t, envelope(textValue("wamid.es", "34600000001", "Lu", "baja", time.Now().Unix())))
	f.process(t)
	if lang != "es" {
		t.Fatalf("confirmation language %q, want es", lang)
	}
}
