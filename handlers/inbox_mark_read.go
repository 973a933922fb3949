package handlers

import (
	"context"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/store"
)

// markRead marks conversation c read for the agent looking at it and asks
// for the customer's ticks to turn blue (queueReadReceipt). When there was
// something unread, the other open inboxes are told, so that their unread
// counts catch up at once; opening a conversation already read tells
// nobody.
func (s *Server) markRead(ctx context.Context, c store.Conversation) error {
	changed, err := s.db.MarkConversationRead(ctx, c.ID)
	if err != nil {
		return err
	}
	if changed {
		s.publish(events.Event{Kind: events.ConversationRead, ChannelID: c.ChannelID, ConversationID: c.ID})
	}
	s.queueReadReceipt(ctx, c.ID)
	return nil
}
