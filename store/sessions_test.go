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
