package handlers

import (
	"context"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/views"
)

// adminAlerts are the problems an admin sees on every page until they are
// solved: incoming webhooks that cannot be stored right now, and webhooks
// kept as dead letters.
func (s *Server) adminAlerts(ctx context.Context) []views.Alert {
	var out []views.Alert
	if s.ingest != nil {
		if st := s.ingest.State(); st.Stuck {
			out = append(out, views.Alert{Message: "Incoming messages are waiting: wadesk has not been able to write to its database since " +
				st.FailingSince.UTC().Format(time.DateTime) + " UTC (" + st.LastError + "). They are kept and will appear once the disk has room or the database is free again."})
		}
	}
	n, err := s.db.CountAllDeadWebhookEvents(ctx)
	if err != nil {
		s.log.Warn("admin alerts: count dead letters", "err", err)
		return out
	}
	if n > 0 {
		msg := strconv.Itoa(n) + " webhooks could not be read and are kept as dead letters."
		if n == 1 {
			msg = "1 webhook could not be read and is kept as a dead letter."
		}
		out = append(out, views.Alert{Message: msg + " Review them on their channel's page and reprocess them.",
			Link: "/channels", LinkLabel: "Open channels"})
	}
	return out
}
