// Package events is wadesk's in-process publish/subscribe hub: the webhook
// processor publishes what changed (a new message, a status), and open
// inbox pages subscribe to hear about it through server-sent events.
package events

import "sync"

// Kinds of events.
const (
	MessageCreated = "message.created"
	MessageStatus  = "message.status"
	// OrderChanged: an order of the conversation changed status.
	OrderChanged = "order.changed"
	// ConversationAssigned: the assignee changed (Event.Status is empty).
	ConversationAssigned = "conversation.assigned"
	// ConversationStatus: resolved or reopened by an agent (Event.Status
	// is the new status).
	ConversationStatus = "conversation.status"
	// NoteCreated: an internal note was added to the conversation.
	NoteCreated = "note.created"
	// WindowClosed: the provider refused a free-form message because the
	// conversation's customer service window is closed (for Meta, error
	// 131047); only templates can be sent until the customer writes.
	// Event.MessageID is 0.
	WindowClosed = "window.closed"
	// WindowOpened: a customer's message opened the conversation's customer
	// service window again after it had closed (by the clock or by the
	// provider's word): free-form messages may be sent again. Event.MessageID
	// is that message.
	WindowOpened = "window.opened"
	// ConversationRead: an agent opened the conversation and its unread
	// messages were marked read (only when there were some).
	ConversationRead = "conversation.read"
	// ConversationLabelled: labels were put on or taken off the
	// conversation.
	ConversationLabelled = "conversation.labelled"
)

// Event says that something changed; subscribers re-read what they show.
type Event struct {
	Kind           string
	ChannelID      int64
	ConversationID int64
	MessageID      int64
	Status         string
}

// Hub fans events out to subscribers. Publishing never blocks: a
// subscriber that does not keep up loses events (and is told so by the
// Dropped counter of its Subscription), never the publisher's time.
type Hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[*Subscription]struct{}{}} }

// Subscription receives events on C until Close.
type Subscription struct {
	C       <-chan Event
	c       chan Event
	hub     *Hub
	mu      sync.Mutex
	dropped int
}

// Subscribe starts receiving events; buffer is how many may wait.
func (h *Hub) Subscribe(buffer int) *Subscription {
	if buffer < 1 {
		buffer = 64
	}
	c := make(chan Event, buffer)
	s := &Subscription{C: c, c: c, hub: h}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Subscribers is how many subscriptions are open (the live pages).
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close stops the subscription.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	if _, ok := s.hub.subs[s]; ok {
		delete(s.hub.subs, s)
		close(s.c)
	}
	s.hub.mu.Unlock()
}

// Dropped is how many events this subscriber missed because it was slow.
func (s *Subscription) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Publish sends ev to every subscriber that has room.
func (h *Hub) Publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.c <- ev:
		default:
			s.mu.Lock()
			s.dropped++
			s.mu.Unlock()
		}
	}
}
