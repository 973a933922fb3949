package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"
	"time"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/window"
)

// inboxOrderPaymentLink sends the default payment partner's link for an
// order, in one click: as a text message while the 24-hour window is open,
// otherwise through the payment link template chosen in Store settings.
// The message goes through the outbox; the order becomes "payment link
// sent".
func (s *Server) inboxOrderPaymentLink(w http.ResponseWriter, r *http.Request) {
	c, o, ok := s.loadConversationOrder(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	refuse := func(problem string) { s.orderActionRefused(w, r, c, o.ID, problem) }
	if !orderActive(o.Status) {
		refuse(i18n.T(ctx, "states.order.no_link", "Status", lowerFirst(orderStatusLabel(ctx, o.Status))))
		return
	}
	msg, link, problem, err := s.paymentLinkMessage(ctx, c, o, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		refuse(problem)
		return
	}
	if s.outbox == nil {
		s.serverError(w, r, errors.New("inbox: no outbox configured"))
		return
	}
	m, err := s.outbox.Enqueue(ctx, c.ID, msg)
	var ve *providers.ValidationError
	switch {
	case errors.As(err, &ve):
		refuse("The payment link was not sent: " + plainError(ctx, err))
		return
	case errors.Is(err, store.ErrNotFound):
		refuse("This conversation's WhatsApp number is no longer connected, so the payment link was not sent.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	user := currentUser(ctx)
	notice := "Payment link for order #" + itoa(o.ID) + " sent."
	if err := s.db.RecordPaymentLink(ctx, o.ID, link, m.MessageID, user.ID); errors.Is(err, store.ErrOrderState) {
		// Another agent closed the order while the link was being queued.
		s.log.Warn("payment link sent for a closed order", "order_id", o.ID, "message_id", m.MessageID)
		notice = "The payment link was sent, but meanwhile the order was marked paid or cancelled."
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("payment link queued", "conversation_id", c.ID, "order_id", o.ID, "message_id", m.MessageID, "user_id", user.ID)
	s.orderChanged(c, o.ID)
	s.orderActionDone(w, r, c, notice)
}

// paymentLinkMessage builds the message that carries an order's payment
// link, or says in plain words why it cannot be sent.
func (s *Server) paymentLinkMessage(ctx context.Context, c store.Conversation, o store.Order, now time.Time) (msg providers.OutboundMessage, link, problem string, err error) {
	partner, err := s.db.DefaultPaymentPartner(ctx, c.ChannelID)
	if errors.Is(err, store.ErrNotFound) {
		return msg, "", noPartner, nil
	}
	if err != nil {
		return msg, "", "", err
	}
	if o.Currency == "" || o.Total1000 <= 0 {
		return msg, "", "This order has no single total to pay, so no payment link can be made for it.", nil
	}
	lo := commerce.LinkOrder{ID: o.ID, Amount1000: o.Total1000, Currency: o.Currency, Phone: c.ContactPhone}
	link, err = commerce.BuildLink(commerce.Partner{Kind: commerce.PartnerKind(partner.Kind), URL: partner.URL}, lo)
	if err != nil {
		return msg, "", "The payment link could not be made: " + err.Error() + ".", nil
	}
	if open, _ := window.CanSendFreeForm(window.At(c.LastInboundAt, now)); open {
		msg.Text = &providers.Text{Body: commerce.PaymentText(lo, link), PreviewURL: true}
		return msg, link, "", nil
	}
	st, err := s.db.StoreSettingsOf(ctx, c.ChannelID)
	if err != nil {
		return msg, "", "", err
	}
	if st.PaymentTemplateName == "" {
		return msg, "", noPaymentTemplate, nil
	}
	ts, err := s.db.ListTemplates(ctx, store.TemplateFilter{ChannelID: c.ChannelID, Status: templates.StatusApproved,
		Language: st.PaymentTemplateLanguage})
	if err != nil {
		return msg, "", "", err
	}
	for _, t := range ts {
		if t.Name != st.PaymentTemplateName {
			continue
		}
		tm, err := commerce.PaymentTemplateMessage(t.Name, t.Language, commerce.PaymentTemplateFit(t.Category, t.ComponentsJSON), link)
		if err != nil {
			return msg, "", "The 24-hour window is closed and " + err.Error() + ".", nil
		}
		msg.Template = tm
		return msg, link, "", nil
	}
	return msg, "", "The 24-hour window is closed and the payment link template " + st.PaymentTemplateName + " (" +
		st.PaymentTemplateLanguage + ") is not approved on this number any more. An admin can choose another in Store settings.", nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
