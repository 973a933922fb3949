package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// channelsList lists the connected WhatsApp channels.
func (s *Server) channelsList(w http.ResponseWriter, r *http.Request) {
	chs, err := s.db.ListChannels(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	_, err = s.db.ChannelDraftOf(r.Context(), currentUser(r.Context()).ID)
	hasDraft := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	rows := make([]views.ChannelRow, 0, len(chs))
	for _, c := range chs {
		rows = append(rows, views.ChannelRow{
			ID: c.ID, Title: c.Title, Provider: providerName(r.Context(), c.Provider), Number: c.DisplayPhoneNumber,
			VerifiedName: c.VerifiedName, State: c.State, StateLabel: stateLabel(r.Context(), c.State),
			Quality: c.QualityRating, Tier: tierLabel(r.Context(), c.MessagingLimitTier), IsDefault: c.IsDefault,
			Department: c.DepartmentName, InboxVisible: c.InboxVisible,
		})
	}
	s.render(w, r, http.StatusOK, views.ChannelsPage(s.page(w, r, i18n.T(r.Context(), "titles.channels"), views.NavChannels), rows, hasDraft))
}

func stateLabel(ctx context.Context, state string) string {
	switch state {
	case store.ChannelConnected:
		return i18n.T(ctx, "states.channel.connected")
	case store.ChannelNeedsAttention:
		return i18n.T(ctx, "states.channel.needs_attention")
	case store.ChannelDisconnected:
		return i18n.T(ctx, "states.channel.disconnected")
	case store.ChannelPending:
		return i18n.T(ctx, "states.channel.pending")
	}
	return state
}
