package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wadesk/wadesk/store"
)

// MustOpenDB opens a fresh database in the test's temporary directory and
// closes it when the test ends.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "wadesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wadesk.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v1 < 1 {
		t.Fatalf("schema version = %d, want >= 1", v1)
	}
	if _, err := db.CreateDepartment(ctx, "Sales"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = store.Open(ctx, path) // reopening must not re-run migrations
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v2, _ := db.SchemaVersion(ctx)
	if v2 != v1 {
		t.Fatalf("schema version changed on reopen: %d -> %d", v1, v2)
	}
	ds, err := db.ListDepartments(ctx)
	if err != nil || len(ds) != 1 {
		t.Fatalf("departments after reopen = %v, %v", ds, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestPragmas(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
	} {
		var got string
		if err := db.W.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %q, want %q", tc.pragma, got, tc.want)
		}
	}
	// The read pool must refuse writes.
	if _, err := db.R.ExecContext(ctx, "INSERT INTO departments (name, created_at) VALUES ('x', 'y')"); err == nil {
		t.Error("write through the read pool succeeded")
	}
}

func TestIntegrityCheckDetectsCorruption(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wadesk.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := db.CreateDepartment(ctx, "Department "+string(rune('A'+i%26))+string(rune('a'+i/26))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.W.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Scribble over every page after the first (which holds the header).
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	junk := make([]byte, st.Size()-4096)
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	if _, err := f.WriteAt(junk, 4096); err != nil {
		t.Fatal(err)
	}
	f.Close()

	db, err = store.Open(ctx, path)
	if err != nil {
		return // refusing to open a corrupt file is also a detection
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err == nil {
		t.Fatal("integrity check passed on a corrupted file")
	}
}

func TestConcurrentWritesAndReads(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 50 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := db.CreateDepartment(ctx, "Team "+string(rune('A'+i%26))+string(rune('0'+i/26)))
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := db.ListDepartments(ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ds, _ := db.ListDepartments(ctx)
	if len(ds) != 50 {
		t.Fatalf("got %d departments, want 50", len(ds))
	}
}

func TestDepartments(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	sales, err := db.CreateDepartment(ctx, "  Sales ")
	if err != nil {
		t.Fatal(err)
	}
	if sales.Name != "Sales" {
		t.Errorf("name not trimmed: %q", sales.Name)
	}
	if _, err := db.CreateDepartment(ctx, "sales"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate name (other case): err = %v, want ErrConflict", err)
	}
	support, _ := db.CreateDepartment(ctx, "Support")
	if err := db.RenameDepartment(ctx, support.ID, "Sales"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("rename onto existing name: err = %v, want ErrConflict", err)
	}
	if err := db.RenameDepartment(ctx, support.ID, "Customer care"); err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: store.RoleAgent,
		PasswordHash: "x", DepartmentIDs: []int64{sales.ID, support.ID}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := db.DepartmentByID(ctx, sales.ID)
	if got.MemberCount != 1 {
		t.Errorf("member count = %d, want 1", got.MemberCount)
	}
	if err := db.DeleteDepartment(ctx, sales.ID); err != nil {
		t.Fatal(err)
	}
	u, _ = db.UserByID(ctx, u.ID)
	if len(u.DepartmentIDs) != 1 || u.DepartmentIDs[0] != support.ID {
		t.Errorf("departments after delete = %v, want [%d]", u.DepartmentIDs, support.ID)
	}
	if err := db.DeleteDepartment(ctx, sales.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: err = %v, want ErrNotFound", err)
	}
	if _, err := db.DepartmentByID(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing department: err = %v, want ErrNotFound", err)
	}
}

func TestRelaxedTransactionsRestoreFullSync(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if _, err := db.ApplyProcessedEvents(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var sync string
	if err := db.W.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if sync != "2" {
		t.Fatalf("after a relaxed transaction the writer's synchronous = %s, want 2 (FULL)", sync)
	}
}
