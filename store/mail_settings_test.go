package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// openSealedDB opens a fresh database that can seal secrets.
func openSealedDB(t *testing.T) *store.DB {
	t.Helper()
	db := MustOpenDB(t)
	key, err := secrets.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	db.UseBox(box)
	return db
}

func ptr[T any](v T) *T { return &v }

func TestMailSettingsDefaults(t *testing.T) {
	db := openSealedDB(t)
	ctx := context.Background()
	m, err := db.MailSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := store.MailSettings{Port: store.DefaultMailPort, TLSMode: store.MailTLSStartTLS}
	if m != want {
		t.Fatalf("defaults = %+v, want %+v", m, want)
	}
	if m.Configured() {
		t.Error("never-saved settings report Configured")
	}
	pw, err := db.MailPassword(ctx)
	if err != nil || pw != "" {
		t.Fatalf("MailPassword before saving = %q, %v", pw, err)
	}
}

func TestSaveMailSettingsPasswordIsWriteOnly(t *testing.T) {
	db := openSealedDB(t)
	ctx := context.Background()
	const secret = "correct-horse-battery-staple-42"

	save := func(up store.MailSettingsUpdate) {
		t.Helper()
		if err := db.SaveMailSettings(ctx, up); err != nil {
			t.Fatal(err)
		}
	}
	read := func() (store.MailSettings, string) {
		t.Helper()
		m, err := db.MailSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pw, err := db.MailPassword(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m, pw
	}

	before := time.Now().Add(-time.Second)
	save(store.MailSettingsUpdate{Host: " smtp.example.com ", Port: 465, Username: "alerts@example.com",
		Password: ptr(secret), FromAddress: "alerts@example.com", TLSMode: store.MailTLSImplicit})
	m, pw := read()
	if m.Host != "smtp.example.com" || m.Port != 465 || m.Username != "alerts@example.com" || !m.HasPassword ||
		m.FromAddress != "alerts@example.com" || m.TLSMode != store.MailTLSImplicit {
		t.Fatalf("saved settings read back as %+v", m)
	}
	if m.UpdatedAt.Before(before) {
		t.Errorf("UpdatedAt = %v, want after %v", m.UpdatedAt, before)
	}
	if !m.Configured() || m.Addr() != "smtp.example.com:465" {
		t.Errorf("Configured = %t, Addr = %q", m.Configured(), m.Addr())
	}
	if pw != secret {
		t.Fatalf("password = %q, want the saved one", pw)
	}

	// No password given: the stored one stays.
	save(store.MailSettingsUpdate{Host: "smtp2.example.com", Port: 587, Username: "alerts@example.com",
		FromAddress: "alerts@example.com", TLSMode: store.MailTLSStartTLS})
	if m, pw = read(); pw != secret || !m.HasPassword || m.Host != "smtp2.example.com" {
		t.Fatalf("after saving without a password: %+v, password %q", m, pw)
	}
	// An empty password also keeps it.
	save(store.MailSettingsUpdate{Host: "smtp2.example.com", Port: 587, Username: "alerts@example.com",
		Password: ptr(""), FromAddress: "alerts@example.com", TLSMode: store.MailTLSStartTLS})
	if _, pw = read(); pw != secret {
		t.Fatalf("empty password replaced the stored one: %q", pw)
	}
	// A new password replaces it.
	save(store.MailSettingsUpdate{Host: "smtp2.example.com", Port: 587, Username: "alerts@example.com",
		Password: ptr("another-password"), FromAddress: "alerts@example.com", TLSMode: store.MailTLSStartTLS})
	if _, pw = read(); pw != "another-password" {
		t.Fatalf("password = %q, want the new one", pw)
	}
	// Without a username there is no password.
	save(store.MailSettingsUpdate{Host: "relay.internal", Port: 25, Password: ptr("ignored"),
		FromAddress: "alerts@example.com", TLSMode: store.MailTLSNone})
	if m, pw = read(); pw != "" || m.HasPassword || m.Username != "" || m.TLSMode != store.MailTLSNone {
		t.Fatalf("after clearing the username: %+v, password %q", m, pw)
	}
}

func TestMailPasswordIsSealedOnDisk(t *testing.T) {
	db := openSealedDB(t)
	ctx := context.Background()
	const secret = "pl41ntext-smtp-p4ssword-marker"
	const user = "visible-username-marker"
	err := db.SaveMailSettings(ctx, store.MailSettingsUpdate{Host: "smtp.example.com", Port: 587, Username: user,
		Password: ptr(secret), FromAddress: "alerts@example.com", TLSMode: store.MailTLSStartTLS})
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := db.R.QueryRowContext(ctx, "SELECT password_enc FROM mail_settings").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 || bytes.Contains(raw, []byte(secret)) {
		t.Fatalf("password_enc = %q: want a sealed value", raw)
	}
	// The database and its write-ahead log hold the username in clear (so
	// this looks in the right place) but never the password.
	var all []byte
	for _, p := range []string{db.Path(), db.Path() + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if !bytes.Contains(all, []byte(user)) {
		t.Fatal("the username is not in the database files; the scan looked in the wrong place")
	}
	if bytes.Contains(all, []byte(secret)) {
		t.Fatal("the SMTP password is stored in plain text")
	}
}

func TestSaveMailSettingsRejects(t *testing.T) {
	db := openSealedDB(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		up   store.MailSettingsUpdate
	}{
		{"unknown TLS mode", store.MailSettingsUpdate{Host: "smtp.example.com", Port: 587, FromAddress: "a@example.com", TLSMode: "ssl"}},
		{"port zero", store.MailSettingsUpdate{Host: "smtp.example.com", Port: 0, FromAddress: "a@example.com", TLSMode: store.MailTLSStartTLS}},
		{"port too large", store.MailSettingsUpdate{Host: "smtp.example.com", Port: 70000, FromAddress: "a@example.com", TLSMode: store.MailTLSStartTLS}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.SaveMailSettings(ctx, tc.up); err == nil {
				t.Fatal("saved")
			}
		})
	}
	if m, _ := db.MailSettings(ctx); m.Configured() {
		t.Fatalf("a rejected save was stored: %+v", m)
	}
}

func TestSaveMailSettingsWithoutBox(t *testing.T) {
	db := MustOpenDB(t) // no UseBox
	err := db.SaveMailSettings(context.Background(), store.MailSettingsUpdate{Host: "smtp.example.com", Port: 587,
		Username: "u", Password: ptr("p"), FromAddress: "a@example.com", TLSMode: store.MailTLSStartTLS})
	if err == nil {
		t.Fatal("a password was saved without a secrets box")
	}
}

// mustChannel creates a connected channel.
func mustChannel(t *testing.T, db *store.DB, title, phoneID string) store.Channel {
	t.Helper()
	ctx := context.Background()
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: title, Provider: "meta_cloud", BusinessID: "512300000000001",
		WABAID: "104500000000011", PhoneNumberID: phoneID, DisplayPhoneNumber: "+1 555-010-2001",
		Secrets: store.ChannelSecrets{AccessToken: "token", AppSecret: "secret", VerifyToken: "verify"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if ch, err = db.ChannelByID(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestChannelAlerts(t *testing.T) {
	db := openSealedDB(t)
	ctx := context.Background()
	a := mustChannel(t, db, "Sales", "110200000000101")
	b := mustChannel(t, db, "Support", "110200000000102")

	t0 := time.Date(2026, 1, 2, 14, 5, 0, 0, time.UTC)
	first, err := db.RecordChannelAlert(ctx, store.ChannelAlert{ChannelID: a.ID, Kind: store.AlertDisconnected,
		Recipients: []string{"ops@example.com", "owner@example.com"}, Reason: "token rejected", SentAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 {
		t.Error("recorded alert has no ID")
	}
	if _, err := db.RecordChannelAlert(ctx, store.ChannelAlert{ChannelID: a.ID, Kind: store.AlertRecovered,
		Recipients: []string{"ops@example.com"}, SentAt: t0.Add(time.Hour), Error: "Could not connect to smtp.example.com:587: connection refused"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordChannelAlert(ctx, store.ChannelAlert{ChannelID: b.ID, Kind: store.AlertDisconnected,
		Recipients: []string{"x@example.com"}, SentAt: t0}); err != nil {
		t.Fatal(err)
	}

	got, err := db.ListChannelAlerts(ctx, a.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("alerts of channel a = %+v, want 2", got)
	}
	if got[0].Kind != store.AlertRecovered || got[0].Error == "" || !got[0].SentAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("newest alert = %+v", got[0])
	}
	if got[1].Kind != store.AlertDisconnected || got[1].Reason != "token rejected" || got[1].Error != "" ||
		len(got[1].Recipients) != 2 || got[1].Recipients[1] != "owner@example.com" || !got[1].SentAt.Equal(t0) {
		t.Errorf("oldest alert = %+v", got[1])
	}
	if got, _ := db.ListChannelAlerts(ctx, a.ID, 1); len(got) != 1 || got[0].Kind != store.AlertRecovered {
		t.Errorf("limit 1 = %+v", got)
	}

	if _, err := db.RecordChannelAlert(ctx, store.ChannelAlert{ChannelID: a.ID, Kind: "bogus"}); err == nil {
		t.Error("unknown kind recorded")
	}
	if _, err := db.RecordChannelAlert(ctx, store.ChannelAlert{ChannelID: 9999, Kind: store.AlertDisconnected}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alert of a missing channel: err = %v, want ErrNotFound", err)
	}
}

func TestNoteChannelCheckProblemKeepsState(t *testing.T) {
	db := openSealedDB(t)
	ctx := context.Background()
	ch := mustChannel(t, db, "Sales", "110200000000101")
	if err := db.NoteChannelCheckProblem(ctx, ch.ID, "Could not reach the provider at 14:05 UTC; will try again."); err != nil {
		t.Fatal(err)
	}
	got, err := db.ChannelByID(ctx, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.ChannelConnected || got.StateReason != "Could not reach the provider at 14:05 UTC; will try again." {
		t.Fatalf("state %q, reason %q", got.State, got.StateReason)
	}
	if !got.LastHealthCheckAt.Equal(*ch.LastHealthCheckAt) {
		t.Errorf("last check moved from %v to %v", ch.LastHealthCheckAt, got.LastHealthCheckAt)
	}
	if err := db.NoteChannelCheckProblem(ctx, 9999, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing channel: err = %v, want ErrNotFound", err)
	}
}
