package handlers

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/wadesk/wadesk/store"
)

// Session keys of the passkey ceremonies.
const (
	sessWebAuthn = "webauthn"
	// sessNewCodes holds recovery codes made when a passkey was the first
	// second factor, until the page that shows them once has.
	sessNewCodes = "new_recovery_codes"
)

// newRelyingParty sets up WebAuthn for the console's base URL: its host
// name is the relying party, its origin the only one accepted. Browsers
// refuse passkeys for a bare IP address, so there is none then.
func newRelyingParty(base *url.URL) (*webauthn.WebAuthn, error) {
	origin := base.Scheme + "://" + base.Host
	return webauthn.New(&webauthn.Config{
		RPID:          base.Hostname(),
		RPDisplayName: "wadesk",
		RPOrigins:     []string{origin},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: 3 * time.Minute},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: 5 * time.Minute},
		},
	})
}

// passkeyUser is a user as the WebAuthn library sees them.
type passkeyUser struct {
	u     *store.User
	keys  []store.Passkey
	creds []webauthn.Credential
}

// WebAuthnID is the user's handle: their id as 8 bytes (no personal data).
func (p *passkeyUser) WebAuthnID() []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(p.u.ID))
}
func (p *passkeyUser) WebAuthnName() string                       { return p.u.Email }
func (p *passkeyUser) WebAuthnDisplayName() string                { return p.u.Name }
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// loadPasskeyUser reads a user's passkeys.
func (s *Server) loadPasskeyUser(ctx context.Context, u *store.User) (*passkeyUser, error) {
	keys, err := s.db.PasskeysOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	p := &passkeyUser{u: u, keys: keys}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(k.Credential), &c); err != nil {
			return nil, fmt.Errorf("passkey %d: %w", k.ID, err)
		}
		p.creds = append(p.creds, c)
	}
	return p, nil
}

// putCeremony keeps a ceremony's challenge in the session until it ends.
func (s *Server) putCeremony(ctx context.Context, d *webauthn.SessionData) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, sessWebAuthn, string(b))
	return nil
}

// popCeremony takes the ceremony out of the session (a challenge is
// answered once).
func (s *Server) popCeremony(ctx context.Context) (webauthn.SessionData, bool) {
	var d webauthn.SessionData
	raw := s.sessions.PopString(ctx, sessWebAuthn)
	if raw == "" || json.Unmarshal([]byte(raw), &d) != nil {
		return webauthn.SessionData{}, false
	}
	return d, true
}

// writeJSON answers a passkey request.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// jsonError answers a passkey request with a plain-words problem.
func jsonError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// passkeyStep returns the user waiting for their second factor, or answers
// the passkey request itself and returns false.
func (s *Server) passkeyStep(w http.ResponseWriter, r *http.Request) (*store.User, bool) {
	if s.webauthn == nil {
		jsonError(w, http.StatusConflict, noPasskeysHere)
		return nil, false
	}
	u, err := s.pendingUser(r.Context())
	if err != nil {
		s.log.Error("passkey sign-in", "err", err)
	}
	if err != nil || u == nil {
		jsonError(w, http.StatusUnauthorized, "That took too long. Sign in with your password again.")
		return nil, false
	}
	return u, true
}

// noPasskeysHere is the answer when the console is reached by IP address.
const noPasskeysHere = "Passkeys need wadesk to be opened by a name (such as desk.example.com or localhost), not an IP address. Ask your administrator to set the console's address."
