package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// mustOpenWithBox opens a database that can seal secrets.
func mustOpenWithBox(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "wadesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	key, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		tb.Fatal(err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		tb.Fatal(err)
	}
	db.UseBox(box)
	tb.Cleanup(func() { db.Close() })
	return db, filepath.Join(dir, "wadesk.db")
}

func newChannel(phone string) store.NewChannel {
	return store.NewChannel{
		Title: "Sales " + phone, Provider: "meta_cloud", BusinessID: "1234567890", WABAID: "waba-1", WABAName: "Acme",
		PhoneNumberID: phone, DisplayPhoneNumber: "+1 555 " + phone, VerifiedName: "Acme", QualityRating: "GREEN",
		MessagingLimitTier: "TIER_1K", NumberStatus: "CONNECTED", CodeVerificationStatus: "VERIFIED",
		Secrets: store.ChannelSecrets{
			AccessToken: "EAAG-super-secret-token-" + phone,
			AppSecret:   "0123456789abcdef0123456789abcde" + phone[len(phone)-1:],
			VerifyToken: "verify-token-" + phone,
		},
	}
}

func TestChannelSecretsAreSealedAtRest(t *testing.T) {
	db, path := mustOpenWithBox(t)
	ctx := context.Background()
	nc := newChannel("1001")
	ch, err := db.CreatePendingChannel(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.ChannelSecrets(ctx, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != nc.Secrets.AccessToken || got.AppSecret != nc.Secrets.AppSecret || got.VerifyToken != nc.Secrets.VerifyToken {
		t.Fatalf("secrets round trip = %+v", got)
	}
	// Draft secrets too.
	if _, err := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: "admin", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveChannelDraft(ctx, store.ChannelDraft{UserID: 1, Step: "credentials", AccessToken: "EAAG-draft-token-xyz", AppSecret: "fedcba9876543210fedcba9876543210"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	for _, f := range []string{path, path + "-wal"} {
		b, _ := os.ReadFile(f)
		raw = append(raw, b...)
	}
	for _, secret := range []string{nc.Secrets.AccessToken, nc.Secrets.AppSecret, nc.Secrets.VerifyToken, "EAAG-draft-token-xyz", "fedcba9876543210fedcba9876543210"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("secret %q is readable in the database file", secret)
		}
	}
}

func TestChannelLifecycle(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	a, err := db.CreatePendingChannel(ctx, newChannel("1001"))
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.ChannelPending || a.IsDefault {
		t.Fatalf("new channel = %+v", a)
	}
	if list, _ := db.ListChannels(ctx); len(list) != 0 {
		t.Fatalf("a pending channel is listed: %+v", list)
	}
	if _, err := db.CreatePendingChannel(ctx, newChannel("1001")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same number twice: err = %v, want ErrConflict", err)
	}
	if err := db.ActivateChannel(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	a, _ = db.ChannelByID(ctx, a.ID)
	if a.State != store.ChannelConnected || !a.IsDefault || a.SubscribedAt == nil {
		t.Fatalf("activated first channel = %+v; want connected and default", a)
	}
	b, _ := db.CreatePendingChannel(ctx, newChannel("1002"))
	db.ActivateChannel(ctx, b.ID)
	b, _ = db.ChannelByID(ctx, b.ID)
	if b.IsDefault {
		t.Fatal("a second channel took the default")
	}
	if err := db.SetDefaultChannel(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	list, _ := db.ListChannels(ctx)
	defaults := 0
	for _, c := range list {
		if c.IsDefault {
			defaults++
			if c.ID != b.ID {
				t.Errorf("default is %d, want %d", c.ID, b.ID)
			}
		}
	}
	if defaults != 1 || list[0].ID != b.ID {
		t.Fatalf("want exactly one default listed first, got %+v", list)
	}

	// Editing keeps secrets unless replaced.
	tok := "EAAG-replacement-token"
	if err := db.UpdateChannel(ctx, b.ID, store.ChannelUpdate{Title: "Support", AlertEmails: []string{"ops@example.com", "boss@example.com"}, AccessToken: &tok}); err != nil {
		t.Fatal(err)
	}
	sec, _ := db.ChannelSecrets(ctx, b.ID)
	if sec.AccessToken != tok || sec.AppSecret != newChannel("1002").Secrets.AppSecret {
		t.Fatalf("after update secrets = %+v", sec)
	}
	b, _ = db.ChannelByID(ctx, b.ID)
	if b.Title != "Support" || len(b.AlertEmails) != 2 {
		t.Fatalf("after update = %+v", b)
	}

	// Deleting keeps the row, erases secrets, frees the number, moves the default.
	if err := db.DeleteChannel(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	b, _ = db.ChannelByID(ctx, b.ID)
	if b.DeletedAt == nil || b.IsDefault {
		t.Fatalf("deleted channel = %+v", b)
	}
	if sec, _ := db.ChannelSecrets(ctx, b.ID); sec.AccessToken != "" || sec.VerifyToken != "" {
		t.Errorf("secrets survive deletion: %+v", sec)
	}
	a, _ = db.ChannelByID(ctx, a.ID)
	if !a.IsDefault {
		t.Error("the default did not move to the remaining channel")
	}
	if _, err := db.CreatePendingChannel(ctx, newChannel("1002")); err != nil {
		t.Errorf("reconnecting a deleted channel's number: %v", err)
	}
	if err := db.DeleteChannel(ctx, b.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	if err := db.SetDefaultChannel(ctx, b.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted channel made default: %v", err)
	}
}

func TestChannelHealth(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	c, _ := db.CreatePendingChannel(ctx, newChannel("1001"))
	db.ActivateChannel(ctx, c.ID)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	prev, err := db.SetChannelHealth(ctx, c.ID, store.ChannelHealth{State: store.ChannelDisconnected, Reason: "token rejected", CheckedAt: now})
	if err != nil || prev != store.ChannelConnected {
		t.Fatalf("prev = %q, %v", prev, err)
	}
	c, _ = db.ChannelByID(ctx, c.ID)
	if c.State != store.ChannelDisconnected || c.QualityRating != "GREEN" || !c.LastHealthCheckAt.Equal(now) {
		t.Fatalf("after a failed check (no facts read) = %+v", c)
	}
	prev, _ = db.SetChannelHealth(ctx, c.ID, store.ChannelHealth{State: store.ChannelConnected, QualityRating: "YELLOW", MessagingLimitTier: "TIER_10K", CheckedAt: now})
	c, _ = db.ChannelByID(ctx, c.ID)
	if prev != store.ChannelDisconnected || c.QualityRating != "YELLOW" || c.MessagingLimitTier != "TIER_10K" || c.StateReason != "" {
		t.Fatalf("after recovery: prev %q, %+v", prev, c)
	}
}

func TestChannelDrafts(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: "admin", PasswordHash: "h"})
	if _, err := db.ChannelDraftOf(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no draft yet: err = %v", err)
	}
	d, err := db.SaveChannelDraft(ctx, store.ChannelDraft{UserID: u.ID, Step: "credentials", Provider: "meta_cloud", Title: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	d.Step, d.AccessToken, d.BusinessID, d.AppID = "numbers", "EAAG-token", "123456", "908070605040302"
	if _, err := db.SaveChannelDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, _ := db.ChannelDraftOf(ctx, u.ID)
	if got.ID != d.ID || got.Step != "numbers" || got.AccessToken != "EAAG-token" || got.AppSecret != "" || got.AppID != "908070605040302" {
		t.Fatalf("draft = %+v", got)
	}
	// A pending channel made by the draft goes away with it.
	ch, _ := db.CreatePendingChannel(ctx, newChannel("1001"))
	got.ChannelID = ch.ID
	db.SaveChannelDraft(ctx, got)
	if err := db.DeleteChannelDraft(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChannelByID(ctx, ch.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancelled wizard left its pending channel: %v", err)
	}
	// Stale drafts are purged.
	db.SaveChannelDraft(ctx, store.ChannelDraft{UserID: u.ID, Step: "provider"})
	if n, err := db.PurgeStaleChannelDrafts(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge = %d, %v", n, err)
	}
}

func TestChannelAppID(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	nc := newChannel("1001")
	nc.AppID = " 908070605040302 "
	ch, err := db.CreatePendingChannel(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	if ch.AppID != "908070605040302" {
		t.Fatalf("AppID after create = %q", ch.AppID)
	}
	other, _ := db.CreatePendingChannel(ctx, newChannel("1002"))
	if other.AppID != "" {
		t.Fatalf("a channel created without an App ID has %q", other.AppID)
	}
	if err := db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: ch.Title, AppID: "111222333"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ChannelByID(ctx, ch.ID); got.AppID != "111222333" {
		t.Fatalf("AppID after update = %q", got.AppID)
	}
	if err := db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: ch.Title}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ChannelByID(ctx, ch.ID); got.AppID != "" {
		t.Fatalf("AppID after removing it = %q", got.AppID)
	}
}
