package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/views"
)

// confirmPassword checks the password typed to confirm a change to sign-in
// (throttled like sign-in). On a wrong one it re-renders the two-step page
// with the error and returns false.
func (s *Server) confirmPassword(w http.ResponseWriter, r *http.Request, purpose string) bool {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return false
	}
	u := currentUser(r.Context())
	pw := r.PostFormValue("password")
	msg := ""
	if pw == "" {
		msg = "Enter your password."
	} else if ok, _ := s.throttle.Allow(u.Email, clientIP(r)); !ok {
		msg = "Too many attempts. Wait a minute and try again."
	} else if ok, err := auth.CheckPassword(r.Context(), u.PasswordHash, pw); err != nil {
		s.serverError(w, r, err)
		return false
	} else if !ok {
		msg = "This is not your password."
	}
	if msg == "" {
		return true
	}
	v, err := s.twoFactorView(r)
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	v.PasswordFor, v.PasswordErrors = purpose, views.Errors{"password": msg}
	s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, v)
	return false
}
