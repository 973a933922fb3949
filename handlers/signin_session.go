package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wadesk/wadesk/store"
)

// Session keys of the sign-in steps.
const (
	// sessSID is the id of the session's row in user_sessions; a session
	// whose row is gone has been signed out from the Account page.
	sessSID = "sid"
	// sessPendingUser is set between a correct password and the second
	// factor; the session is not signed in yet.
	sessPendingUser  = "pending_user"
	sessPendingEpoch = "pending_epoch"
	sessPendingAt    = "pending_at"
	sessPendingTries = "pending_tries"
	sessPendingNext  = "pending_next"
	// sessMustEnrol holds a user whom the policy requires to set up two-factor
	// sign-in on the enrolment pages until they have.
	sessMustEnrol = "must_enrol"
)

// pendingFor is how long the code step waits after the password; tries is
// how many wrong codes it takes before the password is asked for again.
const (
	pendingFor   = 5 * time.Minute
	pendingTries = 5
)

// recordSession gives the (just renewed) session an entry in the user's
// list of sessions.
func (s *Server) recordSession(r *http.Request, u *store.User) error {
	sid, err := randomToken(18)
	if err != nil {
		return err
	}
	err = s.db.CreateUserSession(r.Context(), store.UserSession{
		ID: sid, UserID: u.ID, UserAgent: r.UserAgent(), Address: clientIP(r), CreatedAt: time.Now(),
	})
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessSID, sid)
	return nil
}

// checkSessionRow reports whether the session is still in its user's list
// (it is not once signed out from another device) and notes it was seen.
func (s *Server) checkSessionRow(ctx context.Context, u *store.User) (bool, error) {
	sid := s.sessions.GetString(ctx, sessSID)
	if sid == "" {
		return false, nil
	}
	row, err := s.db.UserSessionByID(ctx, sid)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if row.UserID != u.ID {
		return false, nil
	}
	if err := s.db.TouchUserSession(ctx, row, time.Now()); err != nil {
		s.log.Warn("note session seen", "err", err)
	}
	return true, nil
}

// startPending puts the session between the password and the second
// factor, under a new token.
func (s *Server) startPending(r *http.Request, u *store.User, next string) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return fmt.Errorf("renew session token: %w", err)
	}
	ctx := r.Context()
	s.sessions.Remove(ctx, sessUserID)
	s.sessions.Put(ctx, sessPendingUser, u.ID)
	s.sessions.Put(ctx, sessPendingEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, sessPendingAt, time.Now().Unix())
	s.sessions.Put(ctx, sessPendingTries, 0)
	s.sessions.Put(ctx, sessPendingNext, next)
	return nil
}

// pendingUser returns the user waiting for their second factor, or nil
// when the session is not in that step (or waited too long).
func (s *Server) pendingUser(ctx context.Context) (*store.User, error) {
	id := s.sessions.GetInt64(ctx, sessPendingUser)
	if id == 0 {
		return nil, nil
	}
	if time.Since(time.Unix(s.sessions.GetInt64(ctx, sessPendingAt), 0)) > pendingFor {
		s.clearPending(ctx)
		return nil, nil
	}
	u, err := s.db.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.clearPending(ctx)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled() || u.SessionEpoch != s.sessions.GetInt64(ctx, sessPendingEpoch) {
		s.clearPending(ctx)
		return nil, nil
	}
	return &u, nil
}

func (s *Server) clearPending(ctx context.Context) {
	for _, k := range []string{sessPendingUser, sessPendingEpoch, sessPendingAt, sessPendingTries, sessPendingNext} {
		s.sessions.Remove(ctx, k)
	}
}

// finishSignIn signs in a user whose factors all passed: new token, new
// entry in their list of sessions, and the throttle forgets the account.
func (s *Server) finishSignIn(r *http.Request, u *store.User) error {
	s.clearPending(r.Context())
	if err := s.startSession(r, u); err != nil {
		return err
	}
	if err := s.db.RecordLogin(r.Context(), u.ID, time.Now()); err != nil {
		s.log.Error("record login", "err", err)
	}
	s.throttle.Forget(u.Email, clientIP(r))
	s.log.Info("signed in", "user_id", u.ID)
	return nil
}

// secondStep runs after a correct password. A user with two-factor sign-in
// is sent to the code page (the session is not signed in yet); a user the
// policy requires to have it, but who has not, is signed in to the
// enrolment pages only. It reports whether it answered the request.
func (s *Server) secondStep(w http.ResponseWriter, r *http.Request, u *store.User, next string) (bool, error) {
	status, err := s.db.TwoFactorStatusOf(r.Context(), u.ID)
	if err != nil {
		return false, err
	}
	if status.Enabled() {
		if err := s.startPending(r, u, next); err != nil {
			return false, err
		}
		s.log.Info("password accepted, second factor asked", "user_id", u.ID)
		redirect(w, r, "/login/verify")
		return true, nil
	}
	policy, err := s.db.TwoFactorPolicy(r.Context())
	if err != nil {
		return false, err
	}
	if !store.TwoFactorRequired(policy, u.Role) {
		// The password was the only step: the sign-in completes.
		s.noticeNewBrowser(w, r, u)
		return false, nil
	}
	if err := s.finishSignIn(r, u); err != nil {
		return false, err
	}
	s.noticeNewBrowser(w, r, u)
	s.sessions.Put(r.Context(), sessMustEnrol, true)
	s.flash.add(w, r, s.log, "info", "Your organisation requires two-step sign-in. Set it up to continue.")
	redirect(w, r, "/account/two-factor")
	return true, nil
}

// enrolmentPaths are what a user who must set up two-factor sign-in may open.
var enrolmentPaths = []string{"/account/two-factor", "/account/passkeys"}

// enrollingPage says whether the page at rawURL (HTMX's HX-Current-URL)
// is one a user who must set up two-step sign-in may be on.
func enrollingPage(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && rawURL != "" && allowedWhileEnrolling(u.Path)
}

func allowedWhileEnrolling(path string) bool {
	for _, p := range enrolmentPaths {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// endOtherSessions signs out every session of the user but this one.
func (s *Server) endOtherSessions(r *http.Request, userID int64) error {
	_, err := s.db.DeleteUserSessionsExcept(r.Context(), userID, s.sessions.GetString(r.Context(), sessSID))
	return err
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
