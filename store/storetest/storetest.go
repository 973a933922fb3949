// Package storetest opens real wadesk databases for tests: a SQLite file
// in a temporary directory, migrated, with a secrets box so that channel
// and mail secrets can be sealed. It is imported by tests only.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// Open returns a fresh database in a new temporary directory, closed when
// the test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	return OpenIn(tb, tb.TempDir())
}

// OpenIn opens (or creates) dir/wadesk.db with the key in dir/secret.key,
// as wadesk serve does, and closes it when the test ends.
func OpenIn(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db, _ := OpenWithBox(tb, dir)
	return db
}

// OpenWithBox is OpenIn that also returns the secrets box, for tests that
// build the HTTP layer (which signs cookies with keys derived from it).
func OpenWithBox(tb testing.TB, dir string) (*store.DB, *secrets.Box) {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dir, "wadesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	key, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		tb.Fatal(err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		tb.Fatal(err)
	}
	db.UseBox(box)
	return db, box
}
