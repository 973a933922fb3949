package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

func TestCreateUser(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	u, err := db.CreateUser(ctx, store.NewUser{Email: " Ana@Example.com ", Name: "Ana", Role: store.RoleAgent, PasswordHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Email != "Ana@Example.com" || u.SessionEpoch != 1 || u.Disabled() {
		t.Fatalf("unexpected user %+v", u)
	}
	for _, email := range []string{"ana@example.com", "ANA@EXAMPLE.COM"} {
		if _, err := db.CreateUser(ctx, store.NewUser{Email: email, Name: "x", Role: store.RoleAgent, PasswordHash: "h"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("CreateUser(%q) err = %v, want ErrConflict", email, err)
		}
	}
	byEmail, err := db.UserByEmail(ctx, "ANA@example.COM")
	if err != nil || byEmail.ID != u.ID {
		t.Fatalf("UserByEmail = %+v, %v", byEmail, err)
	}
	if _, err := db.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown email err = %v, want ErrNotFound", err)
	}
	if _, err := db.CreateUser(ctx, store.NewUser{Email: "b@example.com", Name: "B", Role: "owner", PasswordHash: "h"}); err == nil {
		t.Error("unknown role was accepted")
	}
	if _, err := db.CreateUser(ctx, store.NewUser{Email: "c@example.com", Name: "C", Role: store.RoleAgent, PasswordHash: "h", DepartmentIDs: []int64{42}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown department err = %v, want ErrNotFound", err)
	}
	if _, err := db.UserByEmail(ctx, "c@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Error("a failed create left a user behind")
	}
}

func TestCreateFirstAdminOnlyOnce(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	has, _ := db.HasUsers(ctx)
	if has {
		t.Fatal("fresh database has users")
	}
	var wg sync.WaitGroup
	results := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.CreateFirstAdmin(ctx, store.NewUser{Email: string(rune('a'+i)) + "@example.com", Name: "Admin", PasswordHash: "h"})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	wins := 0
	for err := range results {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrSetupDone):
			t.Errorf("unexpected error %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d first admins created, want exactly 1", wins)
	}
	users, _ := db.ListUsers(ctx)
	if len(users) != 1 || users[0].Role != store.RoleAdmin {
		t.Fatalf("users = %+v", users)
	}
}

func TestDisableAndPasswordBumpSessionEpoch(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: store.RoleAgent, PasswordHash: "old"})
	if err := db.SetUserDisabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	got, _ := db.UserByID(ctx, u.ID)
	if !got.Disabled() || got.SessionEpoch != u.SessionEpoch+1 {
		t.Fatalf("after disable: %+v", got)
	}
	if err := db.SetUserDisabled(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPasswordHash(ctx, u.ID, "new"); err != nil {
		t.Fatal(err)
	}
	got, _ = db.UserByID(ctx, u.ID)
	if got.Disabled() || got.PasswordHash != "new" || got.SessionEpoch != u.SessionEpoch+2 {
		t.Fatalf("after enable + reset: %+v", got)
	}
	if err := db.SetUserDisabled(ctx, 999, true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("disable unknown user err = %v", err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	if err := db.RecordLogin(ctx, u.ID, at); err != nil {
		t.Fatal(err)
	}
	got, _ = db.UserByID(ctx, u.ID)
	if got.LastLoginAt == nil || !got.LastLoginAt.Equal(at) {
		t.Errorf("last login = %v, want %v", got.LastLoginAt, at)
	}
}

func TestUpdateUserAndCountAdmins(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	d, _ := db.CreateDepartment(ctx, "Sales")
	a, _ := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: store.RoleAdmin, PasswordHash: "h"})
	b, _ := db.CreateUser(ctx, store.NewUser{Email: "b@example.com", Name: "B", Role: store.RoleAgent, PasswordHash: "h"})
	if n, _ := db.CountActiveAdmins(ctx); n != 1 {
		t.Fatalf("admins = %d, want 1", n)
	}
	if err := db.UpdateUser(ctx, b.ID, store.UserUpdate{Name: "Bea", Role: store.RoleAdmin, DepartmentIDs: []int64{d.ID}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountActiveAdmins(ctx); n != 2 {
		t.Fatalf("admins = %d, want 2", n)
	}
	db.SetUserDisabled(ctx, a.ID, true)
	if n, _ := db.CountActiveAdmins(ctx); n != 1 {
		t.Fatalf("admins after disabling one = %d, want 1", n)
	}
	users, _ := db.ListUsers(ctx)
	if len(users) != 2 {
		t.Fatalf("ListUsers = %d users", len(users))
	}
	for _, u := range users {
		if u.ID == b.ID && (u.Name != "Bea" || len(u.DepartmentIDs) != 1) {
			t.Errorf("updated user = %+v", u)
		}
	}
	if err := db.UpdateUser(ctx, 999, store.UserUpdate{Name: "x", Role: store.RoleAgent}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update unknown user err = %v", err)
	}
}
