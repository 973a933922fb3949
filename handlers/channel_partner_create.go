package handlers

import (
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

type partnerInput struct {
	Kind string `form:"kind" validate:"required,oneof=stripe razorpay paypal custom"`
	Name string `form:"name" validate:"max=60"`
	URL  string `form:"url" validate:"required,max=2000"`
}

// channelPartnerCreate adds a payment partner to a channel. The link is
// checked for the partner's kind (https, the partner's address, known
// placeholders) before it is stored.
func (s *Server) channelPartnerCreate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	in := partnerInput{Kind: r.PostFormValue("kind"), Name: strings.TrimSpace(r.PostFormValue("name")), URL: strings.TrimSpace(r.PostFormValue("url"))}
	f := views.PartnerForm{Kind: in.Kind, Name: in.Name, URL: in.URL, Default: r.PostFormValue("default") == "1"}
	f.Errors = s.check(r.Context(), in)
	kind := commerce.PartnerKind(in.Kind)
	if f.Errors.Has("kind") {
		f.Errors["kind"] = "Choose a payment partner."
	} else if !f.Errors.Has("url") || in.URL == "" {
		u, problem := commerce.CheckPartner(kind, in.URL)
		if problem != "" {
			f.Errors["url"] = problem
		}
		in.URL = u
	}
	if len(f.Errors) == 0 {
		name := in.Name
		if name == "" {
			name = partnerLabel(r.Context(), kind)
		}
		p, err := s.db.CreatePaymentPartner(r.Context(), ch.ID, store.NewPaymentPartner{Kind: in.Kind, Name: name, URL: in.URL, Default: f.Default})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.audit(r, auditPartnerAdded, "channel", ch.ID, ch.Title, changes{"partner": p.Name, "kind": p.Kind, "url": p.URL, "default": p.IsDefault})
		s.log.Info("payment partner added", "channel_id", ch.ID, "partner_id", p.ID, "kind", p.Kind, "by", currentUser(r.Context()).ID)
		msg := "Payment partner " + p.Name + " added."
		if p.IsDefault {
			msg += " It is the default."
		}
		s.flashSuccess(w, r, msg)
		redirect(w, r, storePath(ch.ID)+"/partners")
		return
	}
	s.renderPartners(w, r, ch, http.StatusUnprocessableEntity, f)
}
