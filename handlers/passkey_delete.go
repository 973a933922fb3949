package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// passkeyDelete removes one of the user's passkeys. Where the policy
// requires two-step sign-in, the last second factor stays.
func (s *Server) passkeyDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	u := currentUser(r.Context())
	if ok, err := s.mayRemoveFactor(w, r, u, true); err != nil {
		s.serverError(w, r, err)
		return
	} else if !ok {
		return
	}
	err := s.db.DeletePasskey(r.Context(), u.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.rotateAfterSecurityChange(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("passkey removed", "user_id", u.ID, "passkey_id", id)
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.passkey_delete.the_passkey_was_removed_other"))
	redirect(w, r, "/account/two-factor")
}
