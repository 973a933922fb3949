package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

type emailSettingsForm struct {
	Host        string `form:"host" validate:"required,max=253"`
	Port        string `form:"port" validate:"required,max=5"`
	TLSMode     string `form:"tls_mode" validate:"required,oneof=starttls tls none"`
	Username    string `form:"username" validate:"max=254"`
	Password    string `form:"password" validate:"max=1024"`
	FromAddress string `form:"from_address" validate:"required,email,max=254"`
}

// settingsEmailSave stores the outgoing email settings. The password is
// write-only: an empty field keeps the stored one, and it is never sent
// back to the browser, not even when the form has errors.
func (s *Server) settingsEmailSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	saved, err := s.db.MailSettings(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := emailSettingsForm{
		Host:        strings.TrimSpace(r.PostFormValue("host")),
		Port:        strings.TrimSpace(r.PostFormValue("port")),
		TLSMode:     r.PostFormValue("tls_mode"),
		Username:    strings.TrimSpace(r.PostFormValue("username")),
		Password:    r.PostFormValue("password"),
		FromAddress: strings.TrimSpace(r.PostFormValue("from_address")),
	}
	errs := s.check(r.Context(), f)
	if !errs.Has("host") {
		if msg := checkMailHost(f.Host); msg != "" {
			errs["host"] = msg
		}
	}
	port, perr := strconv.Atoi(f.Port)
	if !errs.Has("port") && (perr != nil || port < 1 || port > 65535) {
		errs["port"] = "Enter a port number between 1 and 65535, usually 587 or 465."
	}
	switch {
	case f.Username == "" && f.Password != "" && !errs.Has("password"):
		errs["username"] = "Enter the username that goes with this password, or clear the password."
	case f.Username != "" && f.Password == "" && !saved.HasPassword:
		errs["password"] = "Enter the password for this username."
	}
	if len(errs) > 0 {
		v := views.EmailSettingsForm{Host: f.Host, Port: f.Port, Username: f.Username, FromAddress: f.FromAddress,
			TLSMode: f.TLSMode, Errors: errs}
		s.renderEmailSettings(w, r, http.StatusUnprocessableEntity, v, saved)
		return
	}
	up := store.MailSettingsUpdate{Host: f.Host, Port: port, Username: f.Username, FromAddress: f.FromAddress, TLSMode: f.TLSMode}
	if f.Password != "" {
		up.Password = &f.Password
	}
	if err := s.db.SaveMailSettings(r.Context(), up); err != nil {
		s.serverError(w, r, err)
		return
	}
	if c := (changes{}).diff("host", saved.Host, f.Host).diff("port", saved.Port, port).diff("tls_mode", saved.TLSMode, f.TLSMode).
		diff("username", saved.Username, f.Username).diff("from_address", saved.FromAddress, f.FromAddress).
		secret("password", f.Password != ""); len(c) > 0 {
		s.audit(r, auditEmailSettings, "settings", 0, "Email", c)
	}
	s.log.Info("mail settings saved", "host", f.Host, "port", port, "tls", f.TLSMode, "sign_in", f.Username != "",
		"password_replaced", f.Password != "", "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.settings_email_save.saved_the_email_settings_send"))
	redirect(w, r, "/settings/email")
}

// checkMailHost accepts a host name or an IP address, nothing more.
func checkMailHost(host string) string {
	switch {
	case strings.Contains(host, "://"):
		return "Enter only the server name, like smtp.example.com, without http:// or smtp://."
	case net.ParseIP(host) != nil:
		return ""
	case strings.Contains(host, ":"):
		return "Enter the port in the Port field, not after the server name."
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "Enter a server name like smtp.example.com."
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return "Enter a server name like smtp.example.com."
			}
		}
	}
	return ""
}
