package consent

import (
	"context"
	"fmt"
	"strings"

	"github.com/wadesk/wadesk/store"
)

// Reply returns the confirmation of an opt-out in the keyword's language,
// or in English when that language has none ("" when there is none at
// all: nothing is sent).
func Reply(replies map[string]string, language string) string {
	if r := strings.TrimSpace(replies[language]); r != "" {
		return r
	}
	return strings.TrimSpace(replies["en"])
}

// SendText queues a free-form text in a conversation (the outbox).
type SendText func(ctx context.Context, conversationID int64, text string) error

// Confirm tells a customer who just opted out (m, from the processor)
// that they will get no more marketing: a free-form reply, inside the
// window their message opened. The processor calls it once per opt-out.
func Confirm(ctx context.Context, db *store.DB, m store.AppliedMessage, send SendText) error {
	replies, err := db.OptOutReplies(ctx)
	if err != nil {
		return fmt.Errorf("consent: confirm opt-out: %w", err)
	}
	text := Reply(replies, m.OptOutLanguage)
	if text == "" {
		return nil
	}
	if err := send(ctx, m.ConversationID, text); err != nil {
		return fmt.Errorf("consent: confirm opt-out in conversation %d: %w", m.ConversationID, err)
	}
	return nil
}
