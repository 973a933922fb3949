package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// channelPartnerDefault makes a payment partner the channel's default: the
// one whose link "Send payment link" sends.
func (s *Server) channelPartnerDefault(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	pid, ok := pathID(r, "pid")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.db.SetDefaultPaymentPartner(r.Context(), ch.ID, pid)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditPartnerDefault, "channel", ch.ID, ch.Title, changes{"partner_id": pid})
	s.log.Info("default payment partner set", "channel_id", ch.ID, "partner_id", pid, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.channel_partner_default.default_payment_partner_changed"))
	redirect(w, r, storePath(ch.ID)+"/partners")
}
