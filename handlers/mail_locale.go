package handlers

import (
	"context"

	"github.com/wadesk/wadesk/i18n"
)

// recipientContext is ctx in the language of the user an e-mail goes to:
// their saved choice, else the console's default language, else English.
// The browser that caused the mail does not decide: it may not be theirs.
func (s *Server) recipientContext(ctx context.Context, userID int64) context.Context {
	var prefs []string
	if l, err := s.db.LanguagesOf(ctx, userID); err == nil {
		prefs = append(prefs, l.User, l.Console)
	} else {
		s.log.Warn("read languages for a mail", "user_id", userID, "err", err)
	}
	return i18n.WithLocale(ctx, i18n.Default().Match("", prefs...))
}
