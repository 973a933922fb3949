package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// channelProfileShow shows a channel's WhatsApp business profile as the
// provider has it now, in a form, with a phone preview.
func (s *Server) channelProfileShow(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	page := s.page(w, r, i18n.T(r.Context(), "titles.business_profile", "Name", ch.Title), views.NavChannels)
	api, err := s.profileClient(r.Context(), ch)
	if errors.Is(err, errNoProfile) {
		v := profileView(ch, api, profileFields{}, "")
		v.LoadProblem = i18n.T(r.Context(), "flash.provider.no_profile", "Provider", providerName(r.Context(), ch.Provider))
		s.render(w, r, http.StatusOK, views.ProfilePage(page, v))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), profileCallTimeout)
	defer cancel()
	bp, err := api.GetBusinessProfile(ctx, ch.PhoneNumberID)
	if err != nil {
		s.log.Warn("business profile: read failed", "channel_id", ch.ID, "err", err)
		v := profileView(ch, api, profileFields{}, "")
		v.LoadProblem = i18n.T(r.Context(), "flash.provider.profile_unreadable", "Provider", providerName(r.Context(), ch.Provider), "Problem", plainError(r.Context(), err))
		s.render(w, r, http.StatusBadGateway, views.ProfilePage(page, v))
		return
	}
	s.render(w, r, http.StatusOK, views.ProfilePage(page, profileView(ch, api, profileFieldsOf(bp), pictureProxyURL(ch.ID, bp.ProfilePictureURL))))
}
