package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// passwordResetShow opens an emailed reset link: the new-password form,
// with a code field when the account has two-step sign-in.
func (s *Server) passwordResetShow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	f, _, err := s.resetForm(r, r.URL.Query().Get("token"))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	status := http.StatusOK
	if f.Invalid {
		status = http.StatusNotFound
	}
	s.render(w, r, status, views.ResetPasswordPage(s.page(w, r, i18n.T(r.Context(), "titles.choose_a_new_password"), ""), f))
}

// resetForm looks up a reset token; an unknown, used or expired one gives
// an Invalid form.
func (s *Server) resetForm(r *http.Request, token string) (views.ResetForm, *store.User, error) {
	f := views.ResetForm{Token: token}
	if token == "" || len(token) > 100 {
		f.Invalid = true
		return f, nil, nil
	}
	id, err := s.db.PasswordResetUser(r.Context(), hashToken(token), time.Now())
	if errors.Is(err, store.ErrNotFound) {
		f.Invalid = true
		return f, nil, nil
	}
	if err != nil {
		return f, nil, err
	}
	u, err := s.db.UserByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && u.Disabled() {
		f.Invalid = true
		return f, nil, nil
	}
	if err != nil {
		return f, nil, err
	}
	st, err := s.db.TwoFactorStatusOf(r.Context(), u.ID)
	if err != nil {
		return f, nil, err
	}
	f.NeedsCode, f.HasTOTP = st.Enabled(), st.TOTP
	return f, &u, nil
}
