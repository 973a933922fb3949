package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/window"
)

// inboxOrdersList answers a conversation's orders panel. The open page
// fetches it after loading and again whenever the conversation changes, so
// an order the customer just sent appears without a reload.
func (s *Server) inboxOrdersList(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	v, err := s.threadOrdersView(r.Context(), c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ThreadOrders(v))
}

// threadOrdersView reads a conversation's orders (making its order
// messages into orders first) and says how a payment link would go out.
func (s *Server) threadOrdersView(ctx context.Context, c store.Conversation, now time.Time) (views.ThreadOrdersView, error) {
	v := views.ThreadOrdersView{ConversationID: c.ID}
	if err := commerce.SyncConversationOrders(ctx, s.db, c.ID); err != nil {
		return v, err
	}
	orders, err := s.db.ConversationOrders(ctx, c.ID)
	if err != nil || len(orders) == 0 {
		return v, err
	}
	names, err := s.productNames(ctx, orders)
	if err != nil {
		return v, err
	}
	v.LinkHow, v.LinkBlocked, err = s.paymentLinkRoute(ctx, c, now)
	if err != nil {
		return v, err
	}
	for _, o := range orders {
		v.Orders = append(v.Orders, views.ThreadOrder{ID: o.ID, Items: orderItemRows(o, names[o.ChannelID]), Total: orderTotal(o),
			Note: o.Note, Status: o.Status, StatusLabel: orderStatusLabel(ctx, o.Status), At: o.OrderedAt, PaymentLink: o.PaymentLink,
			Problem: o.Problem, Active: orderActive(o.Status), CanSendLink: o.Currency != "" && o.Total1000 > 0})
	}
	return v, nil
}

func orderActive(status string) bool {
	return status == store.OrderNew || status == store.OrderLinkSent
}

// paymentLinkRoute says how a payment link would be sent in the
// conversation now, or why it cannot be.
func (s *Server) paymentLinkRoute(ctx context.Context, c store.Conversation, now time.Time) (how string, blocked bool, err error) {
	if _, err := s.db.DefaultPaymentPartner(ctx, c.ChannelID); errors.Is(err, store.ErrNotFound) {
		return noPartner, true, nil
	} else if err != nil {
		return "", false, err
	}
	if open, _ := window.CanSendFreeForm(window.At(c.LastInboundAt, now)); open {
		return "as a WhatsApp message", false, nil
	}
	st, err := s.db.StoreSettingsOf(ctx, c.ChannelID)
	if err != nil {
		return "", false, err
	}
	if st.PaymentTemplateName == "" {
		return noPaymentTemplate, true, nil
	}
	return "with the template " + st.PaymentTemplateName + ", since the 24-hour window is closed", false, nil
}

const (
	noPartner         = "No payment partner is set up for this number, so no payment link can be sent. An admin can add one under Store settings → Payment partners."
	noPaymentTemplate = "The 24-hour window is closed and no payment link template is chosen in Store settings, so the link cannot be sent. An admin can choose an approved template there."
)

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// loadConversationOrder reads the {id} conversation, if the user may see
// it, and its {oid} order, answering 404 itself otherwise.
func (s *Server) loadConversationOrder(w http.ResponseWriter, r *http.Request) (store.Conversation, store.Order, bool) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return store.Conversation{}, store.Order{}, false
	}
	oid, ok := pathID(r, "oid")
	if !ok {
		s.notFound(w, r)
		return store.Conversation{}, store.Order{}, false
	}
	if err := commerce.SyncConversationOrders(r.Context(), s.db, c.ID); err != nil {
		s.serverError(w, r, err)
		return store.Conversation{}, store.Order{}, false
	}
	o, err := s.db.ConversationOrder(r.Context(), c.ID, oid)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return store.Conversation{}, store.Order{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.Conversation{}, store.Order{}, false
	}
	return c, o, true
}

// orderChanged tells the conversation's open pages that an order changed.
func (s *Server) orderChanged(c store.Conversation, orderID int64) {
	if s.events != nil {
		s.events.Publish(events.Event{Kind: events.OrderChanged, ChannelID: c.ChannelID, ConversationID: c.ID, MessageID: orderID})
	}
}

// orderActionDone answers a successful order action: the panel again (with
// htmx) or the conversation page.
func (s *Server) orderActionDone(w http.ResponseWriter, r *http.Request, c store.Conversation, notice string) {
	if !isHTMX(r) {
		s.flashSuccess(w, r, notice)
		redirect(w, r, conversationPath(c.ID))
		return
	}
	v, err := s.threadOrdersView(r.Context(), c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Notice = notice
	s.render(w, r, http.StatusOK, views.ThreadOrders(v))
}

// orderActionRefused answers a refused order action with why, next to the
// order (with htmx) or as a message on the conversation page.
func (s *Server) orderActionRefused(w http.ResponseWriter, r *http.Request, c store.Conversation, orderID int64, problem string) {
	if !isHTMX(r) {
		s.flashError(w, r, problem)
		redirect(w, r, conversationPath(c.ID))
		return
	}
	v, err := s.threadOrdersView(r.Context(), c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for i := range v.Orders {
		if v.Orders[i].ID == orderID {
			v.Orders[i].Error = problem
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, views.ThreadOrders(v))
}
