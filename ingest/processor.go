package ingest

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/providers"
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
	// Health, when set, receives every parsed body for its limit, quality,
	// template health and account events (package limits).
	Health func(ctx context.Context, b *providers.WebhookBatch) error
	// Busy, when set, reports that webhooks are arriving; the processor
	// then leaves half the time to the acknowledgements, which providers
	// wait on, and catches up when the burst is over.
	Busy func() bool
	// NewMessages, when set, is called after a commit that stored new
	// messages (the media worker then fetches their files).
	NewMessages func()
	// OptedOut, when set, is called after the commit for each customer
	// whose message opted them out of marketing just now (a keyword or
	// Meta's button), once per opt-out: it confirms to the customer.
	OptedOut func(ctx context.Context, m store.AppliedMessage)
	// Statuses, when set, is called after a commit that stored status
	// updates (the pricer then prices reported messages).
	Statuses func()
	wake     chan struct{}
	stall    stall
	now      func() time.Time
	// parsers read each channel's bodies with its provider's parser.
	parsers parsers
}

// NewProcessor returns a processor that reads webhook bodies with the
// providers of reg and publishes changes to hub.
func NewProcessor(db *store.DB, log *slog.Logger, hub *events.Hub, reg *providers.Registry) *Processor {
	return &Processor{db: db, log: log, hub: hub, wake: make(chan struct{}, 1), now: time.Now, parsers: parsers{reg: reg}}
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
		if errors.Is(err, ErrStalled) {
			// The storage fails (disk full, busy, I/O): wait, then try the
			// same events again. Webhooks still arriving wake nothing here.
			select {
			case <-ctx.Done():
				return
			case <-time.After(p.retryDelay()):
			}
			continue
		}
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
// how many it handled. When the storage fails for a reason that passes
// (disk full, database busy, I/O error), it stops at the first event it
// could not apply and returns an error wrapping ErrStalled: nothing is
// marked dead, and the next call starts again from that event, so the
// events of every conversation are applied in the order they came.
func (p *Processor) ProcessPending(ctx context.Context) (int, error) {
	evs, err := p.db.PendingWebhookEvents(ctx, processBatch)
	if err != nil || len(evs) == 0 {
		if err != nil && store.IsTransient(err) {
			err = p.stalled(err)
		}
		return 0, err
	}
	parse, err := p.parsers.forEvents(ctx, p.db, evs)
	if err != nil {
		if store.IsTransient(err) {
			err = p.stalled(err)
		}
		return 0, err
	}
	keywords, err := p.optOutKeywords(ctx)
	if err != nil {
		if store.IsTransient(err) {
			err = p.stalled(err)
		}
		return 0, err
	}
	processed := make([]store.ProcessedEvent, 0, len(evs))
	for _, ev := range evs {
		processed = append(processed, p.process(ctx, ev, parse[ev.ChannelID], keywords))
	}
	if err := p.fileByNumber(ctx, processed); err != nil {
		return 0, err
	}
	applied, err := p.db.ApplyProcessedEvents(ctx, processed)
	if err != nil {
		if ctx.Err() != nil {
			return 0, err
		}
		if store.IsTransient(err) {
			return 0, p.stalled(err)
		}
		var n int
		applied, n, err = p.applyOneByOne(ctx, processed)
		if err != nil {
			p.publish(applied)
			return n, err
		}
	}
	p.recovered()
	p.publish(applied)
	p.confirmOptOuts(ctx, applied)
	return len(evs), nil
}

// optOutKeywords are the words that opt a customer out of marketing.
func (p *Processor) optOutKeywords(ctx context.Context) ([]consent.Keyword, error) {
	ks, err := p.db.OptOutKeywords(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]consent.Keyword, len(ks))
	for i, k := range ks {
		out[i] = consent.Keyword{Keyword: k.Keyword, Language: k.Language}
	}
	return out, nil
}

