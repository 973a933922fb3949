package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// contactErase erases everything stored about a contact once the admin
// has typed their number to confirm.
func (s *Server) contactErase(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	c, err := s.db.ContactByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	query := strings.TrimSpace(r.PostFormValue("q"))
	confirm := strings.TrimSpace(r.PostFormValue("confirm"))
	if digitsOf(confirm) == "" || digitsOf(confirm) != digitsOf(c.Phone) {
		msg := "Type the customer's number, " + c.Phone + ", to confirm. Nothing was erased."
		if confirm == "" {
			msg = "Type " + c.Phone + " to confirm that this customer is to be erased. Nothing was erased."
		}
		s.renderPrivacy(w, r, http.StatusUnprocessableEntity, query, &views.PrivacyContact{ID: c.ID, Confirm: confirm, Error: msg})
		return
	}
	e, err := s.db.EraseContact(ctx, c.ID)
	if errors.Is(err, store.ErrContactBusy) {
		s.renderPrivacy(w, r, http.StatusConflict, query, &views.PrivacyContact{ID: c.ID, Confirm: confirm,
			Error: "Messages from this customer arrived moments ago and are still being stored. Try again in a minute; nothing was erased."})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if s.blobs != nil {
		if _, err := s.blobs.RemoveUnreferenced(ctx, e.MediaBlobs, s.db.MediaBlobReferenced); err != nil {
			// The hourly collection removes what is left.
			s.log.Error("contact erase: remove media files", "contact_id", c.ID, "err", err)
		}
	}
	// The audit trail names the contact by id only: it must not keep what
	// was just erased.
	s.audit(r, auditContactErased, "contact", c.ID, fmt.Sprintf("#%d", c.ID),
		changes{"messages": e.Messages, "conversations": e.Conversations, "webhooks": e.Webhooks})
	s.log.Info("contact erased", "contact_id", c.ID, "messages", e.Messages, "conversations", e.Conversations,
		"webhooks", e.Webhooks, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, fmt.Sprintf("Erased the customer: %d message(s) in %d conversation(s), and %d stored webhook(s) that mentioned them. Nothing about them remains in wadesk's database.",
		e.Messages, e.Conversations, e.Webhooks))
	to := "/settings/privacy"
	if query != "" {
		to += "?q=" + url.QueryEscape(query)
	}
	redirect(w, r, to)
}

// digitsOf keeps a phone number's digits, so that "+1 650-555 1234"
// confirms +16505551234.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
