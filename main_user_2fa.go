package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/wadesk/wadesk/store"
)

// userResetTwoFactor removes a user's authenticator app, passkeys and
// recovery codes and signs them out everywhere: the way back in for an
// owner who lost their phone and recovery codes, run on the server.
func userResetTwoFactor(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user reset-2fa", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dataDir := fs.String("data", envDefault(getenv, "WADESK_DATA", "./data"), "data directory (env WADESK_DATA)")
	email := fs.String("email", "", "email address of the user (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	db, _, err := openData(ctx, *dataDir, slog.New(slog.NewTextHandler(stdout, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, *email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user with email %s", *email)
	}
	if err != nil {
		return err
	}
	if err := db.ResetTwoFactor(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "two-step sign-in of %s was reset and they were signed out everywhere; they can sign in with their password and set it up again\n", u.Email)
	return nil
}
