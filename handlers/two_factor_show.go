package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// twoFactorShow shows the user's second factors: the authenticator app
// (or its enrolment: QR code, key and first-code form), passkeys and
// recovery codes.
func (s *Server) twoFactorShow(w http.ResponseWriter, r *http.Request) {
	v, err := s.twoFactorView(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderTwoFactor(w, r, http.StatusOK, v)
}

func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, v views.TwoFactorView) {
	s.render(w, r, status, views.TwoFactorPage(s.page(w, r, i18n.T(r.Context(), "titles.two_step_sign_in"), views.NavAccount), v))
}

func (s *Server) twoFactorView(r *http.Request) (views.TwoFactorView, error) {
	ctx := r.Context()
	u := currentUser(ctx)
	st, err := s.db.TwoFactorStatusOf(ctx, u.ID)
	if err != nil {
		return views.TwoFactorView{}, err
	}
	v := views.TwoFactorView{
		Required: s.sessions.GetBool(ctx, sessMustEnrol),
		TOTP:     st.TOTP, RecoveryLeft: st.RecoveryLeft, RecoveryTotal: st.RecoveryTotal,
		Account: u.Email, PasskeysOff: s.webauthn == nil,
	}
	if !st.TOTP {
		t, err := s.db.TOTPOf(ctx, u.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return views.TwoFactorView{}, err
		default:
			secret, err := s.box.Open(t.SecretEnc, totpContext(u.ID))
			if err != nil {
				return views.TwoFactorView{}, err
			}
			e := auth.TOTPEnrolmentFor(s.totpIssuer(), u.Email, string(secret))
			if v.QRCode, err = e.QRCode(200); err != nil {
				return views.TwoFactorView{}, err
			}
			v.Enrolling = true
			v.Secret = auth.FormatSecret(e.Secret)
		}
	}
	keys, err := s.db.PasskeysOf(ctx, u.ID)
	if err != nil {
		return views.TwoFactorView{}, err
	}
	for _, k := range keys {
		row := views.PasskeyRow{ID: k.ID, Name: k.Name, Created: k.CreatedAt}
		if k.LastUsedAt != nil {
			row.LastUsed = *k.LastUsedAt
		}
		v.Passkeys = append(v.Passkeys, row)
	}
	return v, nil
}
