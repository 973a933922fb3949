package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/views"
)

// loginVerifySubmit checks the code of the second sign-in step: a code
// from the authenticator app (each accepted once) or a recovery code.
// Wrong codes are throttled per address; after a few the password is asked
// for again.
func (s *Server) loginVerifySubmit(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	u, f, ok := s.verifyStep(w, r, "That took too long. Sign in again.")
	if !ok {
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" || len(code) > 32 {
		f.Errors = views.Errors{"code": "Enter the 6-digit code from your app, or a recovery code."}
		s.render(w, r, http.StatusUnprocessableEntity, views.LoginVerifyPage(s.page(w, r, i18n.T(r.Context(), "titles.two_step_sign_in"), ""), f))
		return
	}
	if !s.allowCode(w, r, u, "/login/verify") {
		return
	}
	res, left, err := s.checkCode(ctx, u, code)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if res == codeWrong || res == codeReused {
		s.codeFailed(u, r)
		tries := s.sessions.GetInt(ctx, sessPendingTries) + 1
		s.log.Info("sign-in failed", "reason", "wrong second-factor code", "reused", res == codeReused,
			"user_id", u.ID, "remote", clientIP(r), "tries", tries)
		if tries >= pendingTries {
			s.clearPending(ctx)
			s.flash.add(w, r, s.log, "error", "Too many wrong codes. Sign in with your password again.")
			redirect(w, r, "/login")
			return
		}
		s.sessions.Put(ctx, sessPendingTries, tries)
		msg := "That code is not right. Check the code for wadesk in your app and try again."
		if res == codeReused {
			msg = "That code was already used. Wait for the next code in your app."
		}
		f.Errors = views.Errors{"code": msg}
		s.render(w, r, http.StatusUnauthorized, views.LoginVerifyPage(s.page(w, r, i18n.T(r.Context(), "titles.two_step_sign_in"), ""), f))
		return
	}
	next := s.sessions.GetString(ctx, sessPendingNext)
	s.codes.Forget(codeKey(u, r), clientIP(r))
	if err := s.finishSignIn(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.noticeNewBrowser(w, r, u)
	if res == codeRecovery {
		s.log.Info("recovery code used", "user_id", u.ID, "left", left)
		kind := "info"
		if left <= 3 {
			kind = "warning"
		}
		s.flash.add(w, r, s.log, kind, recoveryLeftMessage(left))
	}
	redirect(w, r, safeNext(next))
}
