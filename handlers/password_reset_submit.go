package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// passwordResetSubmit sets the new password from a reset link. With
// two-step sign-in on, it needs a code from the app or a recovery code
// too. The link is used up, every session of the user ends, and a mail
// tells them their password changed.
func (s *Server) passwordResetSubmit(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	f, u, err := s.resetForm(r, r.PostFormValue("token"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rerender := func(status int) {
		s.render(w, r, status, views.ResetPasswordPage(s.page(w, r, i18n.T(r.Context(), "titles.choose_a_new_password"), ""), f))
	}
	if f.Invalid {
		rerender(http.StatusNotFound)
		return
	}
	pw, confirm, code := r.PostFormValue("password"), r.PostFormValue("confirm"), strings.TrimSpace(r.PostFormValue("code"))
	errs := views.Errors{}
	checkPassword(errs, "password", pw)
	if confirm != pw {
		errs["confirm"] = "The two passwords are not the same."
	}
	if f.NeedsCode && code == "" {
		errs["code"] = "Enter the 6-digit code from your app, or a recovery code."
	}
	if len(errs) > 0 {
		f.Errors = errs
		rerender(http.StatusUnprocessableEntity)
		return
	}
	if f.NeedsCode {
		if !s.allowCode(w, r, u, "/password/reset?token="+f.Token) {
			return
		}
		res, _, err := s.checkCode(r.Context(), u, code)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if res != codeTOTP && res != codeRecovery {
			s.codeFailed(u, r)
			s.log.Info("password reset refused", "reason", "wrong second-factor code", "user_id", u.ID, "remote", clientIP(r))
			f.Errors = views.Errors{"code": "That code is not right. Enter the current code from your app, or an unused recovery code."}
			rerender(http.StatusUnauthorized)
			return
		}
		s.codes.Forget(codeKey(u, r), clientIP(r))
	}
	hash, err := auth.HashPassword(r.Context(), pw)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := s.db.ResetPassword(r.Context(), hashToken(f.Token), hash, time.Now()); errors.Is(err, store.ErrNotFound) {
		f = views.ResetForm{Invalid: true}
		rerender(http.StatusNotFound)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.endSessionsOf(r, u.ID); err != nil {
		s.log.Error("end sessions after password reset", "user_id", u.ID, "err", err)
	}
	s.throttle.Forget(u.Email, clientIP(r))
	s.log.Info("password reset by email link", "user_id", u.ID, "remote", clientIP(r))
	mctx := s.recipientContext(r.Context(), u.ID)
	s.sendInBackground(u.ID, "password changed notice", mailer.Message{
		To:      []string{u.Email},
		Subject: i18n.T(mctx, "mail.changed.subject"),
		Text: i18n.T(mctx, "mail.hello", "Name", u.Name) + "\n\n" +
			i18n.T(mctx, "mail.changed.body", "Host", s.baseURL.Host) + "\n\n" +
			i18n.T(mctx, "mail.changed.advice") + "\n",
	})
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.password_changed"))
	redirect(w, r, "/login")
}
