package secrets_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wadesk/wadesk/secrets"
)

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 {
		t.Fatalf("key length %d", len(k1))
	}
	st, err := os.Stat(filepath.Join(dir, secrets.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	k2, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) {
		t.Fatal("second start read a different key")
	}

	if err := os.Chmod(filepath.Join(dir, secrets.KeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.LoadOrCreateKey(dir); err == nil {
		t.Error("a world-readable key file was accepted")
	}

	short := t.TempDir()
	os.WriteFile(filepath.Join(short, secrets.KeyFile), []byte("too short"), 0o600)
	if _, err := secrets.LoadOrCreateKey(short); err == nil {
		t.Error("a truncated key file was accepted")
	}
}

func TestSealOpen(t *testing.T) {
	box := newBox(t)
	sealed, err := box.Seal([]byte("EAAG-token"), "channel 1 access token")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("EAAG-token")) {
		t.Fatal("plaintext visible in sealed value")
	}
	again, _ := box.Seal([]byte("EAAG-token"), "channel 1 access token")
	if bytes.Equal(sealed, again) {
		t.Error("sealing twice gave the same bytes (nonce reuse)")
	}
	pt, err := box.Open(sealed, "channel 1 access token")
	if err != nil || string(pt) != "EAAG-token" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	box := newBox(t)
	sealed, _ := box.Seal([]byte("app secret"), "channel 1 app secret")
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 0x01
		return c
	}
	other := newBox(t)
	cases := []struct {
		name    string
		sealed  []byte
		context string
		box     *secrets.Box
	}{
		{"flipped version", flip(0), "channel 1 app secret", box},
		{"flipped nonce", flip(3), "channel 1 app secret", box},
		{"flipped ciphertext", flip(len(sealed) - 20), "channel 1 app secret", box},
		{"flipped tag", flip(len(sealed) - 1), "channel 1 app secret", box},
		{"truncated", sealed[:len(sealed)-1], "channel 1 app secret", box},
		{"empty", nil, "channel 1 app secret", box},
		{"other row", sealed, "channel 2 app secret", box},
		{"other key", sealed, "channel 1 app secret", other},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.box.Open(tc.sealed, tc.context); !errors.Is(err, secrets.ErrDecrypt) {
				t.Fatalf("err = %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestDeriveKey(t *testing.T) {
	box := newBox(t)
	a, b := box.DeriveKey("flash"), box.DeriveKey("other")
	if len(a) != 32 || bytes.Equal(a, b) {
		t.Fatal("derived keys must be 32 bytes and differ by purpose")
	}
	if !bytes.Equal(a, box.DeriveKey("flash")) {
		t.Fatal("derivation is not stable")
	}
}

func newBox(t *testing.T) *secrets.Box {
	t.Helper()
	key, err := secrets.LoadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	return box
}
