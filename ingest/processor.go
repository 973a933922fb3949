package ingest

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/window"
)

// processBatch bounds how many journaled events one transaction applies.
// Small transactions keep the single writer free for the journal, whose
// commits the providers are waiting on; the processor catches up between.
const processBatch = 32

// TemplateStatusFunc applies a template status webhook (approval,
// rejection…) to the stored templates of the account's channels.
type TemplateStatusFunc func(ctx context.Context, wabaID string, u providers.TemplateStatusUpdate) error

// Processor applies journaled webhook bodies, oldest first.
type Processor struct {
	db  *store.DB
	log *slog.Logger
	hub *events.Hub
	// Templates, when set, receives template status updates.
	Templates TemplateStatusFunc
	// Busy, when set, reports that webhooks are arriving; the processor
	// then leaves half the time to the acknowledgements, which providers
	// wait on, and catches up when the burst is over.
	Busy func() bool
	wake chan struct{}
}

// NewProcessor returns a processor that publishes changes to hub.
func NewProcessor(db *store.DB, log *slog.Logger, hub *events.Hub) *Processor {
	return &Processor{db: db, log: log, hub: hub, wake: make(chan struct{}, 1)}
}

// Notify wakes the processor (the journal calls it after each commit).
func (p *Processor) Notify() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run processes until ctx is done. It starts with whatever a previous run
// (or a crash) left unprocessed.
func (p *Processor) Run(ctx context.Context) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		start := time.Now()
		n, err := p.ProcessPending(ctx)
		if err != nil && ctx.Err() == nil {
			p.log.Error("webhook processing failed; retrying", "err", err)
		}
		if n == processBatch && err == nil {
			if p.Busy != nil && p.Busy() {
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Since(start)):
				}
			}
			continue // more may be waiting
		}
		if err == nil {
			p.indexForSearch(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		case <-tick.C:
		}
	}
}

// ProcessPending applies up to one batch of unprocessed events and returns
// how many it handled.
func (p *Processor) ProcessPending(ctx context.Context) (int, error) {
	evs, err := p.db.PendingWebhookEvents(ctx, processBatch)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	processed := make([]store.ProcessedEvent, 0, len(evs))
	for _, ev := range evs {
		processed = append(processed, p.process(ctx, ev))
	}
	applied, err := p.db.ApplyProcessedEvents(ctx, processed)
	if err != nil {
		if ctx.Err() != nil {
			return 0, err
		}
		// One bad event must not hold up the others: apply them one by one,
		// and keep any that still fails as a dead letter.
		p.log.Warn("webhook batch failed; applying events one by one", "events", len(processed), "err", err)
		applied = store.Applied{}
		for _, pe := range processed {
			a, err := p.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{pe})
			if err != nil {
				if ctx.Err() != nil {
					return 0, err
				}
				p.log.Error("webhook event kept as dead letter", "event_id", pe.EventID, "channel_id", pe.ChannelID, "err", err)
				if _, err := p.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{EventID: pe.EventID, ChannelID: pe.ChannelID,
					Dead: "wadesk could not store this event: " + err.Error()}}); err != nil {
					return 0, err
				}
				continue
			}
			applied.NewMessages = append(applied.NewMessages, a.NewMessages...)
			applied.StatusChanges = append(applied.StatusChanges, a.StatusChanges...)
		}
	}
	p.publish(applied)
	return len(evs), nil
}

