package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// accountShow shows the signed-in user's own account.
func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	sec, err := s.accountSecurity(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	zf, err := s.accountZoneForm(r.Context(), u, views.Errors{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.AccountPage(s.page(w, r, i18n.T(r.Context(), "titles.your_account"), views.NavAccount),
		views.AccountForm{Name: u.Name, Email: u.Email, Role: u.Role, Security: sec, Zone: zf, Languages: s.accountLanguages(r.Context(), u.ID)}))
}

// accountSecurity is the two-step sign-in summary and the sessions list of
// the Account page.
func (s *Server) accountSecurity(r *http.Request, u *store.User) (views.AccountSecurity, error) {
	ctx := r.Context()
	st, err := s.db.TwoFactorStatusOf(ctx, u.ID)
	if err != nil {
		return views.AccountSecurity{}, err
	}
	var methods []string
	if st.TOTP {
		methods = append(methods, "Authenticator app")
	}
	switch st.Passkeys {
	case 0:
	case 1:
		methods = append(methods, "1 passkey")
	default:
		methods = append(methods, itoa(int64(st.Passkeys))+" passkeys")
	}
	v := views.AccountSecurity{TwoFactor: st.Enabled(), Methods: strings.Join(methods, " and "), RecoveryLeft: st.RecoveryLeft}
	sessions, err := s.db.UserSessions(ctx, u.ID)
	if err != nil {
		return views.AccountSecurity{}, err
	}
	current := s.sessions.GetString(ctx, sessSID)
	for _, x := range sessions {
		browser, os := auth.DescribeUserAgent(x.UserAgent)
		v.Sessions = append(v.Sessions, views.SessionRow{
			ID: x.ID, Browser: browser, OS: os, Address: x.Address,
			SignedIn: x.CreatedAt, LastSeen: x.LastSeenAt, Current: x.ID == current,
		})
	}
	return v, nil
}
