package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/wizard"
)

// channelShow shows a channel: its webhook settings, provider facts and health.
func (s *Server) channelShow(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	sec, err := s.db.ChannelSecrets(r.Context(), ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := views.ChannelView{
		ID: ch.ID, Title: ch.Title, Provider: providerName(r.Context(), ch.Provider), Number: ch.DisplayPhoneNumber,
		VerifiedName: ch.VerifiedName, WABAID: ch.WABAID, WABAName: ch.WABAName, BusinessID: ch.BusinessID, AppID: ch.AppID,
		PhoneNumberID: ch.PhoneNumberID, Department: ch.DepartmentName, State: ch.State,
		StateLabel: stateLabel(r.Context(), ch.State), StateReason: ch.StateReason, Quality: ch.QualityRating,
		Tier: tierLabel(r.Context(), ch.MessagingLimitTier), NumberStatus: ch.NumberStatus, CodeVerification: ch.CodeVerificationStatus,
		IsDefault: ch.IsDefault, InboxVisible: ch.InboxVisible, WebhookURL: wizard.WebhookURL(s.baseURL, ch.ID),
		VerifyToken: sec.VerifyToken, ForwardURL: ch.ForwardURL, AlertEmails: ch.AlertEmails,
	}
	if prov, ok := s.providerOf(ch); ok {
		prov = localProvider(r.Context(), prov)
		caps := prov.Capabilities
		v.WebhookHelp, v.Handshake, v.ManualWebhook = prov.WebhookHelp, prov.Handshake != nil, prov.ManualWebhook
		v.CanProfile, v.CanCommerce = caps.Has(providers.CapBusinessProfile), caps.Has(providers.CapCommerce)
		v.NoTemplates = !caps.Has(providers.CapTemplates) && !caps.Has(providers.CapDeclareTemplates)
		v.NoWebhookSecret = prov.SignedWebhooks
		if prov.WebhookURL != nil {
			v.WebhookURL = prov.WebhookURL(v.WebhookURL, ch.Credentials(sec))
		}
	}
	if ch.LastHealthCheckAt != nil {
		v.LastHealthCheck = *ch.LastHealthCheckAt
	}
	if ch.LastWebhookAt != nil {
		v.LastWebhook = *ch.LastWebhookAt
	}
	if ch.SubscribedAt != nil {
		v.ConnectedAt = *ch.SubscribedAt
	}
	if v.Sending, err = s.channelSendingView(r.Context(), ch); err != nil {
		s.serverError(w, r, err)
		return
	}
	if v.Limits, err = s.channelLimitsView(r.Context(), ch); err != nil {
		s.serverError(w, r, err)
		return
	}
	if v.DeadLetters, err = s.db.CountDeadWebhookEvents(r.Context(), ch.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	alerts, err := s.db.ListChannelAlerts(r.Context(), ch.ID, 10)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, a := range alerts {
		v.Alerts = append(v.Alerts, views.ChannelAlertRow{Kind: a.Kind, Recipients: a.Recipients, Reason: a.Reason, SentAt: a.SentAt, Error: a.Error})
	}
	if v.Forwarding, err = s.forwardingView(r.Context(), ch); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ChannelPage(s.page(w, r, ch.Title, views.NavChannels), v))
}

// loadChannel reads the {id} channel, answering 404 itself for an unknown,
// pending or deleted one.
func (s *Server) loadChannel(w http.ResponseWriter, r *http.Request) (store.Channel, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return store.Channel{}, false
	}
	ch, err := s.db.ChannelByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (ch.DeletedAt != nil || ch.State == store.ChannelPending)) {
		s.notFound(w, r)
		return store.Channel{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.Channel{}, false
	}
	return ch, true
}
