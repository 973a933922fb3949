package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// labelUpdate renames, recolours or redescribes a label.
func (s *Server) labelUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	old, err := s.db.LabelByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, errs := labelFromForm(ctx, r)
	f.ID = id
	if len(errs) == 0 {
		err := s.db.UpdateLabel(ctx, store.Label{ID: id, Name: f.Name, Colour: f.Colour, Description: f.Description})
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["name"] = i18n.T(ctx, "agent.labels.error_name_taken")
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.audit(r, auditLabelChanged, "label", id, f.Name, changes{}.diff("name", old.Name, f.Name).
				diff("colour", old.Colour, f.Colour).diff("description", old.Description, f.Description))
			s.flashSuccess(w, r, i18n.T(ctx, "agent.labels.saved", "Name", f.Name))
			redirect(w, r, "/settings/labels")
			return
		}
	}
	s.renderLabels(w, r, http.StatusUnprocessableEntity, views.LabelsView{New: views.LabelRow{Colour: "grey"},
		EditID: id, Edit: f, EditErrors: errs})
}
