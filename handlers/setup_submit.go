package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

type setupForm struct {
	Code     string `form:"code" validate:"required,max=64"`
	Name     string `form:"name" validate:"required,max=100"`
	Email    string `form:"email" validate:"required,email,max=254"`
	Password string `form:"password" validate:"required"`
	Confirm  string `form:"confirm" validate:"required,eqfield=Password"`
}

// setupSubmit creates the first administrator and signs them in.
func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	f := setupForm{
		Code:     strings.TrimSpace(r.PostFormValue("code")),
		Name:     strings.TrimSpace(r.PostFormValue("name")),
		Email:    strings.TrimSpace(r.PostFormValue("email")),
		Password: r.PostFormValue("password"),
		Confirm:  r.PostFormValue("confirm"),
	}
	errs := s.check(r.Context(), f)
	checkPassword(errs, "password", f.Password)
	if !errs.Has("code") && !auth.SetupCodeMatches(f.Code, s.setupCode) {
		s.log.Warn("first-run setup with a wrong setup code", "remote", clientIP(r))
		errs["code"] = "This is not the setup code. wadesk printed it in its output (and log) when it started."
	}
	rerender := func(status int) {
		s.render(w, r, status, views.SetupPage(s.page(w, r, i18n.T(r.Context(), "titles.set_up"), ""),
			views.SetupForm{Code: f.Code, Name: f.Name, Email: f.Email, Errors: errs}))
	}
	if len(errs) > 0 {
		rerender(http.StatusUnprocessableEntity)
		return
	}
	hash, err := auth.HashPassword(r.Context(), f.Password)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	u, err := s.db.CreateFirstAdmin(r.Context(), store.NewUser{Email: f.Email, Name: f.Name, PasswordHash: hash})
	if errors.Is(err, store.ErrSetupDone) {
		s.flashError(w, r, i18n.T(r.Context(), "flash.setup_submit.an_administrator_already_exists_sign"))
		redirect(w, r, "/login")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setupDone.Store(true)
	s.log.Info("first administrator created", "user_id", u.ID, "email", u.Email)
	if err := s.startSession(r, &u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flashSuccess(w, r, "Welcome, "+u.Name+". Your administrator account is ready.")
	redirect(w, r, "/inbox")
}

func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Warn("bad request", "method", r.Method, "path", r.URL.Path, "err", err)
	s.renderError(w, r, views.ErrorInfo{
		Status:  http.StatusBadRequest,
		Title:   i18n.T(r.Context(), "errors.bad_request.title"),
		Message: i18n.T(r.Context(), "errors.bad_request.message"),
		Back:    "/", BackLabel: i18n.T(r.Context(), "errors.back_to_wadesk"),
	})
}
