package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/views"
)

// userPasswordReset sets a new password for a user and signs them out
// everywhere.
func (s *Server) userPasswordReset(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUser(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	pw := r.PostFormValue("password")
	errs := views.Errors{}
	checkPassword(errs, "password", pw)
	if len(errs) > 0 {
		f, err := s.userFormFor(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		f.PasswordErrors = errs
		s.render(w, r, http.StatusUnprocessableEntity, views.UserFormPage(s.page(w, r, u.Name, views.NavSettings), f))
		return
	}
	hash, err := auth.HashPassword(r.Context(), pw)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.SetPasswordHash(r.Context(), u.ID, hash); err != nil {
		s.serverError(w, r, err)
		return
	}
	me := currentUser(r.Context())
	if err := s.endSessionsOf(r, u.ID); err != nil {
		s.log.Error("end sessions after password reset", "user_id", u.ID, "err", err)
	}
	s.audit(r, auditUserPasswordReset, "user", u.ID, u.Email, changes{}.secret("password", true))
	s.log.Info("password reset", "user_id", u.ID, "by", me.ID)
	if u.ID == me.ID {
		// Their own sessions just ended; keep this browser signed in.
		u.SessionEpoch++
		if err := s.startSession(r, &u); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.flashSuccess(w, r, "The password of "+u.Name+" was changed. They have been signed out everywhere.")
	redirect(w, r, "/settings/users/"+r.PathValue("id"))
}
