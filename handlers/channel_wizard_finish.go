package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/wizard"
)

// channelWizardFinish connects the chosen number: it stores the channel
// (pending, so that Meta's verification call to the webhook URL finds it),
// subscribes the webhook with a fresh verify token, and only when Meta
// accepted that marks the channel connected. On failure the draft stays,
// with the pending channel reused on the next try.
func (s *Server) channelWizardFinish(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	d, err := s.draftOf(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Step != wizard.StepNumbers {
		redirect(w, r, "/channels/new")
		return
	}
	accts, err := wizard.DecodeAccounts(d.AccountsJSON)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.PhoneNumberID = r.PostFormValue("phone_number_id")
	fail := func(err error) {
		v, verr := s.wizardView(r, d)
		if verr != nil {
			s.serverError(w, r, verr)
			return
		}
		if !wizardProblem(&v, err) {
			s.serverError(w, r, err)
			return
		}
		d.LastError = err.Error()
		if _, serr := s.db.SaveChannelDraft(ctx, d); serr != nil {
			s.log.Error("wizard: save draft after failure", "err", serr)
		}
		s.renderWizard(w, r, http.StatusUnprocessableEntity, v)
	}
	acct, num, err := wizard.Pick(accts, "", d.PhoneNumberID)
	if err != nil {
		fail(err)
		return
	}
	d.WABAID = acct.ID
	// A phone driven by an unofficial provider is paired first.
	switch pair, err := s.needsPairing(ctx, d, num.ID); {
	case err != nil:
		fail(err)
		return
	case pair:
		if _, err := s.db.SaveChannelDraft(ctx, d); err != nil {
			s.serverError(w, r, err)
			return
		}
		redirect(w, r, "/channels/new/pair")
		return
	}

	ch, err := s.pendingChannelFor(ctx, &d, acct, num)
	if errors.Is(err, store.ErrConflict) {
		fail(&wizard.Problem{Field: "phone_number_id", Message: numberLabel(num) + " is already connected to wadesk. Open it under Channels, or choose another number."})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sec, err := s.db.ChannelSecrets(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	prov, _ := s.providerOf(ch)
	client, err := s.providers.Connect(ch.Credentials(sec))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	subCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	hook := wizard.WebhookURL(s.baseURL, ch.ID)
	if prov.ManualWebhook {
		// The admin pastes the webhook URL into the provider's dashboard;
		// the number was read with these credentials a step ago.
		s.log.Info("wizard: webhook set by the admin at the provider", "channel_id", ch.ID, "provider", ch.Provider)
	} else if err := wizard.Subscribe(subCtx, prov, client, ch.WABAID, hook, sec.VerifyToken); err != nil {
		s.log.Warn("wizard: webhook subscription failed", "channel_id", ch.ID, "waba_id", ch.WABAID, "callback", hook, "err", err)
		fail(err)
		return
	}
	s.forgetAppSecret(ch.ID)
	if err := s.db.ActivateChannel(ctx, ch.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := s.syncTemplatesOf(ctx, ch); err != nil {
		s.log.Warn("wizard: first template sync failed", "channel_id", ch.ID, "err", err)
	}
	if err := s.db.FinishChannelDraft(ctx, d.UserID); err != nil {
		s.log.Error("wizard: remove finished draft", "err", err)
	}
	s.audit(r, auditChannelCreated, "channel", ch.ID, ch.Title, changes{"provider": ch.Provider, "phone_number_id": ch.PhoneNumberID, "waba_id": ch.WABAID})
	s.log.Info("channel connected", "channel_id", ch.ID, "waba_id", ch.WABAID, "phone_number_id", ch.PhoneNumberID, "by", d.UserID)
	switch {
	case prov.ManualWebhook:
		s.flashSuccess(w, r, "Connection successfully established. Now paste the webhook URL below into "+prov.Name+"'s dashboard, so that this number's messages reach wadesk.")
	case prov.Handshake != nil:
		s.flashSuccess(w, r, i18n.T(r.Context(), "flash.channel_wizard_finish.connection_successfully_established_meta_confirmed"))
	default:
		s.flashSuccess(w, r, "Connection successfully established. "+prov.Name+" accepted the webhook URL and will deliver this number's messages to wadesk.")
	}
	redirect(w, r, "/channels/"+itoa(ch.ID))
}

// pendingChannelFor returns the draft's pending channel for this number,
// creating it (and discarding one made for another number) as needed.
func (s *Server) pendingChannelFor(ctx context.Context, d *store.ChannelDraft, acct providers.BusinessAccount, num providers.PhoneNumber) (store.Channel, error) {
	if d.ChannelID != 0 {
		ch, err := s.db.ChannelByID(ctx, d.ChannelID)
		switch {
		case err == nil && ch.State == store.ChannelPending && ch.PhoneNumberID == num.ID && ch.DeletedAt == nil:
			// Retry with the latest credentials of the draft.
			if err := s.db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: d.Title, DepartmentID: d.DepartmentID, AppID: d.AppID,
				AccessToken: &d.AccessToken, AppSecret: &d.AppSecret}); err != nil {
				return store.Channel{}, err
			}
			return s.db.ChannelByID(ctx, ch.ID)
		case err == nil && ch.State == store.ChannelPending:
			if err := s.db.DeletePendingChannel(ctx, ch.ID); err != nil {
				return store.Channel{}, err
			}
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return store.Channel{}, err
		}
		d.ChannelID = 0
	}
	verify, err := wizard.NewVerifyToken()
	if err != nil {
		return store.Channel{}, err
	}
	ch, err := s.db.CreatePendingChannel(ctx, store.NewChannel{
		Title: d.Title, Provider: d.Provider, DepartmentID: d.DepartmentID, BusinessID: d.BusinessID, AppID: d.AppID, Settings: d.Settings,
		WABAID: acct.ID, WABAName: acct.Name, PhoneNumberID: num.ID, DisplayPhoneNumber: num.DisplayPhoneNumber,
		VerifiedName: num.VerifiedName, QualityRating: num.QualityRating, MessagingLimitTier: num.MessagingLimitTier,
		NumberStatus: num.Status, CodeVerificationStatus: num.CodeVerificationStatus,
		Secrets: store.ChannelSecrets{AccessToken: d.AccessToken, AppSecret: d.AppSecret, VerifyToken: verify},
	})
	if err != nil {
		return store.Channel{}, err
	}
	d.ChannelID = ch.ID
	if _, err := s.db.SaveChannelDraft(ctx, *d); err != nil {
		return store.Channel{}, err
	}
	return ch, nil
}
