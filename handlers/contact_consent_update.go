package handlers

import (
	"net/http"
	"time"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/i18n"
)

// contactConsentUpdate records what the customer told an agent: that they
// agree to business-initiated messages (or no longer), that they want no
// marketing (or want it again); or blocks and unblocks the contact.
func (s *Server) contactConsentUpdate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadContact(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	now := time.Now()
	action := r.PostFormValue("action")
	var err error
	switch action {
	case "opt_in":
		err = s.db.SetContactOptIn(ctx, c.ID, &now, consent.SourceAgent)
	case "clear_opt_in":
		err = s.db.SetContactOptIn(ctx, c.ID, nil, "")
	case "opt_out":
		err = s.db.SetMarketingOptOut(ctx, c.ID, &now, consent.SourceAgent)
	case "opt_back_in":
		err = s.db.SetMarketingOptOut(ctx, c.ID, nil, "")
	case "block":
		err = s.db.SetContactBlocked(ctx, c.ID, true)
	case "unblock":
		err = s.db.SetContactBlocked(ctx, c.ID, false)
	default:
		s.badRequest(w, r, errUnknownAction)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditContactConsent, "contact", c.ID, c.Phone, changes{"action": action})
	s.log.Info("contact consent changed", "contact_id", c.ID, "action", action, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, i18n.T(ctx, "contacts.flash.consent_"+action))
	redirect(w, r, contactPath(c.ID))
}
