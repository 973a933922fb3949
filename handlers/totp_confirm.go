package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// totpConfirm turns the authenticator on with its first code. A first
// second factor comes with ten recovery codes, shown once; the user's
// other sessions end and this one gets a new token.
func (s *Server) totpConfirm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	u := currentUser(ctx)
	t, err := s.db.TOTPOf(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) || err == nil && t.Confirmed {
		redirect(w, r, "/account/two-factor")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !s.allowCode(w, r, u, "/account/two-factor") {
		return
	}
	secret, err := s.box.Open(t.SecretEnc, totpContext(u.ID))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	step, ok := auth.MatchTOTP(string(secret), strings.TrimSpace(r.PostFormValue("code")), time.Now())
	if !ok {
		s.codeFailed(u, r)
		v, err := s.twoFactorView(r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Errors = views.Errors{"code": "That code is not right. Check that the app shows wadesk and enter its current 6-digit code."}
		s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err := s.db.ConfirmTOTP(ctx, u.ID, step); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.codes.Forget(codeKey(u, r), clientIP(r))
	s.log.Info("authenticator turned on", "user_id", u.ID)
	s.twoFactorChanged(w, r, u, "Two-step sign-in with your authenticator app is on.")
}

// twoFactorChanged finishes turning on a second factor: other sessions
// end, this one is renewed, the enrolment requirement is met, and a first
// factor gets recovery codes (shown here, once).
func (s *Server) twoFactorChanged(w http.ResponseWriter, r *http.Request, u *store.User, done string) {
	ctx := r.Context()
	if err := s.rotateAfterSecurityChange(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	st, err := s.db.TwoFactorStatusOf(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if st.RecoveryLeft > 0 {
		s.flashSuccess(w, r, done)
		redirect(w, r, "/account/two-factor")
		return
	}
	s.showNewRecoveryCodes(w, r, u, true)
}

// rotateAfterSecurityChange signs out the user's other sessions and gives
// this one a new token.
func (s *Server) rotateAfterSecurityChange(r *http.Request, u *store.User) error {
	if err := s.endOtherSessions(r, u.ID); err != nil {
		return err
	}
	s.sessions.Remove(r.Context(), sessMustEnrol)
	return s.sessions.RenewToken(r.Context())
}

// showNewRecoveryCodes replaces the user's recovery codes and shows the
// new ones; they are never shown again.
func (s *Server) showNewRecoveryCodes(w http.ResponseWriter, r *http.Request, u *store.User, first bool) {
	codes, hashes, err := auth.NewRecoveryCodes(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.ReplaceRecoveryCodes(r.Context(), u.ID, hashes); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("recovery codes issued", "user_id", u.ID)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.RecoveryCodesPage(s.page(w, r, i18n.T(r.Context(), "titles.recovery_codes"), views.NavAccount), codes, first))
}
