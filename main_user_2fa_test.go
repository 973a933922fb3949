package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/store"
)

func TestUserResetTwoFactorCommand(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "owner@example.com", "--password", adminPassword, "--role", "admin")
	ctx := context.Background()
	func() {
		db, _, err := openData(ctx, data, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		u, err := db.UserByEmail(ctx, "owner@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.StartTOTPEnrolment(ctx, u.ID, []byte("sealed")); err != nil {
			t.Fatal(err)
		}
		if err := db.ConfirmTOTP(ctx, u.ID, 1); err != nil {
			t.Fatal(err)
		}
		if err := db.ReplaceRecoveryCodes(ctx, u.ID, []string{"h1", "h2"}); err != nil {
			t.Fatal(err)
		}
	}()

	out := mustRun(t, "user", "reset-2fa", "--data", data, "--email", "OWNER@example.com")
	if !strings.Contains(out, "two-step sign-in of owner@example.com was reset") {
		t.Errorf("reset-2fa printed %q", out)
	}
	db, _, err := openData(ctx, data, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.TwoFactorStatusOf(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st != (store.TwoFactorStatus{}) {
		t.Errorf("after reset-2fa the user still has %+v", st)
	}
	var buf bytes.Buffer
	if err := run(ctx, []string{"wadesk", "user", "reset-2fa", "--data", data, "--email", "nobody@example.com"}, func(string) string { return "" }, &buf); err == nil ||
		!strings.Contains(err.Error(), "no user") {
		t.Errorf("reset-2fa of an unknown address: %v", err)
	}
}
