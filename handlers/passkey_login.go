package handlers

import (
	"bytes"
	"encoding/json"
	"github.com/wadesk/wadesk/i18n"
	"io"
	"net/http"
	"strconv"

	"github.com/go-webauthn/webauthn/protocol"
)

// passkeyLogin finishes signing in with a passkey as the second factor.
// Failures count against the same per-address throttle as codes.
func (s *Server) passkeyLogin(w http.ResponseWriter, r *http.Request) {
	u, ok := s.passkeyStep(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if ok, wait := s.codes.Allow(codeKey(u, r), clientIP(r)); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		jsonError(w, http.StatusTooManyRequests, i18n.T(r.Context(), "errors.passkey_throttled", "Wait", humanWait(r.Context(), wait)))
		return
	}
	session, ok := s.popCeremony(ctx)
	if !ok {
		jsonError(w, http.StatusBadRequest, "That took too long. Press Use a passkey again.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		jsonError(w, http.StatusBadRequest, "The passkey's answer did not arrive complete. Try again.")
		return
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
	if err != nil {
		s.log.Info("passkey sign-in refused", "user_id", u.ID, "err", err)
		jsonError(w, http.StatusBadRequest, "The passkey's answer could not be read. Try again.")
		return
	}
	pu, err := s.loadPasskeyUser(ctx, u)
	if err != nil {
		s.log.Error("passkey sign-in", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not check the passkey. Try again.")
		return
	}
	cred, err := s.webauthn.ValidateLogin(pu, session, parsed)
	if err != nil {
		s.log.Info("sign-in failed", "reason", "passkey not verified", "user_id", u.ID, "remote", clientIP(r), "err", err)
		s.codeFailed(u, r)
		jsonError(w, http.StatusUnauthorized, "That passkey could not be verified. Try again, or use a code.")
		return
	}
	if cred.Authenticator.CloneWarning {
		// The signature counter went backwards: the key may have been
		// copied. The signature itself is valid, so the sign-in goes on.
		s.log.Warn("passkey signature counter went backwards; the key may be cloned", "user_id", u.ID)
	}
	for _, k := range pu.keys {
		if bytes.Equal(k.CredentialID, cred.ID) {
			if record, err := json.Marshal(cred); err == nil {
				if err := s.db.PasskeyUsed(ctx, k.ID, string(record)); err != nil {
					s.log.Error("note passkey use", "err", err)
				}
			}
		}
	}
	next := s.sessions.GetString(ctx, sessPendingNext)
	s.codes.Forget(codeKey(u, r), clientIP(r))
	if err := s.finishSignIn(r, u); err != nil {
		s.log.Error("passkey sign-in", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not finish signing in. Try again.")
		return
	}
	s.noticeNewBrowser(w, r, u)
	writeJSON(w, http.StatusOK, map[string]string{"redirect": safeNext(next)})
}
