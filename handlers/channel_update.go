package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// channelUpdate saves a channel's settings. A new access token is tried
// against the provider before it replaces the stored one.
func (s *Server) channelUpdate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	f := views.ChannelEditForm{
		ID:          ch.ID,
		Title:       strings.TrimSpace(r.PostFormValue("title")),
		AppID:       strings.TrimSpace(r.PostFormValue("app_id")),
		ForwardURL:  strings.TrimSpace(r.PostFormValue("forward_url")),
		AlertEmails: strings.TrimSpace(r.PostFormValue("alert_emails")),
		Errors:      views.Errors{},
	}
	var deptID int64
	if ids := formIDs(r, "department_id"); len(ids) == 1 {
		deptID = ids[0]
	}
	token := strings.TrimSpace(r.PostFormValue("access_token"))
	appSecret := strings.TrimSpace(r.PostFormValue("app_secret"))
	if ch.Provider == string(providers.MetaCloud) {
		appSecret = strings.ToLower(appSecret) // Meta shows App Secrets in lower case
	}

	if f.Title == "" {
		f.Errors["title"] = "Give the channel a name."
	} else if len(f.Title) > 80 {
		f.Errors["title"] = "Use at most 80 characters."
	}
	if f.ForwardURL != "" {
		if msg := checkForwardURL(f.ForwardURL); msg != "" {
			f.Errors["forward_url"] = msg
		}
	}
	emails, msg := parseEmailList(f.AlertEmails)
	if msg != "" {
		f.Errors["alert_emails"] = msg
	}
	// Reuse the provider's wizard rules for the write-only fields; an
	// empty secret keeps the stored one.
	prov, _ := s.providerOf(ch)
	for name, v := range map[string]string{providers.FieldAppID: f.AppID, providers.FieldToken: token, providers.FieldAppSecret: appSecret} {
		if msg := fieldProblem(prov, name, v); v != "" && msg != "" {
			f.Errors[name] = msg
		}
	}
	if token != "" && !f.Errors.Has("access_token") {
		if p := s.tryToken(r.Context(), ch, token); p != "" {
			f.Errors["access_token"] = p
		}
	}
	rerender := func() {
		opts, err := s.departmentOptions(r, []int64{deptID})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		f.Departments = opts
		s.credentialLabels(r.Context(), ch, &f)
		s.render(w, r, http.StatusUnprocessableEntity, views.ChannelEditPage(s.page(w, r, i18n.T(r.Context(), "titles.edit", "Name", ch.Title), views.NavChannels), f))
	}
	if len(f.Errors) > 0 {
		rerender()
		return
	}
	up := store.ChannelUpdate{Title: f.Title, DepartmentID: deptID, AppID: f.AppID, ForwardURL: f.ForwardURL, AlertEmails: emails}
	if token != "" {
		up.AccessToken = &token
	}
	if appSecret != "" {
		up.AppSecret = &appSecret
	}
	err := s.db.UpdateChannel(r.Context(), ch.ID, up)
	s.forgetAppSecret(ch.ID)
	if errors.Is(err, store.ErrNotFound) {
		f.Errors[""] = "The chosen department was deleted meanwhile, or the channel is gone. Check and save again."
		rerender()
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	c := changes{}.diff("title", ch.Title, f.Title).diff("app_id", ch.AppID, f.AppID).diff("forward_url", ch.ForwardURL, f.ForwardURL).
		diff("department_id", ch.DepartmentID, deptID).diff("alert_emails", nonNil(ch.AlertEmails), nonNil(emails))
	if len(c) > 0 {
		s.audit(r, auditChannelUpdated, "channel", ch.ID, f.Title, c)
	}
	if token != "" || appSecret != "" {
		s.audit(r, auditChannelSecrets, "channel", ch.ID, f.Title, changes{}.secret("access_token", token != "").secret("app_secret", appSecret != ""))
	}
	s.log.Info("channel updated", "channel_id", ch.ID, "token_replaced", token != "", "app_secret_replaced", appSecret != "",
		"by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, "Saved the changes to "+f.Title+".")
	redirect(w, r, "/channels/"+itoa(ch.ID))
}

// tryToken checks that a replacement token can read the channel's number,
// returning a plain-words problem or "".
func (s *Server) tryToken(ctx context.Context, ch store.Channel, token string) string {
	sec, err := s.db.ChannelSecrets(ctx, ch.ID)
	if err != nil {
		return "The stored credentials could not be read; try again."
	}
	creds := ch.Credentials(sec)
	creds.Token = token
	client, err := s.providers.Connect(creds)
	if err != nil {
		return i18n.T(ctx, "flash.provider.token_unusable", "Provider", providerName(ctx, ch.Provider))
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := client.GetPhoneNumber(ctx, ch.PhoneNumberID); err != nil {
		msg := plainError(ctx, err)
		if pe, ok := providers.AsError(err); ok && pe.Code != 0 {
			msg += " (error code " + itoa(int64(pe.Code)) + ")"
		}
		return "The new token was not accepted for this number, so it was not saved: " + msg
	}
	return ""
}

func checkForwardURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "Enter a full web address starting with https://."
	}
	if len(raw) > 2000 {
		return "Use at most 2,000 characters."
	}
	return ""
}

// parseEmailList reads a comma-separated list of addresses.
func parseEmailList(raw string) ([]string, string) {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, err := mail.ParseAddress(part)
		if err != nil || a.Name != "" || !strings.Contains(a.Address, ".") {
			return nil, "\"" + part + "\" is not an email address. Separate addresses with commas."
		}
		if key := strings.ToLower(a.Address); !seen[key] {
			seen[key] = true
			out = append(out, a.Address)
		}
	}
	if len(out) > 10 {
		return nil, "Use at most 10 addresses."
	}
	return out, ""
}

// fieldProblem checks v with the provider's rules for the credential field
// name; "" when it is fine or the provider has no such field.
func fieldProblem(p providers.Provider, name, v string) string {
	for _, f := range p.Fields {
		if f.Name == name {
			return f.Validate(f.Normalize(v))
		}
	}
	return ""
}
