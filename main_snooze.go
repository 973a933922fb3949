package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/store"
)

// wakeSnoozed brings snoozed conversations back to the Open list when
// their time comes (a customer's message brings them back at once, in
// ingest), and tells open pages.
func wakeSnoozed(ctx context.Context, db *store.DB, hub *events.Hub, log *slog.Logger) {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		woken, err := db.WakeSnoozed(ctx, time.Now())
		if err != nil && ctx.Err() == nil {
			log.Error("waking snoozed conversations failed; retrying", "err", err)
		}
		for _, w := range woken {
			hub.Publish(events.Event{Kind: events.ConversationStatus, ChannelID: w.ChannelID, ConversationID: w.ConversationID,
				Status: store.ConversationOpen})
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
