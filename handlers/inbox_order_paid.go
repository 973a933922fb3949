package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// inboxOrderPaid marks an order paid: the agent saw the payment.
func (s *Server) inboxOrderPaid(w http.ResponseWriter, r *http.Request) {
	s.setOrderStatus(w, r, store.OrderPaid, "marked paid")
}

// setOrderStatus moves an active order (new, or waiting for payment) to
// a final status.
func (s *Server) setOrderStatus(w http.ResponseWriter, r *http.Request, to, done string) {
	c, o, ok := s.loadConversationOrder(w, r)
	if !ok {
		return
	}
	user := currentUser(r.Context())
	err := s.db.SetOrderStatus(r.Context(), o.ID, []string{store.OrderNew, store.OrderLinkSent}, to, user.ID)
	if errors.Is(err, store.ErrOrderState) {
		now, _ := s.db.ConversationOrder(r.Context(), c.ID, o.ID)
		s.orderActionRefused(w, r, c, o.ID, i18n.T(r.Context(), "states.order.already", "Status", lowerFirst(orderStatusLabel(r.Context(), now.Status))))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("order status changed", "order_id", o.ID, "status", to, "user_id", user.ID)
	s.orderChanged(c, o.ID)
	s.orderActionDone(w, r, c, "Order #"+itoa(o.ID)+" "+done+".")
}
