package handlers

import (
	"context"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// listLabels fills in the list's label filter and bulk choices, and
// returns the labels each listed conversation carries.
func (s *Server) listLabels(ctx context.Context, v *views.InboxView, q inboxQuery, convs []store.Conversation) (map[int64][]views.LabelChip, error) {
	all, err := s.db.LabelChoices(ctx)
	if err != nil {
		return nil, err
	}
	v.Labels = labelChips(all)
	if q.Label > 0 {
		v.Label = itoa(q.Label)
		for _, l := range all {
			if l.ID == q.Label {
				v.LabelName = l.Name
			}
		}
	}
	if len(all) == 0 || len(convs) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(convs))
	for i, c := range convs {
		ids[i] = c.ID
	}
	on, err := s.db.ConversationLabels(ctx, ids...)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]views.LabelChip, len(on))
	for id, ls := range on {
		out[id] = labelChips(ls)
	}
	return out, nil
}
