package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// maxCampaignCSV bounds an uploaded audience file.
const maxCampaignCSV = 20 << 20

// campaignCSV makes a draft's audience the numbers of an uploaded file:
// invalid numbers and duplicates are counted and left out, opted-out and
// blocked contacts kept as skipped.
func (s *Server) campaignCSV(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	refuse := func(status int, id string) {
		s.renderCampaign(w, r, c, status, campaignForm{errs: views.Errors{"file": i18n.T(ctx, id)}})
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCampaignCSV+maxFormBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			refuse(http.StatusRequestEntityTooLarge, "campaigns.errors.csv_large")
			return
		}
		refuse(http.StatusBadRequest, "campaigns.errors.csv_missing")
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("file")
	if err != nil {
		refuse(http.StatusUnprocessableEntity, "campaigns.errors.csv_missing")
		return
	}
	defer file.Close()
	f, err := campaign.ReadCSV(file, "")
	var problem *campaign.CSVProblem
	if errors.As(err, &problem) {
		refuse(http.StatusUnprocessableEntity, problem.ID)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	_, err = campaign.SetCSV(ctx, s.db, c, f)
	if errors.Is(err, store.ErrCampaignState) {
		s.campaignStateError(w, r, c)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, campaignPath(c.ID)+"#step-audience")
}
