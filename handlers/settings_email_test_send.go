package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/mailer"
)

// settingsEmailTestSend sends a test email with the saved settings to the
// signed-in admin and says in plain words what happened.
func (s *Server) settingsEmailTestSend(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	u := currentUser(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), 90*time.Second)
	defer cancel()
	err := s.mail.Send(ctx, mailer.Message{
		To:      []string{u.Email},
		Subject: "wadesk: test email",
		Text: "This is a test email from wadesk at " + s.baseURL.String() + ".\n\n" +
			"The outgoing email settings work: channel alerts will be sent the same way.\n\n" +
			"Sent by " + u.Name + " from Settings → Email.\n",
	})
	switch {
	case errors.Is(err, mailer.ErrNotConfigured):
		s.flashError(w, r, i18n.T(r.Context(), "flash.settings_email_test_send.save_the_email_settings_first"))
	case err != nil:
		s.log.Warn("test email failed", "to", u.Email, "by", u.ID, "err", err)
		s.flashError(w, r, "The test email was not sent: "+mailer.Plain(err))
	default:
		s.log.Info("test email sent", "to", u.Email, "by", u.ID)
		s.flashSuccess(w, r, "Sent a test email to "+u.Email+". If it does not arrive within a few minutes, look in the spam folder.")
	}
	redirect(w, r, "/settings/email")
}
