package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConvertLegacyPayloads(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5101")
	at := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	conv := inboundAt(t, db, ch, "15550005101", "wamid.old1", "hello", at)
	inboundAt(t, db, ch, "15550005101", "wamid.old2", "bad", at.Add(time.Second))
	inboundAt(t, db, ch, "15550005101", "wamid.new", "new", at.Add(2*time.Second))
	// Messages stored before migration 0021 are noted by it; these two
	// stand in for them.
	if _, err := db.W.ExecContext(ctx, `UPDATE messages SET payload = '{"bad":true}' WHERE wamid = 'wamid.old2'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, `INSERT INTO legacy_payloads (message_id)
		SELECT id FROM messages WHERE wamid IN ('wamid.old1', 'wamid.old2')`); err != nil {
		t.Fatal(err)
	}
	convert := func(p string) (string, error) {
		if strings.Contains(p, "bad") {
			return "", errors.New("cannot read")
		}
		return `{"converted":` + p + `}`, nil
	}
	n, err := db.ConvertLegacyPayloads(ctx, convert)
	if err != nil || n != 1 {
		t.Fatalf("ConvertLegacyPayloads = %d, %v; want 1 converted", n, err)
	}
	msgs, err := db.ConversationMessagesByWAMID(ctx, conv, []string{"wamid.old1", "wamid.old2", "wamid.new"})
	if err != nil {
		t.Fatal(err)
	}
	if p := msgs["wamid.old1"].Payload; !strings.HasPrefix(p, `{"converted":`) {
		t.Errorf("old message not converted: %s", p)
	}
	if p := msgs["wamid.old2"].Payload; strings.HasPrefix(p, `{"converted":`) {
		t.Errorf("a payload the converter refused was changed: %s", p)
	}
	if p := msgs["wamid.new"].Payload; strings.HasPrefix(p, `{"converted":`) {
		t.Errorf("a message stored after the migration was converted: %s", p)
	}
	// Done once: nothing is left to look at.
	if n, err := db.ConvertLegacyPayloads(ctx, func(string) (string, error) { t.Fatal("converter called again"); return "", nil }); err != nil || n != 0 {
		t.Fatalf("second run = %d, %v", n, err)
	}
}
