package handlers

import (
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/static"
)

// Handler returns the whole HTTP interface. Every route is listed here.
//
// Provider webhooks are served apart from the browser: no session, no
// cross-origin check (they authenticate by verify token and signature), no
// page headers — they come by the thousand and answer in plain text.
// Browser routes run inside the session middleware and behind the
// cross-origin check; signed-in routes need a user, admin routes an admin.
func (s *Server) Handler() http.Handler {
	hooks := http.NewServeMux()
	hooks.HandleFunc("GET /webhooks/{channel}", s.webhookVerify)
	hooks.HandleFunc("POST /webhooks/{channel}", s.webhookReceive)

	mux := http.NewServeMux()

	// Machine routes: no session, no cookies.
	mux.HandleFunc("GET /healthz", s.healthz)
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics)
	}
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /static/", static.Handler())

	// Public browser routes.
	mux.Handle("GET /setup", s.browser(s.setupShow))
	mux.Handle("POST /setup", s.browser(s.setupSubmit))
	mux.Handle("GET /login", s.browser(s.loginShow))
	mux.Handle("POST /login", s.browser(s.loginSubmit))
	mux.Handle("POST /logout", s.browser(s.logout))
	mux.Handle("GET /login/verify", s.browser(s.loginVerifyShow))
	mux.Handle("POST /login/verify", s.browser(s.loginVerifySubmit))
	mux.Handle("POST /login/passkey/options", s.browser(s.passkeyLoginOptions))
	mux.Handle("POST /login/passkey", s.browser(s.passkeyLogin))
	mux.Handle("GET /password/forgot", s.browser(s.passwordForgotShow))
	mux.Handle("POST /password/forgot", s.browser(s.passwordForgotSubmit))
	mux.Handle("GET /password/reset", s.browser(s.passwordResetShow))
	mux.Handle("POST /password/reset", s.browser(s.passwordResetSubmit))

	// Everyone signed in.
	mux.Handle("GET /{$}", s.signedIn(s.home))
	mux.Handle("GET /inbox", s.signedIn(s.inboxShow))
	mux.Handle("GET /inbox/{id}", s.signedIn(s.inboxConversationShow))
	mux.Handle("GET /inbox/{id}/messages", s.signedIn(s.inboxMessagesList))
	mux.Handle("POST /inbox/{id}/messages", s.signedIn(s.inboxMessageSend))
	mux.Handle("POST /inbox/{id}/messages/template", s.signedIn(s.inboxTemplateSend))
	mux.Handle("POST /inbox/{id}/messages/interactive", s.signedIn(s.inboxInteractiveSend))
	mux.Handle("POST /inbox/{id}/messages/media", s.signedIn(s.inboxMediaSend))
	mux.Handle("POST /inbox/{id}/composer", s.signedIn(s.inboxComposerShow))
	mux.Handle("GET /inbox/{id}/template-form", s.signedIn(s.inboxTemplateForm))
	mux.Handle("POST /inbox/{id}/template-preview", s.signedIn(s.inboxTemplatePreview))
	mux.Handle("GET /inbox/{id}/events", s.signedIn(s.inboxEvents))
	mux.Handle("GET /inbox/{id}/orders", s.signedIn(s.inboxOrdersList))
	mux.Handle("POST /inbox/{id}/orders/{oid}/payment-link", s.signedIn(s.inboxOrderPaymentLink))
	mux.Handle("POST /inbox/{id}/orders/{oid}/paid", s.signedIn(s.inboxOrderPaid))
	mux.Handle("POST /inbox/{id}/orders/{oid}/cancel", s.signedIn(s.inboxOrderCancel))
	mux.Handle("GET /inbox/{id}/products", s.signedIn(s.inboxProductsForm))
	mux.Handle("POST /inbox/{id}/products", s.signedIn(s.inboxProductSend))
	mux.Handle("POST /inbox/{id}/messages/{mid}/reaction", s.signedIn(s.inboxMessageReact))
	mux.Handle("GET /inbox/{id}/media/{mid}", s.signedIn(s.inboxMediaShow))
	mux.Handle("GET /inbox/{id}/media/{mid}/size", s.signedIn(s.inboxMediaSize))
	mux.Handle("POST /inbox/{id}/media/{mid}/retry", s.signedIn(s.inboxMediaRetry))
	mux.Handle("GET /inbox/list", s.signedIn(s.inboxListPart))
	mux.Handle("GET /inbox/events", s.signedIn(s.inboxListEvents))
	mux.Handle("GET /inbox/{id}/actions", s.signedIn(s.inboxConversationActions))
	mux.Handle("POST /inbox/{id}/assign", s.signedIn(s.inboxConversationAssign))
	mux.Handle("POST /inbox/{id}/resolve", s.signedIn(s.inboxConversationResolve))
	mux.Handle("POST /inbox/{id}/reopen", s.signedIn(s.inboxConversationReopen))
	mux.Handle("GET /inbox/{id}/notes", s.signedIn(s.inboxNotesList))
	mux.Handle("POST /inbox/{id}/notes", s.signedIn(s.inboxNoteCreate))
	mux.Handle("GET /account", s.signedIn(s.accountShow))
	mux.Handle("POST /account/password", s.signedIn(s.accountPasswordChange))
	mux.Handle("POST /account/sessions/{sid}/end", s.signedIn(s.accountSessionEnd))
	mux.Handle("POST /account/sessions/end-others", s.signedIn(s.accountSessionsEndOthers))
	mux.Handle("GET /account/two-factor", s.signedIn(s.twoFactorShow))
	mux.Handle("POST /account/two-factor/totp", s.signedIn(s.totpStart))
	mux.Handle("POST /account/two-factor/totp/confirm", s.signedIn(s.totpConfirm))
	mux.Handle("POST /account/two-factor/totp/delete", s.signedIn(s.totpRemove))
	mux.Handle("POST /account/two-factor/recovery-codes", s.signedIn(s.recoveryCodesRegenerate))
	mux.Handle("GET /account/two-factor/recovery-codes", s.signedIn(s.recoveryCodesShow))
	mux.Handle("POST /account/passkeys/options", s.signedIn(s.passkeyRegisterOptions))
	mux.Handle("POST /account/passkeys", s.signedIn(s.passkeyRegister))
	mux.Handle("POST /account/passkeys/{id}/delete", s.signedIn(s.passkeyDelete))

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
	mux.Handle("POST /channels/{id}/dead-letters/reprocess", s.adminOnly(s.channelDeadLettersReprocess))
	mux.Handle("GET /channels/{id}/profile", s.adminOnly(s.channelProfileShow))
	mux.Handle("POST /channels/{id}/profile", s.adminOnly(s.channelProfileUpdate))
	mux.Handle("POST /channels/{id}/profile/preview", s.adminOnly(s.channelProfilePreview))
	mux.Handle("GET /channels/{id}/profile/picture", s.adminOnly(s.channelProfilePictureShow))
	mux.Handle("POST /channels/{id}/profile/picture", s.adminOnly(s.channelProfilePictureUpload))
	mux.Handle("GET /templates", s.adminOnly(s.templatesList))
	mux.Handle("GET /channels/{id}/templates", s.adminOnly(s.channelTemplatesList))
	mux.Handle("POST /channels/{id}/templates/sync", s.adminOnly(s.channelTemplatesSync))
	mux.Handle("GET /channels/{id}/templates/new", s.adminOnly(s.channelTemplateNew))
	mux.Handle("POST /channels/{id}/templates", s.adminOnly(s.channelTemplateCreate))
	mux.Handle("POST /channels/{id}/templates/preview", s.adminOnly(s.channelTemplatePreview))
	mux.Handle("GET /channels/{id}/templates/{tid}", s.adminOnly(s.channelTemplateShow))
	mux.Handle("GET /channels/{id}/templates/{tid}/edit", s.adminOnly(s.channelTemplateEdit))
	mux.Handle("POST /channels/{id}/templates/{tid}", s.adminOnly(s.channelTemplateUpdate))
	mux.Handle("GET /channels/{id}/templates/{tid}/duplicate", s.adminOnly(s.channelTemplateDuplicate))
	mux.Handle("POST /channels/{id}/templates/{tid}/delete", s.adminOnly(s.channelTemplateDelete))
	mux.Handle("GET /store", s.adminOnly(s.storeShow))
	mux.Handle("GET /store/orders", s.adminOnly(s.storeOrdersList))
	mux.Handle("GET /channels/{id}/store", s.adminOnly(s.channelStoreShow))
	mux.Handle("POST /channels/{id}/store", s.adminOnly(s.channelStoreUpdate))
	mux.Handle("GET /channels/{id}/store/products", s.adminOnly(s.channelProductsList))
	mux.Handle("POST /channels/{id}/store/products", s.adminOnly(s.channelProductCreate))
	mux.Handle("POST /channels/{id}/store/products/import", s.adminOnly(s.channelProductsImport))
	mux.Handle("GET /channels/{id}/store/products/{pid}/edit", s.adminOnly(s.channelProductEdit))
	mux.Handle("POST /channels/{id}/store/products/{pid}", s.adminOnly(s.channelProductUpdate))
	mux.Handle("POST /channels/{id}/store/products/{pid}/delete", s.adminOnly(s.channelProductDelete))
	mux.Handle("GET /channels/{id}/store/partners", s.adminOnly(s.channelPartnersList))
	mux.Handle("POST /channels/{id}/store/partners", s.adminOnly(s.channelPartnerCreate))
	mux.Handle("POST /channels/{id}/store/partners/{pid}/default", s.adminOnly(s.channelPartnerDefault))
	mux.Handle("POST /channels/{id}/store/partners/{pid}/delete", s.adminOnly(s.channelPartnerDelete))
	mux.Handle("GET /settings", s.adminOnly(s.settingsShow))
	mux.Handle("GET /settings/users", s.adminOnly(s.usersList))
	mux.Handle("GET /settings/users/new", s.adminOnly(s.userNew))
	mux.Handle("POST /settings/users", s.adminOnly(s.userCreate))
	mux.Handle("GET /settings/users/{id}", s.adminOnly(s.userEdit))
	mux.Handle("POST /settings/users/{id}", s.adminOnly(s.userUpdate))
	mux.Handle("POST /settings/users/{id}/disable", s.adminOnly(s.userDisable))
	mux.Handle("POST /settings/users/{id}/enable", s.adminOnly(s.userEnable))
	mux.Handle("POST /settings/users/{id}/password", s.adminOnly(s.userPasswordReset))
	mux.Handle("POST /settings/users/{id}/sessions/end", s.adminOnly(s.userSessionsEnd))
	mux.Handle("POST /settings/users/{id}/two-factor/reset", s.adminOnly(s.userTwoFactorReset))
	mux.Handle("GET /settings/security", s.adminOnly(s.settingsSecurityShow))
	mux.Handle("POST /settings/security", s.adminOnly(s.settingsSecuritySave))
	mux.Handle("GET /settings/departments", s.adminOnly(s.departmentsList))
	mux.Handle("POST /settings/departments", s.adminOnly(s.departmentCreate))
	mux.Handle("POST /settings/departments/{id}", s.adminOnly(s.departmentRename))
	mux.Handle("POST /settings/departments/{id}/delete", s.adminOnly(s.departmentDelete))
	mux.Handle("GET /settings/email", s.adminOnly(s.settingsEmailShow))
	mux.Handle("POST /settings/email", s.adminOnly(s.settingsEmailSave))
	mux.Handle("POST /settings/email/test", s.adminOnly(s.settingsEmailTestSend))
	mux.Handle("GET /settings/audit", s.adminOnly(s.settingsAuditList))
	mux.Handle("GET /settings/privacy", s.adminOnly(s.settingsPrivacyShow))
	mux.Handle("GET /settings/privacy/contacts/{id}/export", s.adminOnly(s.contactExport))
	mux.Handle("POST /settings/privacy/contacts/{id}/erase", s.adminOnly(s.contactErase))

	// Anything else: a 404 page (inside the session, so the layout knows who
	// is signed in).
	mux.Handle("/", s.browser(s.notFound))

	webhooks := s.observeWebhooks(hooks)
	browser := securityHeaders(s.crossOriginProtection(mux))
	return s.trustForwarded(s.recoverPanics(s.logRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/webhooks/") {
			w.Header().Set("X-Content-Type-Options", "nosniff")
			webhooks.ServeHTTP(w, r)
			return
		}
		browser.ServeHTTP(w, r)
	}))))
}
