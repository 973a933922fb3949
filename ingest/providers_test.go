package ingest_test

import (
	"testing"

	"github.com/wadesk/wadesk/providers"
)

// TestJournalPromisesForEveryProvider: whichever provider a channel uses,
// its webhooks are read by that provider's parser, re-deliveries make one
// message, statuses only move forward, and unreadable bodies are kept as
// dead letters without holding up the rest.
func TestJournalPromisesForEveryProvider(t *testing.T) {
	for _, id := range []providers.ProviderID{providers.MetaCloud, providers.Dialog360, providers.CloudCompatible} {
		t.Run(string(id), func(t *testing.T) {
			f := start(t)
			if _, err := f.db.W.Exec("UPDATE channels SET provider = ? WHERE id = ?", string(id), f.channel); err != nil {
				t.Fatal(err)
			}
			body := envelope(textValue("wamid.P", "16505551234", "Ana", "Olá", 1700000000))
			f.append(t, body)
			f.append(t, body)
			f.process(t)
			f.append(t, body)
			f.append(t, `{"object":"whatsapp_business_account","entry":[`)
			f.process(t)
			if n := f.count(t, "SELECT COUNT(*) FROM messages WHERE wamid = 'wamid.P'"); n != 1 {
				t.Fatalf("%d messages for three deliveries of one", n)
			}
			if n := f.count(t, "SELECT COUNT(*) FROM webhook_events WHERE state = 'dead'"); n != 1 {
				t.Errorf("%d dead letters, want 1", n)
			}
			f.db.W.Exec(`INSERT INTO messages (conversation_id, wamid, direction, type, wa_timestamp, created_at)
				VALUES (1, 'wamid.Pout', 'out', 'text', '2023-11-14T22:13:20.000000000Z', '2023-11-14T22:13:20.000000000Z')`)
			for _, st := range []string{"delivered", "sent"} {
				f.append(t, envelope(statusValue("wamid.Pout", st, 1700000100, "")))
			}
			f.process(t)
			var status string
			f.db.R.QueryRow("SELECT status FROM messages WHERE wamid = 'wamid.Pout'").Scan(&status)
			if status != "delivered" {
				t.Errorf("status after delivered, sent = %q", status)
			}
		})
	}
}
