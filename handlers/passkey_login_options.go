package handlers

import "net/http"

// passkeyLoginOptions starts the passkey step of signing in, for the user
// whose password was just accepted.
func (s *Server) passkeyLoginOptions(w http.ResponseWriter, r *http.Request) {
	u, ok := s.passkeyStep(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	pu, err := s.loadPasskeyUser(ctx, u)
	if err == nil && len(pu.creds) == 0 {
		jsonError(w, http.StatusConflict, "This account has no passkey. Use a code instead.")
		return
	}
	if err != nil {
		s.log.Error("passkey sign-in options", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not start the passkey check. Try again.")
		return
	}
	assertion, data, err := s.webauthn.BeginLogin(pu)
	if err == nil {
		err = s.putCeremony(ctx, data)
	}
	if err != nil {
		s.log.Error("passkey sign-in options", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not start the passkey check. Try again.")
		return
	}
	writeJSON(w, http.StatusOK, assertion)
}
