package handlers

import (
	"net/http"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// passkeyRegisterOptions starts adding a passkey: the browser gets the
// challenge and the passkeys to exclude (the ones already registered).
func (s *Server) passkeyRegisterOptions(w http.ResponseWriter, r *http.Request) {
	if s.webauthn == nil {
		jsonError(w, http.StatusConflict, noPasskeysHere)
		return
	}
	ctx := r.Context()
	pu, err := s.loadPasskeyUser(ctx, currentUser(ctx))
	if err != nil {
		s.log.Error("passkey options", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not start adding a passkey. Try again.")
		return
	}
	var exclude []protocol.CredentialDescriptor
	for i := range pu.creds {
		exclude = append(exclude, pu.creds[i].Descriptor())
	}
	creation, data, err := s.webauthn.BeginRegistration(pu,
		webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation),
	)
	if err == nil {
		err = s.putCeremony(ctx, data)
	}
	if err != nil {
		s.log.Error("passkey options", "err", err)
		jsonError(w, http.StatusInternalServerError, "wadesk could not start adding a passkey. Try again.")
		return
	}
	writeJSON(w, http.StatusOK, creation)
}
