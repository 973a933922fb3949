package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// resetLinkFor is how long a password-reset link works.
const resetLinkFor = 30 * time.Minute

// passwordForgotSubmit emails a reset link. The answer is the same
// whether or not the address has an account, and takes the same time:
// the mail goes out in the background.
func (s *Server) passwordForgotSubmit(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ready, err := s.mailReady(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := views.ForgotForm{Email: strings.TrimSpace(r.PostFormValue("email")), MailReady: ready}
	if !ready {
		s.render(w, r, http.StatusOK, views.ForgotPasswordPage(s.page(w, r, i18n.T(r.Context(), "titles.reset_your_password"), ""), f))
		return
	}
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || len(f.Email) > 254 {
		f.Errors = views.Errors{"email": "Enter an email address like name@example.com."}
		s.render(w, r, http.StatusUnprocessableEntity, views.ForgotPasswordPage(s.page(w, r, i18n.T(r.Context(), "titles.reset_your_password"), ""), f))
		return
	}
	f.Sent = true
	defer s.render(w, r, http.StatusOK, views.ForgotPasswordPage(s.page(w, r, i18n.T(r.Context(), "titles.reset_your_password"), ""), f))
	if ok, _ := s.mails.Allow(f.Email, clientIP(r)); !ok {
		s.log.Warn("password reset mail throttled", "remote", clientIP(r))
		return
	}
	u, err := s.db.UserByEmail(r.Context(), f.Email)
	if errors.Is(err, store.ErrNotFound) {
		s.log.Info("password reset asked for an unknown address", "remote", clientIP(r))
		return
	}
	if err != nil {
		s.log.Error("password reset: find user", "err", err)
		return
	}
	if u.Disabled() {
		s.log.Info("password reset asked for a disabled account", "user_id", u.ID)
		return
	}
	token, err := randomToken(32)
	if err != nil {
		s.log.Error("password reset: token", "err", err)
		return
	}
	if err := s.db.CreatePasswordReset(r.Context(), u.ID, hashToken(token), time.Now().Add(resetLinkFor)); err != nil {
		s.log.Error("password reset: store link", "err", err)
		return
	}
	link := s.baseURL.JoinPath("/password/reset")
	link.RawQuery = "token=" + token
	mctx := s.recipientContext(r.Context(), u.ID)
	msg := mailer.Message{
		To:      []string{u.Email},
		Subject: i18n.T(mctx, "mail.reset.subject"),
		Text: i18n.T(mctx, "mail.hello", "Name", u.Name) + "\n\n" +
			i18n.T(mctx, "mail.reset.body", "Host", s.baseURL.Host) + "\n\n" +
			link.String() + "\n\n" +
			i18n.T(mctx, "mail.reset.ignore") + "\n",
	}
	s.sendInBackground(u.ID, "password reset link", msg)
	s.log.Info("password reset link sent", "user_id", u.ID)
}

// sendInBackground sends a mail without making the request wait (nor
// revealing by its timing whether it was sent).
func (s *Server) sendInBackground(userID int64, what string, msg mailer.Message) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.mail.Send(ctx, msg); err != nil {
			s.log.Error("send mail", "what", what, "user_id", userID, "err", err)
		}
	}()
}

// hashToken is how a reset token is stored: its SHA-256, so the database
// alone does not hold working links.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
