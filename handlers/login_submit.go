package handlers

import (
	"context"
	"errors"
	"fmt"
	"github.com/wadesk/wadesk/i18n"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

type loginForm struct {
	Email    string `form:"email" validate:"required,max=254"`
	Password string `form:"password" validate:"required,max=256"`
}

// loginSubmit checks the credentials, throttling guesses per account and
// per address, and starts a fresh session.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	f := loginForm{Email: strings.TrimSpace(r.PostFormValue("email")), Password: r.PostFormValue("password")}
	next := r.PostFormValue("next")
	w.Header().Set("Cache-Control", "no-store")
	rerender := func(status int, errs views.Errors) {
		s.render(w, r, status, views.LoginPage(s.page(w, r, i18n.T(r.Context(), "titles.sign_in"), ""),
			views.LoginForm{Email: f.Email, Next: next, Errors: errs, Languages: s.signInLanguages(r)}))
	}
	if errs := s.check(r.Context(), f); len(errs) > 0 {
		rerender(http.StatusUnprocessableEntity, errs)
		return
	}
	addr := clientIP(r)
	decision := s.throttle.Check(f.Email, addr)
	if !decision.Allowed {
		wait := decision.Wait
		s.log.Warn("sign-in throttled", "email", f.Email, "remote", addr, "wait", wait)
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.renderError(w, r, views.ErrorInfo{
			Status:  http.StatusTooManyRequests,
			Title:   i18n.T(r.Context(), "errors.signin_throttled.title"),
			Message: i18n.T(r.Context(), "errors.signin_throttled.message", "Wait", humanWait(r.Context(), wait)),
			Back:    "/login", BackLabel: i18n.T(r.Context(), "errors.back_to_sign_in"),
		})
		return
	}
	if decision.Delay > 0 {
		// The account is under attack from elsewhere: slowed down, never
		// refused from an address that has not failed.
		select {
		case <-time.After(decision.Delay):
		case <-r.Context().Done():
			return
		}
	}
	u, err := s.db.UserByEmail(r.Context(), f.Email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		auth.WasteTime(r.Context(), f.Password) // same cost as a wrong password
		s.throttle.Fail(f.Email, addr)
		s.log.Info("sign-in failed", "reason", "unknown email", "remote", addr)
		rerender(http.StatusUnauthorized, wrongCredentials)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	ok, err := auth.CheckPassword(r.Context(), u.PasswordHash, f.Password)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("check password of user %d: %w", u.ID, err))
		return
	}
	if !ok {
		s.throttle.Fail(f.Email, addr)
		s.log.Info("sign-in failed", "reason", "wrong password", "user_id", u.ID, "remote", addr)
		rerender(http.StatusUnauthorized, wrongCredentials)
		return
	}
	if u.Disabled() {
		s.log.Info("sign-in refused", "reason", "account disabled", "user_id", u.ID)
		rerender(http.StatusForbidden, views.Errors{"": "This account is disabled. Ask an administrator to enable it."})
		return
	}
	if done, err := s.secondStep(w, r, &u, next); err != nil {
		s.serverError(w, r, err)
		return
	} else if done {
		return
	}
	s.throttle.Forget(f.Email, addr)
	if err := s.startSession(r, &u); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.RecordLogin(r.Context(), u.ID, time.Now()); err != nil {
		s.log.Error("record login", "err", err)
	}
	s.log.Info("signed in", "user_id", u.ID)
	redirect(w, r, safeNext(next))
}

var wrongCredentials = views.Errors{"": "The email or password is not right. Check them and try again."}

// startSession gives the browser a new session token (so a token planted
// before sign-in is worthless), records who signed in and lists the
// session among the user's sessions.
func (s *Server) startSession(r *http.Request, u *store.User) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return fmt.Errorf("renew session token: %w", err)
	}
	s.sessions.Put(r.Context(), sessUserID, u.ID)
	s.sessions.Put(r.Context(), sessEpoch, u.SessionEpoch)
	s.sessions.Remove(r.Context(), sessMustEnrol)
	return s.recordSession(r, u)
}

func humanWait(ctx context.Context, d time.Duration) string {
	secs := int(math.Ceil(d.Seconds()))
	if secs < 60 {
		return i18n.T(ctx, "errors.wait.seconds", "Count", secs)
	}
	return i18n.T(ctx, "errors.wait.minutes", "Count", (secs+59)/60)
}
