package store_test

import (
	"context"
	"testing"
	"time"
)

func TestSessions(t *testing.T) {
	db := MustOpenDB(t)
	s := db.Sessions()
	if _, found, err := s.Find("nope"); found || err != nil {
		t.Fatalf("Find(unknown) = %v, %v", found, err)
	}
	if err := s.Commit("live", []byte("a"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit("old", []byte("b"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if b, found, _ := s.Find("live"); !found || string(b) != "a" {
		t.Fatalf("Find(live) = %q, %v", b, found)
	}
	if _, found, _ := s.Find("old"); found {
		t.Fatal("an expired session was found")
	}
	if err := s.Commit("live", []byte("c"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	all, err := s.All()
	if err != nil || len(all) != 1 || string(all["live"]) != "c" {
		t.Fatalf("All = %v, %v", all, err)
	}
	if n, err := s.DeleteExpired(context.Background()); err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v", n, err)
	}
	if err := s.Delete("live"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Find("live"); found {
		t.Fatal("a deleted session was found")
	}
}

// TestSessionCommitKeepsARecentExpiry: scs commits a session with an idle
// timeout on every request only to push its expiry on; a push of less than
// a minute with the same data writes nothing, anything else is saved.
func TestSessionCommitKeepsARecentExpiry(t *testing.T) {
	db := MustOpenDB(t)
	s := db.Sessions()
	expiry := func() int64 {
		t.Helper()
		var e float64
		if err := db.R.QueryRowContext(context.Background(), "SELECT expiry FROM sessions WHERE token = 'tok'").Scan(&e); err != nil {
			t.Fatal(err)
		}
		return int64(e)
	}
	base := time.Now().Add(time.Hour).Truncate(time.Second)
	steps := []struct {
		data string
		at   time.Time
		want time.Time
	}{
		{"a", base, base},
		{"a", base.Add(30 * time.Second), base},                                             // a small push: kept
		{"a", base.Add(2 * time.Minute), base.Add(2 * time.Minute)},                         // a push past the slack
		{"b", base.Add(2*time.Minute + time.Second), base.Add(2*time.Minute + time.Second)}, // new data
		{"b", base, base},                                                                   // an earlier expiry
	}
	for i, st := range steps {
		if err := s.Commit("tok", []byte(st.data), st.at); err != nil {
			t.Fatal(err)
		}
		if got := expiry(); got != st.want.Unix() {
			t.Errorf("step %d: stored expiry %v, want %v", i, time.Unix(got, 0), st.want)
		}
		if b, found, err := s.Find("tok"); err != nil || !found || string(b) != st.data {
			t.Errorf("step %d: Find = %q, %v, %v; want %q", i, b, found, err, st.data)
		}
	}
}
