package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/wizard"
)

// channelVerifyTokenRotate makes a new verify token and re-registers the
// webhook with it; if the provider refuses, the old token stays.
func (s *Server) channelVerifyTokenRotate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	old, err := s.db.ChannelSecrets(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	fresh, err := wizard.NewVerifyToken()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Stored first: the provider's verification call must find it.
	if err := s.db.SetChannelSecrets(ctx, ch.ID, store.ChannelSecrets{VerifyToken: fresh}); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.forgetAppSecret(ch.ID)
	prov, _ := s.providerOf(ch)
	client, err := s.providers.Connect(ch.Credentials(old))
	if err == nil && prov.ManualWebhook {
		s.log.Info("webhook secret rotated; the admin sets the new URL at the provider", "channel_id", ch.ID, "by", currentUser(ctx).ID)
		s.flashSuccess(w, r, "New "+secretName(prov)+" made. Paste the new webhook URL into "+prov.Name+"'s dashboard: deliveries with the old one are refused from now on.")
		redirect(w, r, "/channels/"+itoa(ch.ID))
		return
	}
	if err == nil {
		subCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
		err = wizard.Subscribe(subCtx, prov, client, ch.WABAID, wizard.WebhookURL(s.baseURL, ch.ID), fresh)
		cancel()
	}
	if err != nil {
		s.log.Warn("rotate verify token: resubscribe failed", "channel_id", ch.ID, "err", err)
		s.forgetAppSecret(ch.ID)
		if rerr := s.db.SetChannelSecrets(ctx, ch.ID, store.ChannelSecrets{VerifyToken: old.VerifyToken}); rerr != nil {
			s.serverError(w, r, rerr)
			return
		}
		s.flashError(w, r, "The "+secretName(prov)+" was not changed: "+problemText(r.Context(), err))
		redirect(w, r, "/channels/"+itoa(ch.ID))
		return
	}
	s.audit(r, auditVerifyTokenRotated, "channel", ch.ID, ch.Title, changes{}.secret("verify_token", true))
	s.forgetAppSecret(ch.ID)
	s.log.Info("webhook secret rotated", "channel_id", ch.ID, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, "New "+secretName(prov)+" made, and the webhook registered with it.")
	redirect(w, r, "/channels/"+itoa(ch.ID))
}

// problemText is a wizard or provider error in plain words, with its code.
func problemText(ctx context.Context, err error) string {
	var p *wizard.Problem
	if !errors.As(err, &p) {
		return plainError(ctx, err)
	}
	if p.Code != 0 {
		return p.Message + " (error code " + itoa(int64(p.Code)) + ")"
	}
	return p.Message
}

// secretName is what the channel's generated webhook token is called: a
// verify token where the provider checks the URL with it (Meta), else a
// webhook secret.
func secretName(p providers.Provider) string {
	if p.Handshake != nil {
		return "verify token"
	}
	return "webhook secret"
}
