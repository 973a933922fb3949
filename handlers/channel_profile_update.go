package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/views"
)

// channelProfileUpdate saves the profile form with the provider. Field
// problems and provider refusals show the form again with everything that
// was typed; on success the profile is read back and the flash says what
// the provider now holds.
func (s *Server) channelProfileUpdate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	api, err := s.profileClient(r.Context(), ch)
	if errors.Is(err, errNoProfile) {
		s.flashError(w, r, i18n.T(r.Context(), "flash.provider.no_profile", "Provider", providerName(r.Context(), ch.Provider)))
		redirect(w, r, "/channels/"+itoa(ch.ID))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := profileFieldsFrom(r)
	v := profileView(ch, api, f, postedPictureURL(r, ch.ID))
	show := func() {
		s.render(w, r, http.StatusUnprocessableEntity, views.ProfilePage(s.page(w, r, i18n.T(r.Context(), "titles.business_profile", "Name", ch.Title), views.NavChannels), v))
	}
	if v.Errors = s.checkProfile(f); len(v.Errors) > 0 {
		show()
		return
	}
	want := f.businessProfile()
	if err := want.Validate(); err != nil {
		// The form's rules mirror Validate's; this is a safety net.
		v.Errors[""] = err.Error()
		show()
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), profileCallTimeout)
	defer cancel()
	if err := api.UpdateBusinessProfile(ctx, ch.PhoneNumberID, want); err != nil {
		s.log.Warn("business profile: update refused", "channel_id", ch.ID, "err", err)
		profileProblem(r.Context(), &v, err, "")
		show()
		return
	}
	s.audit(r, auditProfileChanged, "channel", ch.ID, ch.Title, nil)
	s.log.Info("business profile updated", "channel_id", ch.ID, "by", currentUser(r.Context()).ID)
	got, err := api.GetBusinessProfile(ctx, ch.PhoneNumberID)
	if err != nil {
		s.log.Warn("business profile: read back failed", "channel_id", ch.ID, "err", err)
		s.flashSuccess(w, r, i18n.T(r.Context(), "flash.provider.profile_readback_failed", "Provider", providerName(r.Context(), ch.Provider), "Problem", plainError(r.Context(), err)))
		redirect(w, r, "/channels/"+itoa(ch.ID)+"/profile")
		return
	}
	s.flashSuccess(w, r, "Saved. "+providerName(r.Context(), ch.Provider)+" now has "+profileSummary(got)+".")
	if diff := profileDifferences(want, got); len(diff) > 0 {
		s.flash.add(w, r, s.log, "info", providerName(r.Context(), ch.Provider)+" stored the "+strings.Join(diff, ", ")+
			" differently from what was sent; the form shows its version.")
	}
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/profile")
}
