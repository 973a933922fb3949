package handlers

import (
	"context"

	"github.com/a-h/templ"
)

// insightsSections returns the panels other features add to /insights
// below the pricing charts, in order (each renders its own heading and an
// accessible table beside any chart), for the same filters: the messaging
// limit's tier gauge and the numbers' quality timeline belong here. None
// yet.
func (s *Server) insightsSections(ctx context.Context, iq insightsQuery) ([]templ.Component, error) {
	return nil, nil
}
