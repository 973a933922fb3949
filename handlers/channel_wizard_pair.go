package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/wizard"
)

// The wizard's pairing step, for providers whose numbers are ordinary
// WhatsApp accounts on phones (providers.PhonePairer, e.g. Maytapi): after
// a phone is picked and before Finish, the admin scans the phone's QR code
// and watches its session until it is logged in. Finish sends a phone that
// is not logged in here.

// pairTimeout bounds one call to the provider from the pairing page.
const pairTimeout = 15 * time.Second

// draftPairer returns the draft's chosen phone and a pairing client, or
// ok false when the draft is not at a pairing step.
func (s *Server) draftPairer(r *http.Request) (d store.ChannelDraft, prov providers.Provider, pairer providers.PhonePairer, ok bool, err error) {
	d, err = s.draftOf(r)
	if err != nil || d.Step != wizard.StepNumbers || d.PhoneNumberID == "" {
		return d, prov, nil, false, err
	}
	prov, found := s.providers.Lookup(providers.ProviderID(d.Provider))
	if !found {
		return d, prov, nil, false, nil
	}
	client, cerr := s.providers.Connect(d.Credentials())
	if cerr != nil {
		return d, prov, nil, false, nil
	}
	pairer, ok = client.(providers.PhonePairer)
	return d, prov, pairer, ok, nil
}

// needsPairing reports whether the draft's phone must be paired before
// Finish; a provider error is returned for the numbers step to show.
func (s *Server) needsPairing(ctx context.Context, d store.ChannelDraft, phoneID string) (bool, error) {
	client, err := s.providers.Connect(d.Credentials())
	if err != nil {
		return false, nil // Finish reports it with its own words
	}
	pairer, ok := client.(providers.PhonePairer)
	if !ok {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, pairTimeout)
	defer cancel()
	st, err := pairer.Pairing(ctx, phoneID)
	if err != nil {
		return false, &wizard.Problem{Field: "phone_number_id", Message: "The phone's status could not be read: " + plainError(ctx, err), Err: err}
	}
	return !st.LoggedIn, nil
}

// channelWizardPair shows the pairing page.
func (s *Server) channelWizardPair(w http.ResponseWriter, r *http.Request) {
	d, prov, pairer, ok, err := s.draftPairer(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ok {
		redirect(w, r, "/channels/new")
		return
	}
	v := views.PairView{Heading: "Pair the phone", ProviderName: prov.Name, PhoneLabel: phoneLabel(d), Notice: prov.SetupHelp,
		BackURL: "/channels/new?step=numbers", BackLabel: "Back to the numbers",
		Status: s.wizardPairStatus(r.Context(), pairer, d.PhoneNumberID)}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.PairPage(s.page(w, r, i18n.T(r.Context(), "titles.pair_the_phone"), views.NavChannels), v))
}

// channelWizardPairStatus is the refreshed part of the pairing page.
func (s *Server) channelWizardPairStatus(w http.ResponseWriter, r *http.Request) {
	d, _, pairer, ok, err := s.draftPairer(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ok {
		// The draft moved on (finished or cancelled in another tab).
		w.Header().Set("HX-Redirect", "/channels/new")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.PairStatusFragment(s.wizardPairStatus(r.Context(), pairer, d.PhoneNumberID)))
}

// channelWizardPairQR proxies the phone's current QR code, so that the API
// token never reaches the browser.
func (s *Server) channelWizardPairQR(w http.ResponseWriter, r *http.Request) {
	d, _, pairer, ok, err := s.draftPairer(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.writeQR(w, r, pairer, d.PhoneNumberID)
}

func (s *Server) writeQR(w http.ResponseWriter, r *http.Request, pairer providers.PhonePairer, phoneID string) {
	ctx, cancel := context.WithTimeout(r.Context(), pairTimeout)
	defer cancel()
	png, err := pairer.PairingQR(ctx, phoneID)
	if err != nil {
		s.log.Info("pairing: no QR code", "phone", phoneID, "err", err)
		http.Error(w, "No QR code is shown now.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(png)
}

func (s *Server) wizardPairStatus(ctx context.Context, pairer providers.PhonePairer, phoneID string) views.PairStatus {
	v := views.PairStatus{URL: "/channels/new/pair/status", FinishAction: "/channels/new/finish", PhoneID: phoneID, FinishLabel: "Finish"}
	fillPairStatus(ctx, &v, pairer, phoneID, "/channels/new/pair/qr")
	return v
}

// fillPairStatus reads the session into v; the QR image URL changes with
// every refresh so that the browser fetches the current code.
func fillPairStatus(ctx context.Context, v *views.PairStatus, pairer providers.PhonePairer, phoneID, qrURL string) {
	ctx, cancel := context.WithTimeout(ctx, pairTimeout)
	defer cancel()
	st, err := pairer.Pairing(ctx, phoneID)
	if err != nil {
		v.Words = "The phone's status could not be read. This page tries again in a few seconds."
		v.Problem = plainError(ctx, err)
		return
	}
	v.LoggedIn, v.Words = st.LoggedIn, st.Words
	if st.LoggedIn {
		v.Words = "The phone is paired and logged in."
		if st.Number != "" {
			v.Words = "The phone +" + st.Number + " is paired and logged in."
		}
		return
	}
	if st.WaitingForScan {
		v.QRURL = qrURL + "?t=" + strconv.FormatInt(time.Now().UnixMilli(), 10)
	}
}

func phoneLabel(d store.ChannelDraft) string {
	accts, err := wizard.DecodeAccounts(d.AccountsJSON)
	if err == nil {
		for _, a := range accts {
			for _, n := range a.PhoneNumbers {
				if n.ID == d.PhoneNumberID {
					return numberLabel(n)
				}
			}
		}
	}
	return "phone " + d.PhoneNumberID
}