// markOptOut marks a message that asks to stop marketing: a text that is
// one of the keywords, or a tap on Meta's Stop promotions button. Storing
// it opts the contact out (store.InboundMessage.OptOut).
func markOptOut(in *store.InboundMessage, m providers.InboundMessage, keywords []consent.Keyword) {
	switch {
	case m.Type == providers.KindText:
		if k, ok := consent.MatchKeyword(m.Text, keywords); ok {
			in.OptOut, in.OptOutLanguage = consent.SourceKeyword+k.Keyword, k.Language
		}
	case m.Button != nil && consent.IsStopButton(m.Button.Text, m.Button.Payload):
		in.OptOut = consent.SourceMetaButton
	}
}

// confirmOptOuts hands the customers who opted out just now to OptedOut.
// The opt-out itself is committed with the message; a crash before this
// call loses only the confirmation, never sends it twice.
func (p *Processor) confirmOptOuts(ctx context.Context, a store.Applied) {
	if p.OptedOut == nil {
		return
	}
	for _, m := range a.NewMessages {
		if m.OptedOut {
			p.OptedOut(ctx, m)
		}
	}
}

// fileByNumber sets the channel of every message from the number that
// received it (see numberRouter).
func (p *Processor) fileByNumber(ctx context.Context, processed []store.ProcessedEvent) error {
	r := newNumberRouter(p.db)
	for i := range processed {
		if err := r.route(ctx, &processed[i]); err != nil {
			if ctx.Err() == nil {
				err = p.stalled(err)
			}
			return err
		}
	}
	return nil
}

// applyOneByOne applies a batch that failed as a whole event by event, so
// that one event the store refuses for good does not hold up the others:
// that one is kept as a dead letter (an admin can reprocess it). A
// transient failure stops here, with the events before it applied; n says
// how many were handled.
func (p *Processor) applyOneByOne(ctx context.Context, processed []store.ProcessedEvent) (applied store.Applied, n int, err error) {
	p.log.Warn("webhook batch failed; applying events one by one", "events", len(processed))
	for i, pe := range processed {
		a, err := p.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{pe})
		if err != nil {
			if ctx.Err() != nil {
				return applied, i, err
			}
			if store.IsTransient(err) {
				return applied, i, p.stalled(err)
			}
			p.log.Error("webhook event kept as dead letter", "event_id", pe.EventID, "channel_id", pe.ChannelID, "err", err)
			dead := store.ProcessedEvent{EventID: pe.EventID, ChannelID: pe.ChannelID,
				Dead: "wadesk could not store this event: " + err.Error()}
			if _, err := p.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{dead}); err != nil {
				if store.IsTransient(err) {
					err = p.stalled(err)
				}
				return applied, i, err
			}
			continue
		}
		applied.NewMessages = append(applied.NewMessages, a.NewMessages...)
		applied.StatusChanges = append(applied.StatusChanges, a.StatusChanges...)
		applied.ClosedWindows = append(applied.ClosedWindows, a.ClosedWindows...)
	}
	return applied, len(processed), nil
}

// process parses one journaled body. Template status updates are applied
// here, before the event is marked done, so a crash re-applies them
// (harmlessly) rather than losing them.
func (p *Processor) process(ctx context.Context, ev store.WebhookEvent, parse func([]byte) (*providers.WebhookBatch, error), keywords []consent.Keyword) store.ProcessedEvent {
	out := store.ProcessedEvent{EventID: ev.ID, ChannelID: ev.ChannelID}
	batch, err := parse(ev.Body)
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
		in := inbound(m, names)
		markOptOut(&in, m, keywords)
		out.Messages = append(out.Messages, in)
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
	if p.Health != nil {
		if err := p.Health(ctx, batch); err != nil {
			p.log.Error("apply health events", "event_id", ev.ID, "err", err)
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
	if errors.Is(err, providers.ErrNotWebhook) {
		return "Not a WhatsApp Business Account webhook: " + err.Error()
	}
	return "Could not read the webhook body: " + err.Error()
}

func (p *Processor) publish(a store.Applied) {
	if p.NewMessages != nil && len(a.NewMessages) > 0 {
		p.NewMessages()
	}
	if p.Statuses != nil && (len(a.StatusChanges) > 0 || len(a.ClosedWindows) > 0) {
		p.Statuses()
	}
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