// process parses one journaled body. Template status updates are applied
// here, before the event is marked done, so a crash re-applies them
// (harmlessly) rather than losing them.
func (p *Processor) process(ctx context.Context, ev store.WebhookEvent) store.ProcessedEvent {
	out := store.ProcessedEvent{EventID: ev.ID, ChannelID: ev.ChannelID}
	batch, err := cloudapi.ParseWebhook(ev.Body)
	if err != nil {
		out.Dead = deadReason(err)
		p.log.Warn("webhook kept as dead letter", "event_id", ev.ID, "channel_id", ev.ChannelID, "reason", out.Dead)
		return out
	}
	for _, m := range batch.Messages {
		if m.ID == "" {
			continue
		}
		var names map[string]string
		if m.Order != nil {
			names = p.productNames(ctx, ev.ChannelID, m.Order)
		}
		out.Messages = append(out.Messages, inbound(m, names))
	}
	for _, s := range batch.Statuses {
		if s.MessageID == "" || s.Status == "" {
			continue
		}
		out.Statuses = append(out.Statuses, status(s))
	}
	for _, q := range batch.QualityUpdates {
		out.Numbers = append(out.Numbers, numberUpdate(q))
	}
	for _, t := range batch.TemplateStatuses {
		if p.Templates == nil {
			continue
		}
		if err := p.Templates(ctx, t.Meta.EntryID, t); err != nil {
			p.log.Error("apply template status", "event_id", ev.ID, "template", t.TemplateName, "err", err)
		}
	}
	for _, u := range batch.Unknown {
		p.log.Info("webhook change kept but not used", "event_id", ev.ID, "field", u.Field)
	}
	return out
}

// productNames are the catalog's names of an order's products. Without
// them the summary names the products by code, so a failed read is only
// logged.
func (p *Processor) productNames(ctx context.Context, channelID int64, o *providers.Order) map[string]string {
	ids := make([]string, 0, len(o.Items))
	for _, it := range o.Items {
		ids = append(ids, it.ProductRetailerID)
	}
	ps, err := p.db.ProductsByRetailerID(ctx, channelID, ids)
	if err != nil {
		p.log.Warn("order summary without product names", "channel_id", channelID, "err", err)
		return nil
	}
	names := make(map[string]string, len(ps))
	for id, pr := range ps {
		names[id] = pr.Name
	}
	return names
}

func deadReason(err error) string {
	if errors.Is(err, cloudapi.ErrNotWebhook) {
		return "Not a WhatsApp Business Account webhook: " + err.Error()
	}
	return "Could not read the webhook body: " + err.Error()
}

func (p *Processor) publish(a store.Applied) {
	if p.hub == nil {
		return
	}
	now := time.Now()
	for _, m := range a.NewMessages {
		p.hub.Publish(events.Event{Kind: events.MessageCreated, ChannelID: m.ChannelID, ConversationID: m.ConversationID, MessageID: m.MessageID})
		if reopened(m, now) {
			p.hub.Publish(events.Event{Kind: events.WindowOpened, ChannelID: m.ChannelID, ConversationID: m.ConversationID, MessageID: m.MessageID})
		}
	}
	for _, m := range a.StatusChanges {
		p.hub.Publish(events.Event{Kind: events.MessageStatus, ChannelID: m.ChannelID, ConversationID: m.ConversationID, MessageID: m.MessageID, Status: m.Status})
	}
	for _, m := range a.ClosedWindows {
		p.hub.Publish(events.Event{Kind: events.WindowClosed, ChannelID: m.ChannelID, ConversationID: m.ConversationID})
	}
}

// reopened reports whether the new inbound message m opened its
// conversation's customer service window, closed until then (or never
// open: the customer had not written before): pages showing
// the closed composer then fetch the reply box again. A message within an
// open window, or an old one that leaves the window closed, does not.
func reopened(m store.AppliedMessage, now time.Time) bool {
	before := window.Stored(m.WindowBefore.LastInboundAt, m.WindowBefore.ClosedAt, now)
	after := window.Stored(m.WindowAfter.LastInboundAt, m.WindowAfter.ClosedAt, now)
	return !before.Open && after.Open
}

// indexForSearch adds the messages stored since the last time to the
// search index, in batches, while no webhooks are waiting: indexing is
// kept out of the transactions that apply webhooks (it made them slower),
// and a search catches up on its own anyway.
func (p *Processor) indexForSearch(ctx context.Context) {
	for ctx.Err() == nil && (p.Busy == nil || !p.Busy()) {
		n, err := p.db.IndexPendingMessages(ctx, 0)
		if err != nil {
			if ctx.Err() == nil {
				p.log.Error("search indexing failed; retrying later", "err", err)
			}
			return
		}
		if n == 0 {
			return
		}
	}
}
