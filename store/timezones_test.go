package store_test

import (
	"context"
	"testing"

	"github.com/wadesk/wadesk/store"
)

func TestTimezones(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	u, err := db.CreateUser(ctx, store.NewUser{Email: "ana@example.com", Name: "Ana", Role: store.RoleAgent, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	z, err := db.TimezonesOf(ctx, u.ID)
	if err != nil || z != (store.Timezones{}) || z.Shown() != "" {
		t.Fatalf("fresh = %+v, %v; want UTC for both", z, err)
	}
	if err := db.SetConsoleTimezone(ctx, "Europe/Lisbon"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetConsoleTimezone(ctx, "America/Sao_Paulo"); err != nil {
		t.Fatal(err)
	}
	if z, _ = db.TimezonesOf(ctx, u.ID); z.Shown() != "America/Sao_Paulo" {
		t.Errorf("console zone: user sees %q", z.Shown())
	}
	if err := db.SetUserTimezone(ctx, u.ID, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	if z, _ = db.TimezonesOf(ctx, u.ID); z.Shown() != "Asia/Tokyo" || z.Console != "America/Sao_Paulo" {
		t.Errorf("own zone: %+v", z)
	}
	if tz, _ := db.ConsoleTimezone(ctx); tz != "America/Sao_Paulo" {
		t.Errorf("console zone = %q", tz)
	}
	if err := db.SetUserTimezone(ctx, 999, "UTC"); err != store.ErrNotFound {
		t.Errorf("unknown user: %v", err)
	}
}
