package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
)

// totpStart makes a new authenticator secret, kept sealed and unconfirmed
// until the first code from it is entered.
func (s *Server) totpStart(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	e, err := auth.NewTOTP(s.totpIssuer(), u.Email)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sealed, err := s.box.Seal([]byte(e.Secret), totpContext(u.ID))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	err = s.db.StartTOTPEnrolment(r.Context(), u.ID, sealed)
	if errors.Is(err, store.ErrConflict) {
		s.flash.add(w, r, s.log, "info", "Your authenticator app is already set up.")
		redirect(w, r, "/account/two-factor")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("authenticator enrolment started", "user_id", u.ID)
	redirect(w, r, "/account/two-factor")
}
