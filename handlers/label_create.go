package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// labelCreate adds a label.
func (s *Server) labelCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	f, errs := labelFromForm(ctx, r)
	if len(errs) == 0 {
		l, err := s.db.CreateLabel(ctx, store.Label{Name: f.Name, Colour: f.Colour, Description: f.Description})
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["name"] = i18n.T(ctx, "agent.labels.error_name_taken")
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.audit(r, auditLabelCreated, "label", l.ID, l.Name, nil)
			s.log.Info("label created", "label_id", l.ID, "by", currentUser(ctx).ID)
			s.flashSuccess(w, r, i18n.T(ctx, "agent.labels.created", "Name", l.Name))
			redirect(w, r, "/settings/labels")
			return
		}
	}
	s.renderLabels(w, r, http.StatusUnprocessableEntity, views.LabelsView{New: f, Errors: errs})
}
