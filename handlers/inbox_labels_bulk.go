package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// maxBulk is the most conversations one bulk action takes (a page of the
// list holds at most 200).
const maxBulk = 200

// inboxLabelsBulk puts a label on (action=add) or takes it off
// (action=remove) the conversations ticked in the list (ids). Only
// conversations the user may see are touched; the others are skipped as
// if they had not been ticked.
func (s *Server) inboxLabelsBulk(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	back := withQuery("/inbox", parseInboxQuery(listValues(r)).encode())
	labelID, err := strconv.ParseInt(r.PostFormValue("label_id"), 10, 64)
	if err != nil || labelID <= 0 {
		s.flashError(w, r, i18n.T(ctx, "agent.labels.error_gone"))
		redirect(w, r, back)
		return
	}
	label, err := s.db.LabelByID(ctx, labelID)
	if errors.Is(err, store.ErrNotFound) {
		s.flashError(w, r, i18n.T(ctx, "agent.labels.error_gone"))
		redirect(w, r, back)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	viewer := store.ViewerOf(*currentUser(ctx))
	var ids, channels []int64
	for _, raw := range r.PostForm["ids"] {
		if len(ids) == maxBulk {
			break
		}
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		c, err := s.db.ConversationFor(ctx, viewer, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		ids = append(ids, c.ID)
		channels = append(channels, c.ChannelID)
	}
	if len(ids) == 0 {
		s.flashError(w, r, i18n.T(ctx, "agent.labels.bulk_none"))
		redirect(w, r, back)
		return
	}
	remove := r.PostFormValue("action") == "remove"
	if remove {
		err = s.db.RemoveConversationLabel(ctx, labelID, ids...)
	} else {
		err = s.db.AddConversationLabel(ctx, labelID, ids...)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for i, id := range ids {
		s.publish(events.Event{Kind: events.ConversationLabelled, ChannelID: channels[i], ConversationID: id})
	}
	s.log.Info("conversations labelled in bulk", "label_id", labelID, "conversations", len(ids), "remove", remove,
		"by", currentUser(ctx).ID)
	if remove {
		s.flashSuccess(w, r, i18n.T(ctx, "agent.labels.bulk_removed", "Name", label.Name, "Count", len(ids)))
	} else {
		s.flashSuccess(w, r, i18n.T(ctx, "agent.labels.bulk_added", "Name", label.Name, "Count", len(ids)))
	}
	redirect(w, r, back)
}
