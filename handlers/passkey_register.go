package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
)

// passkeyRegister finishes adding a passkey: the browser's answer to the
// challenge is verified and the credential stored under its name. Like
// the authenticator app, it signs out the other sessions; a first second
// factor comes with recovery codes.
func (s *Server) passkeyRegister(w http.ResponseWriter, r *http.Request) {
	if s.webauthn == nil {
		jsonError(w, http.StatusConflict, noPasskeysHere)
		return
	}
	ctx := r.Context()
	u := currentUser(ctx)
	var body struct {
		Name       string          `json:"name"`
		Credential json.RawMessage `json:"credential"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil {
		jsonError(w, http.StatusBadRequest, "The passkey did not arrive complete. Try again.")
		return
	}
	body.Name = strings.TrimSpace(body.Name)
	if body.Name == "" || utf8.RuneCountInString(body.Name) > 60 {
		jsonError(w, http.StatusUnprocessableEntity, "Give the passkey a name of up to 60 characters.")
		return
	}
	session, ok := s.popCeremony(ctx)
	if !ok {
		jsonError(w, http.StatusBadRequest, "That took too long. Try adding the passkey again.")
		return
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(body.Credential)
	if err != nil {
		s.log.Info("passkey refused", "user_id", u.ID, "err", err)
		jsonError(w, http.StatusBadRequest, "The passkey's answer could not be read. Try again.")
		return
	}
	pu, err := s.loadPasskeyUser(ctx, u)
	if err != nil {
		s.log.Error("passkey register", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not add the passkey. Try again.")
		return
	}
	cred, err := s.webauthn.CreateCredential(pu, session, parsed)
	if err != nil {
		s.log.Info("passkey refused", "user_id", u.ID, "err", err)
		jsonError(w, http.StatusBadRequest, "The passkey could not be verified. Try again.")
		return
	}
	record, err := json.Marshal(cred)
	if err != nil {
		s.log.Error("passkey register", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not add the passkey. Try again.")
		return
	}
	_, err = s.db.CreatePasskey(ctx, store.Passkey{UserID: u.ID, CredentialID: cred.ID, Name: body.Name, Credential: string(record)})
	if errors.Is(err, store.ErrConflict) {
		jsonError(w, http.StatusConflict, "This passkey is already registered.")
		return
	}
	if err != nil {
		s.log.Error("passkey register", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not add the passkey. Try again.")
		return
	}
	s.log.Info("passkey added", "user_id", u.ID)
	if err := s.rotateAfterSecurityChange(r, u); err != nil {
		s.log.Error("passkey register: rotate session", "err", err)
		jsonError(w, http.StatusInternalServerError, "The passkey was added, but wadesk could not renew this session. Reload the page.")
		return
	}
	st, err := s.db.TwoFactorStatusOf(ctx, u.ID)
	if err != nil {
		s.log.Error("passkey register", "err", err)
		writeJSON(w, http.StatusOK, map[string]string{"redirect": "/account/two-factor"})
		return
	}
	if st.RecoveryLeft > 0 {
		s.flashSuccess(w, r, "The passkey "+body.Name+" was added.")
		writeJSON(w, http.StatusOK, map[string]string{"redirect": "/account/two-factor"})
		return
	}
	codes, hashes, err := auth.NewRecoveryCodes(ctx)
	if err == nil {
		err = s.db.ReplaceRecoveryCodes(ctx, u.ID, hashes)
	}
	if err != nil {
		s.log.Error("passkey register: recovery codes", "err", err)
		writeJSON(w, http.StatusOK, map[string]string{"redirect": "/account/two-factor"})
		return
	}
	s.sessions.Put(ctx, sessNewCodes, strings.Join(codes, " "))
	writeJSON(w, http.StatusOK, map[string]string{"redirect": "/account/two-factor/recovery-codes"})
}
