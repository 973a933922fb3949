package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// templateSyncTimeout bounds one channel's template sync, paging included.
const templateSyncTimeout = 60 * time.Second

// channelTemplatesSync brings the channel's templates in step with the
// provider now.
func (s *Server) channelTemplatesSync(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	res, err := s.syncTemplatesOf(r.Context(), ch)
	if err != nil {
		s.log.Warn("template sync on demand failed", "channel_id", ch.ID, "err", err)
		s.flashError(w, r, "The templates could not be synced: "+templates.Explain(err))
	} else {
		s.flashSuccess(w, r, "Synced with Meta: "+strconv.Itoa(res.Total)+" templates ("+strconv.Itoa(res.Added)+" new, "+
			strconv.Itoa(res.Changed)+" changed, "+strconv.Itoa(res.Removed)+" removed).")
	}
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/templates")
}

// syncTemplatesOf lists the channel's templates at its provider and
// stores them. The channel wizard calls it right after a channel is
// connected, so the new channel's templates are there at once; a failure is
// recorded on the channel's templates page as well as returned.
func (s *Server) syncTemplatesOf(ctx context.Context, ch store.Channel) (store.TemplateSyncResult, error) {
	ctx, cancel := context.WithTimeout(ctx, templateSyncTimeout)
	defer cancel()
	client, err := s.channelClient(ctx, ch)
	if err != nil {
		return store.TemplateSyncResult{}, err
	}
	res, err := templates.Sync(ctx, s.db, client, ch)
	if err == nil {
		s.log.Info("templates synced", "channel_id", ch.ID, "total", res.Total, "added", res.Added, "changed", res.Changed, "removed", res.Removed)
	}
	return res, err
}
