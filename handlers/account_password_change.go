package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/views"
)

type passwordChangeForm struct {
	Current  string `form:"current" validate:"required,max=256"`
	Password string `form:"password" validate:"required"`
	Confirm  string `form:"confirm" validate:"required,eqfield=Password"`
}

// accountPasswordChange lets a user change their own password. Their other
// sessions end; this one continues under a new token.
func (s *Server) accountPasswordChange(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	u := currentUser(r.Context())
	f := passwordChangeForm{Current: r.PostFormValue("current"), Password: r.PostFormValue("password"), Confirm: r.PostFormValue("confirm")}
	errs := s.check(r.Context(), f)
	checkPassword(errs, "password", f.Password)
	if !errs.Has("current") {
		if ok, _ := s.throttle.Allow(u.Email, clientIP(r)); !ok {
			errs["current"] = "Too many attempts. Wait a minute and try again."
		} else if ok, err := auth.CheckPassword(r.Context(), u.PasswordHash, f.Current); err != nil {
			s.serverError(w, r, err)
			return
		} else if !ok {
			s.throttle.Fail(u.Email, clientIP(r))
			errs["current"] = "This is not your current password."
		}
	}
	if len(errs) > 0 {
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
		s.render(w, r, http.StatusUnprocessableEntity, views.AccountPage(s.page(w, r, i18n.T(r.Context(), "titles.your_account"), views.NavAccount),
			views.AccountForm{Name: u.Name, Email: u.Email, Role: u.Role, Errors: errs, Security: sec, Zone: zf, Languages: s.accountLanguages(r.Context(), u.ID)}))
		return
	}
	hash, err := auth.HashPassword(r.Context(), f.Password)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.SetPasswordHash(r.Context(), u.ID, hash); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.endSessionsOf(r, u.ID); err != nil {
		s.log.Error("end other sessions after password change", "user_id", u.ID, "err", err)
	}
	u.SessionEpoch++
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.throttle.Forget(u.Email, clientIP(r))
	s.log.Info("password changed", "user_id", u.ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.account_password_change.your_password_was_changed_other"))
	redirect(w, r, "/account")
}
