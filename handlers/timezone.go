package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// withZone puts the zone user u sees times in (their own, else the
// console's, else UTC) in ctx. A failed read is logged and shows UTC: a
// page is not refused over how it writes its times.
func (s *Server) withZone(ctx context.Context, u *store.User) context.Context {
	z, err := s.db.TimezonesOf(ctx, u.ID)
	if err != nil {
		s.log.Warn("read time zones", "user_id", u.ID, "err", err)
		return ctx
	}
	loc, _ := views.LoadZone(z.Shown())
	return views.WithZone(ctx, loc)
}

// zoneForm is the time zone form with zone chosen.
func zoneForm(action, zone, def string, errs views.Errors) views.ZoneForm {
	return views.ZoneForm{Action: action, Zone: zone, Default: def, Choices: views.ZoneChoices(zone, time.Now()), Errors: errs}
}

// accountZoneForm is the Account page's time zone form for user u.
func (s *Server) accountZoneForm(ctx context.Context, u *store.User, errs views.Errors) (views.ZoneForm, error) {
	z, err := s.db.TimezonesOf(ctx, u.ID)
	if err != nil {
		return views.ZoneForm{}, err
	}
	return zoneForm("/account/timezone", z.User, i18n.T(ctx, "states.zone.same_as_console", "Zone", views.ZoneLabel(z.Console)), errs), nil
}
