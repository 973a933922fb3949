package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/static"
)

// Handler returns the whole HTTP interface. Every route is listed here.
//
// Browser routes run inside the session middleware and behind the
// cross-origin check; signed-in routes need a user, admin routes an admin.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Machine routes: no session, no cookies.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /static/", static.Handler())

	// Provider webhooks: authenticated by verify token (GET) or signature.
	mux.HandleFunc("GET /webhooks/{channel}", s.webhookVerify)
	mux.HandleFunc("POST /webhooks/{channel}", s.webhookReceive)

	// Public browser routes.
	mux.Handle("GET /setup", s.browser(s.setupShow))
	mux.Handle("POST /setup", s.browser(s.setupSubmit))
	mux.Handle("GET /login", s.browser(s.loginShow))
	mux.Handle("POST /login", s.browser(s.loginSubmit))
	mux.Handle("POST /logout", s.browser(s.logout))

	// Everyone signed in.
	mux.Handle("GET /{$}", s.signedIn(s.home))
	mux.Handle("GET /inbox", s.signedIn(s.inboxShow))
	mux.Handle("GET /account", s.signedIn(s.accountShow))
	mux.Handle("POST /account/password", s.signedIn(s.accountPasswordChange))

	// Admins only.
	mux.Handle("GET /channels", s.adminOnly(s.channelsList))
	mux.Handle("GET /channels/new", s.adminOnly(s.channelWizardShow))
	mux.Handle("POST /channels/new/provider", s.adminOnly(s.channelWizardProvider))
	mux.Handle("POST /channels/new/credentials", s.adminOnly(s.channelWizardCredentials))
	mux.Handle("POST /channels/new/finish", s.adminOnly(s.channelWizardFinish))
	mux.Handle("POST /channels/new/cancel", s.adminOnly(s.channelWizardCancel))
	mux.Handle("GET /channels/{id}", s.adminOnly(s.channelShow))
	mux.Handle("GET /channels/{id}/edit", s.adminOnly(s.channelEdit))
	mux.Handle("POST /channels/{id}", s.adminOnly(s.channelUpdate))
	mux.Handle("POST /channels/{id}/default", s.adminOnly(s.channelDefault))
	mux.Handle("POST /channels/{id}/visibility", s.adminOnly(s.channelVisibility))
	mux.Handle("POST /channels/{id}/verify-token", s.adminOnly(s.channelVerifyTokenRotate))
	mux.Handle("POST /channels/{id}/forward-secret", s.adminOnly(s.channelForwardSecret))
	mux.Handle("POST /channels/{id}/check", s.adminOnly(s.channelCheck))
	mux.Handle("POST /channels/{id}/delete", s.adminOnly(s.channelDelete))
	mux.Handle("GET /channels/{id}/dead-letters", s.adminOnly(s.channelDeadLetters))
	mux.Handle("GET /templates", s.adminOnly(s.templatesList))
	mux.Handle("GET /store", s.adminOnly(s.storeShow))
	mux.Handle("GET /settings", s.adminOnly(s.settingsShow))
	mux.Handle("GET /settings/users", s.adminOnly(s.usersList))
	mux.Handle("GET /settings/users/new", s.adminOnly(s.userNew))
	mux.Handle("POST /settings/users", s.adminOnly(s.userCreate))
	mux.Handle("GET /settings/users/{id}", s.adminOnly(s.userEdit))
	mux.Handle("POST /settings/users/{id}", s.adminOnly(s.userUpdate))
	mux.Handle("POST /settings/users/{id}/disable", s.adminOnly(s.userDisable))
	mux.Handle("POST /settings/users/{id}/enable", s.adminOnly(s.userEnable))
	mux.Handle("POST /settings/users/{id}/password", s.adminOnly(s.userPasswordReset))
	mux.Handle("GET /settings/departments", s.adminOnly(s.departmentsList))
	mux.Handle("POST /settings/departments", s.adminOnly(s.departmentCreate))
	mux.Handle("POST /settings/departments/{id}", s.adminOnly(s.departmentRename))
	mux.Handle("POST /settings/departments/{id}/delete", s.adminOnly(s.departmentDelete))
	mux.Handle("GET /settings/email", s.adminOnly(s.settingsEmailShow))
	mux.Handle("POST /settings/email", s.adminOnly(s.settingsEmailSave))
	mux.Handle("POST /settings/email/test", s.adminOnly(s.settingsEmailTestSend))

	// Anything else: a 404 page (inside the session, so the layout knows who
	// is signed in).
	mux.Handle("/", s.browser(s.notFound))

	return s.recoverPanics(s.logRequests(securityHeaders(s.crossOriginProtection(mux))))
}
