package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// inboxOrderCancel cancels an order that is new or waiting for payment.
func (s *Server) inboxOrderCancel(w http.ResponseWriter, r *http.Request) {
	s.setOrderStatus(w, r, store.OrderCancelled, "cancelled")
}
