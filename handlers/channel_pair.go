package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// Pair again: a connected channel whose phone's WhatsApp session ended
// (logged out, device unlinked) is paired again from its page. Once the
// phone is logged in, the next health check (periodic, or Check now on the
// channel page) marks the channel connected and sends the recovery email.

// channelPairer loads the channel and a pairing client for it.
func (s *Server) channelPairer(w http.ResponseWriter, r *http.Request) (store.Channel, providers.PhonePairer, bool) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return ch, nil, false
	}
	sec, err := s.db.ChannelSecrets(r.Context(), ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return ch, nil, false
	}
	client, err := s.providers.Connect(ch.Credentials(sec))
	if err != nil {
		s.serverError(w, r, err)
		return ch, nil, false
	}
	pairer, ok := client.(providers.PhonePairer)
	if !ok {
		http.NotFound(w, r)
		return ch, nil, false
	}
	return ch, pairer, true
}

// channelPairShow shows the pairing page of a connected channel.
func (s *Server) channelPairShow(w http.ResponseWriter, r *http.Request) {
	ch, pairer, ok := s.channelPairer(w, r)
	if !ok {
		return
	}
	prov, _ := s.providerOf(ch)
	v := views.PairView{Heading: "Pair again", ProviderName: prov.Name, PhoneLabel: ch.Title + " · " + ch.DisplayPhoneNumber,
		Notice: prov.SetupHelp, BackURL: "/channels/" + itoa(ch.ID), BackLabel: "Back to the channel",
		Status: s.channelPairStatusView(r, ch, pairer)}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.PairPage(s.page(w, r, i18n.T(r.Context(), "titles.pair_again"), views.NavChannels), v))
}

// channelPairStatus is the refreshed part of the page.
func (s *Server) channelPairStatus(w http.ResponseWriter, r *http.Request) {
	ch, pairer, ok := s.channelPairer(w, r)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.PairStatusFragment(s.channelPairStatusView(r, ch, pairer)))
}

// channelPairQR proxies the phone's QR code.
func (s *Server) channelPairQR(w http.ResponseWriter, r *http.Request) {
	ch, pairer, ok := s.channelPairer(w, r)
	if !ok {
		return
	}
	s.writeQR(w, r, pairer, ch.PhoneNumberID)
}

func (s *Server) channelPairStatusView(r *http.Request, ch store.Channel, pairer providers.PhonePairer) views.PairStatus {
	base := "/channels/" + itoa(ch.ID) + "/pair"
	v := views.PairStatus{URL: base + "/status", DoneURL: "/channels/" + itoa(ch.ID), DoneLabel: "Back to the channel"}
	fillPairStatus(r.Context(), &v, pairer, ch.PhoneNumberID, base+"/qr")
	return v
}
