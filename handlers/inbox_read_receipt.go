package handlers

import "context"

// queueReadReceipt asks for the customer's newest message in a
// conversation an agent is looking at to be marked read at the provider
// (the customer's ticks turn blue). The provider is called by the read
// receipt worker, never while the page waits, and each message is asked
// for once. A failure here only costs the blue ticks: it is logged, and
// the page is shown all the same.
func (s *Server) queueReadReceipt(ctx context.Context, conversationID int64) {
	queued, err := s.db.QueueReadReceipt(ctx, conversationID)
	if err != nil {
		s.log.Error("queue read receipt", "conversation_id", conversationID, "err", err)
		return
	}
	if queued && s.receipts != nil {
		s.receipts.Notify()
	}
}
