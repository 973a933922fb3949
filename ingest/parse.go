package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// parsers finds, for each journaled body, the provider of the channel it
// arrived on, whose parser turns it into neutral events. A channel's
// provider never changes, so it is looked up once per channel.
type parsers struct {
	reg *providers.Registry
	mu  sync.Mutex
	ids map[int64]providers.ProviderID
}

// forEvents returns the parser of each event's channel. An error (the
// database could not be read) leaves the events pending, to be retried.
func (ps *parsers) forEvents(ctx context.Context, db *store.DB, evs []store.WebhookEvent) (map[int64]func([]byte) (*providers.WebhookBatch, error), error) {
	out := make(map[int64]func([]byte) (*providers.WebhookBatch, error), 1)
	for _, ev := range evs {
		if _, done := out[ev.ChannelID]; done {
			continue
		}
		id, err := ps.providerOf(ctx, db, ev.ChannelID)
		if err != nil {
			return nil, err
		}
		prov, ok := ps.reg.Lookup(id)
		if !ok {
			out[ev.ChannelID] = func([]byte) (*providers.WebhookBatch, error) {
				return nil, fmt.Errorf("%w: the channel's provider %q has no adapter in this wadesk", errNoParser, id)
			}
			continue
		}
		out[ev.ChannelID] = prov.Parse
	}
	return out, nil
}

func (ps *parsers) providerOf(ctx context.Context, db *store.DB, channelID int64) (providers.ProviderID, error) {
	ps.mu.Lock()
	id, ok := ps.ids[channelID]
	ps.mu.Unlock()
	if ok {
		return id, nil
	}
	ch, err := db.ChannelByID(ctx, channelID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil // removed for good: no parser, kept as a dead letter
	}
	if err != nil {
		return "", fmt.Errorf("ingest: provider of channel %d: %w", channelID, err)
	}
	ps.mu.Lock()
	if ps.ids == nil {
		ps.ids = map[int64]providers.ProviderID{}
	}
	ps.ids[channelID] = providers.ProviderID(ch.Provider)
	ps.mu.Unlock()
	return providers.ProviderID(ch.Provider), nil
}

var errNoParser = errors.New("no webhook parser")
