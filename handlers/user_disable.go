package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// userDisable stops a user signing in and ends their sessions at once.
func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUser(w, r)
	if !ok {
		return
	}
	me := currentUser(r.Context())
	if u.ID == me.ID {
		s.flashError(w, r, i18n.T(r.Context(), "flash.user_disable.you_cannot_disable_your_own"))
		redirect(w, r, "/settings/users/"+r.PathValue("id"))
		return
	}
	if u.Role == store.RoleAdmin && !u.Disabled() {
		n, err := s.db.CountActiveAdmins(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if n <= 1 {
			s.flashError(w, r, i18n.T(r.Context(), "flash.user_disable.wadesk_needs_at_least_one"))
			redirect(w, r, "/settings/users/"+r.PathValue("id"))
			return
		}
	}
	// The epoch bump voids every session of this user on their next request;
	// deleting the rows as well means the tokens are gone from the database.
	if err := s.db.SetUserDisabled(r.Context(), u.ID, true); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.endSessionsOf(r, u.ID); err != nil {
		s.log.Error("end sessions of disabled user", "user_id", u.ID, "err", err)
	}
	s.audit(r, auditUserDisabled, "user", u.ID, u.Email, nil)
	s.log.Info("user disabled", "user_id", u.ID, "by", me.ID)
	s.flashSuccess(w, r, u.Name+" is disabled and has been signed out.")
	redirect(w, r, "/settings/users")
}

// endSessionsOf deletes every stored session that belongs to the user.
func (s *Server) endSessionsOf(r *http.Request, userID int64) error {
	return s.sessions.Iterate(r.Context(), func(ctx context.Context) error {
		if s.sessions.GetInt64(ctx, sessUserID) == userID {
			return s.sessions.Destroy(ctx)
		}
		return nil
	})
}
