package ingest_test

import (
	"fmt"
	"testing"
)

// bsuidValue is a "messages" change as Meta sends it since April 2026:
// contacts[].user_id and messages[].from_user_id carry the BSUID; wa_id
// and from are left out ("") for a user whose number is withheld.
func bsuidValue(wamid, from, userID, username, name, body string) string {
	waID, fromField := "", ""
	if from != "" {
		waID, fromField = fmt.Sprintf(`"wa_id":%q,`, from), fmt.Sprintf(`"from":%q,`, from)
	}
	user := ""
	if username != "" {
		user = fmt.Sprintf(`,"username":%q`, username)
	}
	return fmt.Sprintf(`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15555555555","phone_number_id":"106540352242922"},
		"contacts":[{"profile":{"name":%q%s},%s"user_id":%q}],
		"messages":[{%s"from_user_id":%q,"id":%q,"timestamp":"1700000000","type":"text","text":{"body":%q}}]}`,
		name, user, waID, userID, fromField, userID, wamid, body)
}

// TestMessageWithoutPhoneNumberIsStored: a customer with a username writes
// with no wa_id; the message is stored (not a dead letter) under a contact
// known by BSUID, whose address for replies is the BSUID.
func TestMessageWithoutPhoneNumberIsStored(t *testing.T) {
	f := start(t)
	f.append(t, envelope(bsuidValue("wamid.u1", "", "US.13491208655302741918", "@ana", "Ana", "hi, no number")))
	f.process(t)
	if n := f.count(t, `SELECT COUNT(*) FROM webhook_events WHERE state = 'dead'`); n != 0 {
		t.Fatalf("%d dead letters", n)
	}
	var phone, waID, bsuid, username, name string
	if err := f.db.R.QueryRow(`SELECT c.phone, c.wa_id, c.bsuid, c.username, c.name FROM messages m
		JOIN conversations v ON v.id = m.conversation_id JOIN contacts c ON c.id = v.contact_id WHERE m.wamid = 'wamid.u1'`).
		Scan(&phone, &waID, &bsuid, &username, &name); err != nil {
		t.Fatal(err)
	}
	if phone != "US.13491208655302741918" || waID != "US.13491208655302741918" || bsuid != "US.13491208655302741918" ||
		username != "@ana" || name != "Ana" {
		t.Errorf("contact %q %q %q %q %q", phone, waID, bsuid, username, name)
	}
}

// TestOnePersonByNumberAndBSUIDIsOneContact: seen first by BSUID alone and
// later with a number, or first by number and later by BSUID alone, a
// person stays one contact with one conversation.
func TestOnePersonByNumberAndBSUIDIsOneContact(t *testing.T) {
	f := start(t)
	// BSUID first, then the number too, then BSUID alone again.
	f.append(t, envelope(bsuidValue("wamid.a1", "", "US.1000000000000000001", "@bo", "Bo", "first by BSUID")))
	f.append(t, envelope(bsuidValue("wamid.a2", "16505550101", "US.1000000000000000001", "", "Bo", "now with my number")))
	f.append(t, envelope(bsuidValue("wamid.a3", "", "US.1000000000000000001", "@bo", "Bo", "number hidden again")))
	// A number first (before BSUIDs existed), then number and BSUID, then BSUID alone.
	f.append(t, envelope(textValue("wamid.b1", "16505550202", "Cy", "by number", 1700000000)))
	f.append(t, envelope(bsuidValue("wamid.b2", "16505550202", "BR.2000000000000000002", "", "Cy", "number and BSUID")))
	f.append(t, envelope(bsuidValue("wamid.b3", "", "BR.2000000000000000002", "@cy", "Cy", "by BSUID alone")))
	f.process(t)

	if n := f.count(t, `SELECT COUNT(*) FROM webhook_events WHERE state = 'dead'`); n != 0 {
		t.Fatalf("%d dead letters", n)
	}
	for _, c := range []struct{ prefix, phone, bsuid string }{
		{"wamid.a", "+16505550101", "US.1000000000000000001"},
		{"wamid.b", "+16505550202", "BR.2000000000000000002"},
	} {
		if n := f.count(t, `SELECT COUNT(DISTINCT v.contact_id) FROM messages m JOIN conversations v ON v.id = m.conversation_id
			WHERE m.wamid LIKE ? || '%'`, c.prefix); n != 1 {
			t.Errorf("%s: messages under %d contacts, want 1", c.prefix, n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM contacts WHERE phone = ? AND bsuid = ?`, c.phone, c.bsuid); n != 1 {
			t.Errorf("%s: no contact with number %s and BSUID %s", c.prefix, c.phone, c.bsuid)
		}
	}
	if n := f.count(t, `SELECT COUNT(*) FROM contacts`); n != 2 {
		t.Errorf("%d contacts, want 2", n)
	}
}
