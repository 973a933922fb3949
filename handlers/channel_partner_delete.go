package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// channelPartnerDelete removes a payment partner. Links already sent stay
// as they are; if it was the default, the oldest other partner becomes it.
func (s *Server) channelPartnerDelete(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	pid, ok := pathID(r, "pid")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.db.DeletePaymentPartner(r.Context(), ch.ID, pid)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditPartnerRemoved, "channel", ch.ID, ch.Title, changes{"partner_id": pid})
	s.log.Info("payment partner removed", "channel_id", ch.ID, "partner_id", pid, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.channel_partner_delete.payment_partner_removed"))
	redirect(w, r, storePath(ch.ID)+"/partners")
}
