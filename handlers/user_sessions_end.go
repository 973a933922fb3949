package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// userSessionsEnd signs a user out everywhere (an admin's action).
func (s *Server) userSessionsEnd(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUser(w, r)
	if !ok {
		return
	}
	me := currentUser(r.Context())
	keep := ""
	if u.ID == me.ID {
		keep = s.sessions.GetString(r.Context(), sessSID)
	}
	n, err := s.db.DeleteUserSessionsExcept(r.Context(), u.ID, keep)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("user signed out everywhere", "user_id", u.ID, "by", me.ID, "sessions", n)
	s.audit(r, auditUserSignedOut, "user", u.ID, u.Email, changes{"sessions": n})
	msg := u.Name + " has been signed out everywhere."
	if u.ID == me.ID {
		msg = "Your other devices have been signed out."
	}
	s.flashSuccess(w, r, msg)
	redirect(w, r, "/settings/users/"+itoa(u.ID))
}

// userSecurity is the sign-in part of an admin's user page.
func (s *Server) userSecurity(r *http.Request, u store.User) (views.UserSecurity, error) {
	st, err := s.db.TwoFactorStatusOf(r.Context(), u.ID)
	if err != nil {
		return views.UserSecurity{}, err
	}
	sessions, err := s.db.UserSessions(r.Context(), u.ID)
	if err != nil {
		return views.UserSecurity{}, err
	}
	return views.UserSecurity{UserID: u.ID, Name: u.Name, TwoFactor: st.Enabled(), Sessions: len(sessions),
		IsSelf: u.ID == currentUser(r.Context()).ID}, nil
}
