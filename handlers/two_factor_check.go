package handlers

import (
	"context"
	"errors"
	"fmt"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// codeResult is what a second-factor code turned out to be.
type codeResult int

const (
	codeWrong codeResult = iota
	codeTOTP
	codeRecovery
	// codeReused: a correct authenticator code that was already used.
	codeReused
)

// totpContext names a user's authenticator secret for the secrets box.
func totpContext(userID int64) string { return fmt.Sprintf("user %d authenticator secret", userID) }

// totpIssuer is the name authenticator apps show for this console.
func (s *Server) totpIssuer() string { return "wadesk (" + s.baseURL.Host + ")" }

// checkCode checks a code from the authenticator app (accepted once) or a
// recovery code (used up) and returns which it was and, for a recovery
// code, how many are left.
func (s *Server) checkCode(ctx context.Context, u *store.User, code string) (codeResult, int, error) {
	if auth.LooksLikeRecoveryCode(code) {
		codes, err := s.db.UnusedRecoveryCodes(ctx, u.ID)
		if err != nil {
			return codeWrong, 0, err
		}
		norm := auth.NormalizeRecoveryCode(code)
		for _, c := range codes {
			ok, err := auth.CheckPassword(ctx, c.Hash, norm)
			if err != nil {
				return codeWrong, 0, err
			}
			if !ok {
				continue
			}
			used, err := s.db.UseRecoveryCode(ctx, c.ID)
			if err != nil || !used {
				return codeWrong, 0, err
			}
			return codeRecovery, len(codes) - 1, nil
		}
		return codeWrong, 0, nil
	}
	t, err := s.db.TOTPOf(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return codeWrong, 0, nil
	}
	if err != nil {
		return codeWrong, 0, err
	}
	if !t.Confirmed {
		return codeWrong, 0, nil
	}
	secret, err := s.box.Open(t.SecretEnc, totpContext(u.ID))
	if err != nil {
		return codeWrong, 0, fmt.Errorf("open authenticator secret of user %d: %w", u.ID, err)
	}
	step, ok := auth.MatchTOTP(string(secret), code, time.Now())
	if !ok {
		return codeWrong, 0, nil
	}
	fresh, err := s.db.UseTOTPStep(ctx, u.ID, step)
	if err != nil {
		return codeWrong, 0, err
	}
	if !fresh {
		return codeReused, 0, nil
	}
	return codeTOTP, 0, nil
}

// codeKey is the throttle's account key for codes: the user at this
// address, so a stranger's wrong codes slow the stranger's address and
// never the owner signing in from elsewhere.
func codeKey(u *store.User, r *http.Request) string {
	return strconv.FormatInt(u.ID, 10) + "@" + clientIP(r)
}

// allowCode says whether the code throttle lets this attempt be checked
// (wrong ones are charged with codeFailed), or renders the "wait" page
// and returns false.
func (s *Server) allowCode(w http.ResponseWriter, r *http.Request, u *store.User, back string) bool {
	ok, wait := s.codes.Allow(codeKey(u, r), clientIP(r))
	if ok {
		return true
	}
	s.log.Warn("second-factor codes throttled", "user_id", u.ID, "remote", clientIP(r), "wait", wait)
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
	s.renderError(w, r, views.ErrorInfo{
		Status:  http.StatusTooManyRequests,
		Title:   i18n.T(r.Context(), "errors.codes_throttled.title"),
		Message: i18n.T(r.Context(), "errors.codes_throttled.message", "Wait", humanWait(r.Context(), wait)),
		Back:    back, BackLabel: i18n.T(r.Context(), "errors.back"),
	})
	return false
}

// codeFailed charges a wrong code (or passkey) to the throttle: the
// throttle counts only failures, so every refused attempt must say so.
func (s *Server) codeFailed(u *store.User, r *http.Request) {
	s.codes.Fail(codeKey(u, r), clientIP(r))
}

// recoveryLeftMessage tells someone who used a recovery code how many remain.
func recoveryLeftMessage(left int) string {
	switch {
	case left == 0:
		return "You used your last recovery code. Make new ones now under Two-step sign-in."
	case left == 1:
		return "You used a recovery code. 1 is left; make new ones soon under Two-step sign-in."
	case left <= 3:
		return fmt.Sprintf("You used a recovery code. %d are left; make new ones soon under Two-step sign-in.", left)
	}
	return fmt.Sprintf("You used a recovery code. %d are left.", left)
}
