package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/store"
)

// addChannel connects another number of the fixture's WhatsApp Business
// Account, with the given app secret.
func (f *fixture) addChannel(t *testing.T, title, phoneNumberID, appSecret string) int64 {
	t.Helper()
	ch, err := f.db.CreatePendingChannel(context.Background(), store.NewChannel{Title: title, Provider: "meta_cloud",
		BusinessID: "1", WABAID: "102290129340398", PhoneNumberID: phoneNumberID, DisplayPhoneNumber: "+1 555-555-0000",
		Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: appSecret, VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.ActivateChannel(context.Background(), ch.ID); err != nil {
		t.Fatal(err)
	}
	return ch.ID
}

func textTo(phoneNumberID, wamid, from, body string) string {
	return envelope(fmt.Sprintf(`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15555550000","phone_number_id":%q},
		"contacts":[{"profile":{"name":"Bo"},"wa_id":%q}],
		"messages":[{"from":%q,"id":%q,"timestamp":"1700000000","type":"text","text":{"body":%q}}]}`, phoneNumberID, from, from, wamid, body))
}

// channelOf is the channel a stored message was filed under (0: none).
func (f *fixture) channelOf(t *testing.T, wamid string) int64 {
	t.Helper()
	var ch int64
	err := f.db.R.QueryRow(`SELECT v.channel_id FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE m.wamid = ?`, wamid).Scan(&ch)
	if err != nil {
		return 0
	}
	return ch
}

// TestWebhooksAreFiledByTheirNumber: two numbers of one WhatsApp Business
// Account connected as two channels share one callback. A webhook
// delivered to the first channel's URL but carrying the second number's
// phone_number_id is filed under the second channel; one for a number of
// the same account served by another app, or for a number wadesk does not
// have, is kept as a dead letter (not misfiled), and once that number is
// connected, reprocessing files it under it.
func TestWebhooksAreFiledByTheirNumber(t *testing.T) {
	f := start(t)
	const secret = "0123456789abcdef0123456789abcdef"
	second := f.addChannel(t, "Support", "206540352242922", secret)
	otherApp := f.addChannel(t, "Other app", "306540352242922", "fedcba9876543210fedcba9876543210")

	f.append(t, textTo("106540352242922", "wamid.first", "16505550001", "to the first number"))
	f.append(t, textTo("206540352242922", "wamid.second", "16505550002", "to the second number"))
	f.append(t, textTo("306540352242922", "wamid.otherapp", "16505550003", "to another app's number"))
	f.append(t, textTo("406540352242922", "wamid.unknown", "16505550004", "to a number wadesk does not have"))
	f.process(t)

	if got := f.channelOf(t, "wamid.first"); got != f.channel {
		t.Errorf("first number's message filed under channel %d, want %d", got, f.channel)
	}
	if got := f.channelOf(t, "wamid.second"); got != second {
		t.Errorf("second number's message filed under channel %d, want %d", got, second)
	}
	for _, w := range []string{"wamid.otherapp", "wamid.unknown"} {
		if got := f.channelOf(t, w); got != 0 {
			t.Errorf("%s was filed under channel %d; it should be kept aside", w, got)
		}
	}
	dead, err := f.db.DeadWebhookEvents(context.Background(), f.channel, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 2 {
		t.Fatalf("%d dead letters on the channel the webhooks came in on, want 2", len(dead))
	}
	for _, d := range dead {
		if !strings.Contains(d.Error, "phone number ID") || !strings.Contains(d.Error, "06540352242922") {
			t.Errorf("dead letter %d says %q; it should name the number", d.ID, d.Error)
		}
	}
	_ = otherApp

	// The admin connects the missing number, then reprocesses.
	fourth := f.addChannel(t, "New number", "406540352242922", secret)
	if n, err := f.db.ReprocessDeadWebhookEvents(context.Background(), f.channel, 0); err != nil || n != 2 {
		t.Fatalf("reprocess: %d, %v", n, err)
	}
	f.process(t)
	if got := f.channelOf(t, "wamid.unknown"); got != fourth {
		t.Errorf("after connecting the number and reprocessing, the message is under channel %d, want %d", got, fourth)
	}
	if got := f.channelOf(t, "wamid.otherapp"); got != 0 {
		t.Errorf("another app's number's message was filed under channel %d", got)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM webhook_events WHERE state = 'dead'`); n != 1 {
		t.Errorf("%d dead letters after reprocessing, want 1 (the other app's)", n)
	}
}
