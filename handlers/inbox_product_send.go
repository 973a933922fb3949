package handlers

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// inboxProductSend sends a single-product or a multi-product message from
// the channel's catalog. Product messages are free-form: they are refused
// outside the 24-hour window. Everything is checked here, whatever the
// form allowed: the products must be this number's and in stock, a list
// has at most 30 products in at most 10 titled sections.
func (s *Server) inboxProductSend(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	v, st, err := s.productMessageView(ctx, c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Mode, v.Open = r.PostFormValue("mode"), true
	v.Body = r.PostFormValue("body")
	refuse := func(errs views.Errors) {
		if !isHTMX(r) {
			s.flashError(w, r, firstProblem(errs))
			redirect(w, r, conversationPath(c.ID))
			return
		}
		v.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, views.ThreadProducts(v))
	}
	if v.Unavailable != "" {
		refuse(views.Errors{"": v.Unavailable})
		return
	}
	offered := map[string]bool{}
	for _, p := range v.Products {
		offered[p.RetailerID] = true
	}
	var in *providers.Interactive
	var errs map[string]string
	sent := ""
	switch v.Mode {
	case "single":
		v.Product = r.PostFormValue("product")
		in, errs = commerce.SingleProduct(st.CatalogID, v.Product, v.Body, "")
		if v.Product != "" && !offered[v.Product] {
			in, errs = nil, map[string]string{commerce.FieldProduct: "This product is not in this number's list, or it is out of stock."}
		}
		sent = "Product sent."
	case "list":
		v.Header = r.PostFormValue("header")
		sections := make([]commerce.ProductSection, productSections)
		for i := range sections {
			v.Sections[i] = r.PostFormValue(commerce.SectionField(i))
			sections[i].Title = v.Sections[i]
		}
		var unknown []string
		for key, vals := range r.PostForm {
			id, ok := strings.CutPrefix(key, "p.")
			if ok && len(vals) > 0 && vals[0] != "" && !offered[id] {
				unknown = append(unknown, id)
			}
		}
		count := 0
		for i := range v.Products {
			p := &v.Products[i]
			n, err := strconv.Atoi(r.PostFormValue("p." + p.RetailerID))
			if err != nil || n < 1 || n > productSections {
				continue
			}
			p.Section = n
			sections[n-1].RetailerIDs = append(sections[n-1].RetailerIDs, p.RetailerID)
			count++
		}
		in, errs = commerce.ProductList(st.CatalogID, v.Header, v.Body, "", sections)
		if len(unknown) > 0 {
			sort.Strings(unknown)
			if errs == nil {
				errs = map[string]string{}
			}
			in = nil
			errs[commerce.FieldSections] = "These products are not in this number's list, or are out of stock: " + strings.Join(unknown, ", ") + "."
		}
		sent = "Product list sent (" + strconv.Itoa(count) + " products)."
	default:
		s.badRequest(w, r, errors.New("product message: unknown mode "+strconv.Quote(v.Mode)))
		return
	}
	if len(errs) > 0 {
		refuse(views.Errors(errs))
		return
	}
	if s.outbox == nil {
		s.serverError(w, r, errors.New("inbox: no outbox configured"))
		return
	}
	m, err := s.outbox.Enqueue(ctx, c.ID, providers.OutboundMessage{Interactive: in})
	var ve *providers.ValidationError
	switch {
	case errors.As(err, &ve):
		refuse(views.Errors{"": plainError(ctx, err)})
		return
	case errors.Is(err, store.ErrNotFound):
		refuse(views.Errors{"": "This conversation's WhatsApp number is no longer connected, so nothing was sent."})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.log.Info("product message queued", "conversation_id", c.ID, "message_id", m.MessageID, "mode", v.Mode, "user_id", currentUser(ctx).ID)
	if !isHTMX(r) {
		s.flashSuccess(w, r, sent)
		redirect(w, r, conversationPath(c.ID))
		return
	}
	fresh, _, err := s.productMessageView(ctx, c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	fresh.Sent, fresh.Open = sent, true
	s.render(w, r, http.StatusOK, views.ThreadProducts(fresh))
}

// firstProblem is one of a form's problems, the form-wide one first.
func firstProblem(errs views.Errors) string {
	if errs[""] != "" {
		return errs[""]
	}
	for _, p := range errs {
		return p
	}
	return ""
}
