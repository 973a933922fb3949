package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

func TestPasswordResetLinksWorkOnceUntilTheyExpire(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	u, err := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: store.RoleAgent, PasswordHash: "old"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := db.CreatePasswordReset(ctx, u.ID, "expired", now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreatePasswordReset(ctx, u.ID, "fresh", now.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreatePasswordReset(ctx, u.ID, "sibling", now.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResetPassword(ctx, "expired", "new", now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired link: %v", err)
	}
	if err := db.CreateUserSession(ctx, store.UserSession{ID: "s1", UserID: u.ID, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	id, err := db.ResetPassword(ctx, "fresh", "new", now)
	if err != nil || id != u.ID {
		t.Fatalf("reset = %d, %v", id, err)
	}
	if _, err := db.ResetPassword(ctx, "fresh", "newer", now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a used link worked again: %v", err)
	}
	if _, err := db.PasswordResetUser(ctx, "sibling", now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another open link of the user survived the reset: %v", err)
	}
	got, err := db.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "new" || got.SessionEpoch != u.SessionEpoch+1 {
		t.Errorf("after the reset: hash %q, epoch %d", got.PasswordHash, got.SessionEpoch)
	}
	if sessions, _ := db.UserSessions(ctx, u.ID); len(sessions) != 0 {
		t.Errorf("%d sessions survived the reset", len(sessions))
	}
}

func TestTOTPStepIsUsedOnce(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	u, err := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: store.RoleAgent, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.StartTOTPEnrolment(ctx, u.ID, []byte("sealed")); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.UseTOTPStep(ctx, u.ID, 5); ok {
		t.Error("an unconfirmed authenticator accepted a code")
	}
	if err := db.ConfirmTOTP(ctx, u.ID, 10); err != nil {
		t.Fatal(err)
	}
	if err := db.StartTOTPEnrolment(ctx, u.ID, []byte("other")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("re-enrolling over a confirmed authenticator: %v", err)
	}
	for _, tc := range []struct {
		step int64
		ok   bool
	}{{10, false}, {9, false}, {11, true}, {11, false}, {12, true}} {
		if ok, err := db.UseTOTPStep(ctx, u.ID, tc.step); err != nil || ok != tc.ok {
			t.Errorf("step %d: %t, %v; want %t", tc.step, ok, err, tc.ok)
		}
	}
}
