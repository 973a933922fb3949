package doctor_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/doctor"
	"github.com/wadesk/wadesk/health"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// number answers GetPhoneNumber with a fixed number or error.
type number struct {
	pn  providers.PhoneNumber
	err error
}

func (n number) GetPhoneNumber(context.Context, string) (providers.PhoneNumber, error) {
	return n.pn, n.err
}

var connected = number{pn: providers.PhoneNumber{Status: "CONNECTED", QualityRating: "GREEN", DisplayPhoneNumber: "+1 555 0100"}}

// install makes a healthy installation with one connected channel.
func install(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	box, _ := secrets.NewBox(key)
	db, err := store.Open(ctx, filepath.Join(dir, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.UseBox(box)
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{
		Title: "Sales", Provider: "meta_cloud", BusinessID: "1", WABAID: "2", PhoneNumberID: "3",
		Secrets: store.ChannelSecrets{AccessToken: "EAAtoken", AppSecret: "app-secret-0123456789", VerifyToken: "v"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDoctor(t *testing.T) {
	site := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.Write([]byte("ok"))
			return
		}
		http.NotFound(w, r)
	}))
	defer site.Close()
	down := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad gateway", http.StatusBadGateway)
	}))
	defer down.Close()

	tests := []struct {
		name string
		// breakIt changes a healthy installation; cfg adjusts the config.
		breakIt func(t *testing.T, dir string)
		cfg     func(c *doctor.Config)
		number  number
		// fail is the check that must fail, with words from want in it.
		fail string
		want string
	}{
		{name: "healthy"},
		{name: "missing key", fail: "secret.key", want: "is missing",
			breakIt: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "secret.key")) }},
		{name: "another key", fail: "secret.key matches", want: "not the key this database was used with",
			breakIt: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "secret.key"), []byte((rand.Text() + rand.Text())[:32]), 0o600)
			}},
		{name: "key readable by others", fail: "secret.key", want: "chmod 600",
			breakIt: func(t *testing.T, dir string) { os.Chmod(filepath.Join(dir, "secret.key"), 0o644) }},
		{name: "data directory readable by others", fail: "data directory", want: "chmod 700",
			breakIt: func(t *testing.T, dir string) { os.Chmod(dir, 0o755) }},
		{name: "data directory writable by all", fail: "data directory", want: "every user",
			breakIt: func(t *testing.T, dir string) { os.Chmod(dir, 0o777) }},
		{name: "data directory missing", fail: "data directory", want: "does not exist",
			breakIt: func(t *testing.T, dir string) { os.RemoveAll(dir) }},
		{name: "corrupt database", fail: "database", want: "restore",
			breakIt: func(t *testing.T, dir string) {
				path := filepath.Join(dir, "wadesk.db")
				b, _ := os.ReadFile(path)
				for i := 4096; i < len(b); i += 97 {
					b[i] ^= 0x5a
				}
				os.WriteFile(path, b, 0o600)
			}},
		{name: "not a database", fail: "database", want: "cannot be read",
			breakIt: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "wadesk.db"), bytes.Repeat([]byte("not sqlite "), 1000), 0o600)
			}},
		{name: "newer database", fail: "migrations", want: "newer wadesk",
			breakIt: func(t *testing.T, dir string) {
				db, err := store.Open(context.Background(), filepath.Join(dir, "wadesk.db"))
				if err != nil {
					t.Fatal(err)
				}
				db.W.Exec("INSERT INTO schema_migrations VALUES (9999, 'future', '2027-01-01T00:00:00.000000000Z')")
				db.Close()
			}},
		{name: "plain http base URL", fail: "public URL", want: "not HTTPS",
			cfg: func(c *doctor.Config) { c.BaseURL = "http://desk.example.com" }},
		{name: "no base URL", fail: "public URL", want: "not set",
			cfg: func(c *doctor.Config) { c.BaseURL = "" }},
		{name: "proxy without wadesk", fail: "public URL", want: "502",
			cfg: func(c *doctor.Config) { c.BaseURL = down.URL }},
		{name: "bad flags", fail: "configuration", want: "--log-format",
			cfg: func(c *doctor.Config) { c.ConfigErr = errString(`--log-format "xml": want text or json`) }},
		{name: "token rejected", fail: "channel Sales", want: "rejected the access token",
			number: number{err: &providers.Error{Provider: providers.MetaCloud, Kind: providers.ErrorKindAuth, Code: 190, HTTPStatus: 401}}},
		{name: "provider unreachable", fail: "channel Sales", want: "could not be reached",
			number: number{err: &providers.Error{Provider: providers.MetaCloud, Kind: providers.ErrorKindNetwork, Err: errString("dial tcp: i/o timeout")}}},
		{name: "number banned", fail: "channel Sales", want: "banned",
			number: number{pn: providers.PhoneNumber{Status: "BANNED"}}},
		{name: "disk nearly full", fail: "disk space", want: "Free some space",
			cfg: func(c *doctor.Config) { c.MinFree = 1 << 62 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := install(t)
			if tt.breakIt != nil {
				tt.breakIt(t, dir)
			}
			n := tt.number
			if n == (number{}) {
				n = connected
			}
			c := doctor.Config{DataDir: dir, BaseURL: site.URL, HTTP: site.Client(), MinFree: 1,
				Connect: func(providers.Credentials) (health.NumberGetter, error) { return n, nil }}
			if tt.cfg != nil {
				tt.cfg(&c)
			}
			rs := doctor.Run(context.Background(), c)
			var out bytes.Buffer
			failed := doctor.Print(&out, rs)
			t.Logf("\n%s", out.String())
			if tt.fail == "" {
				if failed != 0 {
					t.Fatalf("%d checks failed on a healthy installation", failed)
				}
				for _, want := range []string{"secret.key matches", "channel Sales", "public URL", "disk space", "migrations"} {
					if !strings.Contains(out.String(), want) {
						t.Errorf("no %q check", want)
					}
				}
				return
			}
			var found bool
			for _, r := range rs {
				if r.Check == tt.fail && r.Status == doctor.Fail {
					found = true
					if !strings.Contains(r.Detail, tt.want) {
						t.Errorf("%s: %q lacks %q", r.Check, r.Detail, tt.want)
					}
				}
			}
			if !found || failed == 0 {
				t.Fatalf("check %q did not fail", tt.fail)
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }
