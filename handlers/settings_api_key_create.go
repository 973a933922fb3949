package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/api"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// settingsAPIKeyCreate makes a key and shows it this once (the answer is
// the page itself, not a redirect, and is not cached); only its hash is
// kept.
func (s *Server) settingsAPIKeyCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	v := views.APIKeysView{Name: strings.TrimSpace(r.PostFormValue("name")), Errors: views.Errors{}}
	var scopes []string
	for _, sc := range r.PostForm["scope"] {
		switch sc {
		case api.ScopeSend:
			v.Send = true
		case api.ScopeRead:
			v.Read = true
		}
	}
	if v.Read {
		scopes = append(scopes, api.ScopeRead)
	}
	if v.Send {
		scopes = append(scopes, api.ScopeSend)
	}
	switch {
	case v.Name == "":
		v.Errors["name"] = i18n.T(ctx, "api.keys.error_name")
	case utf8.RuneCountInString(v.Name) > 60:
		v.Errors["name"] = i18n.T(ctx, "api.keys.error_name_long")
	}
	if len(scopes) == 0 {
		v.Errors["scope"] = i18n.T(ctx, "api.keys.error_scope")
	}
	if len(v.Errors) > 0 {
		s.renderAPIKeys(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	token, prefix, hash, err := api.NewKey()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	k, err := s.db.CreateAPIKey(ctx, v.Name, prefix, hash, scopes, currentUser(ctx).ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditAPIKeyCreated, "api_key", k.ID, k.Name, changes{"scopes": scopes})
	s.log.Info("API key created", "api_key_id", k.ID, "by", currentUser(ctx).ID)
	s.renderAPIKeys(w, r, http.StatusOK, views.APIKeysView{NewKey: token, NewKeyName: k.Name, Send: true})
}
