package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/store"
)

// `wadesk doctor` reads the same flags as serve and fails, in words, on a
// setup that cannot work (here: plain http).
func TestDoctorCommand(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	var out bytes.Buffer
	err := run(context.Background(), []string{"wadesk", "doctor", "--data", data, "--base-url", "http://desk.example.com"}, noenv, &out)
	if err == nil || !strings.Contains(err.Error(), "1 check(s) failed") {
		t.Fatalf("doctor: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "FAIL  public URL") || !strings.Contains(out.String(), "ok    database") {
		t.Fatalf("doctor printed:\n%s", out.String())
	}
}

// A locked-out admin gets a new password on the command line: the old one
// stops working, the new one works, and a disabled account can be enabled.
func TestUserResetPassword(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	db := openDB(t, data)
	u, err := db.UserByEmail(context.Background(), "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	db.SetUserDisabled(context.Background(), u.ID, true)
	db.Close()

	out := mustRun(t, "user", "reset-password", "--data", data, "--email", "admin@example.com", "--enable")
	m := regexp.MustCompile(`new password: (\S+)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "re-enabled") {
		t.Fatalf("reset-password printed %q", out)
	}
	a := startApp(t, data)
	if r := login(t, browser(t), a, "admin@example.com", adminPassword); r.Status == http.StatusSeeOther {
		t.Fatal("the old password still works")
	}
	if r := login(t, browser(t), a, "admin@example.com", m[1]); r.Status != http.StatusSeeOther {
		t.Fatalf("the new password: %d", r.Status)
	}
	if err := run(context.Background(), []string{"wadesk", "user", "reset-password", "--data", data, "--email", "nobody@example.com"}, noenv, &bytes.Buffer{}); err == nil {
		t.Fatal("reset-password of an unknown user succeeded")
	}
	// Both command-line actions are in the audit log, as done from the command line.
	es, err := openDB(t, data).AuditEntries(context.Background(), store.AuditFilter{Action: "user."})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.Actor != "command line" || e.Source != "command line" || e.TargetName != "admin@example.com" {
			t.Errorf("entry %+v", e)
		}
		got = append(got, e.Action)
	}
	if strings.Join(got, " ") != "user.enabled user.password_reset user.created" {
		t.Errorf("audit entries %v", got)
	}
}

// The operations flags refuse values that cannot work, in words.
func TestOpsFlagsRefuseBadValues(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{args: []string{"--backup-every", "10s"}, want: "--backup-every"},
		{args: []string{"--backup-every", "1h", "--backup-keep", "0"}, want: "--backup-keep"},
		{env: map[string]string{"WADESK_BACKUP_EVERY": "daily"}, want: "WADESK_BACKUP_EVERY"},
		{args: []string{"--metrics-token", "short"}, want: "--metrics-token"},
		{args: []string{"--trusted-proxy", "10.0.0.0/33"}, want: "--trusted-proxy"},
		{args: []string{"--retain-days", "-1"}, want: "--retain-days"},
		{args: []string{"--audit-keep-days", "-5"}, want: "--audit-keep-days"},
		{args: []string{"--shutdown-timeout", "10ms"}, want: "--shutdown-timeout"},
	} {
		getenv := func(k string) string { return tt.env[k] }
		args := append([]string{"wadesk", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, tt.args...)
		err := run(context.Background(), args, getenv, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("serve %v %v: %v, want an error naming %s", tt.args, tt.env, err, tt.want)
		}
	}
}
