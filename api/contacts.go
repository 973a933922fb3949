package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/contacts"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// Contact is a contact as the API shows it.
type Contact struct {
	ID                  int64             `json:"id"`
	Phone               string            `json:"phone"`
	Name                string            `json:"name"`
	OptedInAt           *time.Time        `json:"opted_in_at"`
	OptInSource         string            `json:"opt_in_source"`
	MarketingOptedOutAt *time.Time        `json:"marketing_opted_out_at"`
	OptOutSource        string            `json:"opt_out_source"`
	Blocked             bool              `json:"blocked"`
	Labels              []string          `json:"labels"`
	Attributes          map[string]string `json:"attributes"`
	CreatedAt           time.Time         `json:"created_at"`
}

// contactsPage is GET /api/v1/contacts's answer.
type contactsPage struct {
	Data []Contact `json:"data"`
	// Next is the address of the next page ("" on the last).
	Next string `json:"next"`
}

func (a *API) contactsOf(r *http.Request, cs []store.ContactDetail) ([]Contact, error) {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	labels, err := a.db.ContactLabels(r.Context(), ids...)
	if err != nil {
		return nil, err
	}
	attrs, err := a.db.AttributesOf(r.Context(), ids...)
	if err != nil {
		return nil, err
	}
	out := make([]Contact, 0, len(cs))
	for _, c := range cs {
		k := Contact{ID: c.ID, Phone: c.Phone, Name: c.Name, OptedInAt: c.OptedInAt, OptInSource: c.OptInSource,
			MarketingOptedOutAt: c.MarketingOptedOutAt, OptOutSource: c.OptOutSource, Blocked: c.Blocked,
			Labels: []string{}, Attributes: attrs[c.ID], CreatedAt: c.CreatedAt}
		for _, l := range labels[c.ID] {
			k.Labels = append(k.Labels, l.Name)
		}
		if k.Attributes == nil {
			k.Attributes = map[string]string{}
		}
		out = append(out, k)
	}
	return out, nil
}

// contactsList pages through the contacts: ?q= searches names and
// numbers, ?label= (a label's name) and ?consent= (opted_in, opted_out,
// blocked, none) filter, ?limit= (at most 200) and ?after= page.
func (a *API) contactsList(w http.ResponseWriter, r *http.Request, _ store.APIKey) {
	ctx := r.Context()
	q := r.URL.Query()
	f := store.ContactFilter{Search: q.Get("q"), Consent: q.Get("consent"), Limit: 50}
	switch f.Consent {
	case store.ConsentAny, store.ConsentOptedIn, store.ConsentOptedOut, store.ConsentBlocked, store.ConsentNoRecord:
	default:
		writeProblem(w, r, http.StatusUnprocessableEntity, codeValidation, i18n.T(r.Context(), "api.problem.consent_filter"), []FieldProblem{{"consent", i18n.T(r.Context(), "api.problem.field_unknown_filter")}})
		return
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			writeProblem(w, r, http.StatusUnprocessableEntity, codeValidation, i18n.T(r.Context(), "api.problem.limit_range"), []FieldProblem{{"limit", i18n.T(r.Context(), "api.problem.field_out_of_range")}})
			return
		}
		f.Limit = n
	}
	if name := q.Get("label"); name != "" {
		all, err := a.db.ListLabels(ctx)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		for _, l := range all {
			if strings.EqualFold(l.Name, name) {
				f.LabelID = l.ID
			}
		}
		if f.LabelID == 0 {
			writeJSON(w, http.StatusOK, contactsPage{Data: []Contact{}})
			return
		}
	}
	if after := q.Get("after"); after != "" {
		c, err := store.ParseContactCursor(after)
		if err != nil {
			writeProblem(w, r, http.StatusUnprocessableEntity, codeValidation, i18n.T(r.Context(), "api.problem.after_cursor"), []FieldProblem{{"after", i18n.T(r.Context(), "api.problem.field_not_valid")}})
			return
		}
		f.After = &c
	}
	cs, next, err := a.db.ListContacts(ctx, store.InboxViewer{Admin: true}, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	data, err := a.contactsOf(r, cs)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := contactsPage{Data: data}
	if next != nil {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("after", next.String())
		page.Next = "/api/v1/contacts?" + nq.Encode()
	}
	writeJSON(w, http.StatusOK, page)
}

// contactRequest is the body of PUT /api/v1/contacts/{phone}: every field
// is optional; what is absent is left as it is.
type contactRequest struct {
	Name       *string           `json:"name"`
	Attributes map[string]string `json:"attributes"`
	// Labels replace the contact's labels; labels that do not exist are
	// created (grey).
	Labels            *[]string `json:"labels"`
	OptedIn           *bool     `json:"opted_in"`
	MarketingOptedOut *bool     `json:"marketing_opted_out"`
}

// contactPut creates or updates the contact with a number.
func (a *API) contactPut(w http.ResponseWriter, r *http.Request, _ store.APIKey) {
	ctx := r.Context()
	phone, problem := contacts.ParseNumber(r.PathValue("phone"))
	if problem != "" {
		writeProblem(w, r, http.StatusUnprocessableEntity, codeInvalidNumber, i18n.T(ctx, problem), []FieldProblem{{"phone", i18n.T(ctx, problem)}})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeProblem(w, r, http.StatusBadRequest, codeInvalidJSON, i18n.T(r.Context(), "api.problem.body_unreadable"), nil)
		return
	}
	var req contactRequest
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeProblem(w, r, http.StatusBadRequest, codeInvalidJSON, i18n.T(r.Context(), "api.problem.bad_json", "Error", err.Error()), nil)
		return
	}
	var fields []FieldProblem
	if req.Name != nil && utf8.RuneCountInString(*req.Name) > contacts.MaxNameRunes {
		fields = append(fields, FieldProblem{"name", i18n.T(r.Context(), "api.problem.field_max_200")})
	}
	attrs := map[string]string{}
	for k, v := range req.Attributes {
		n := contacts.AttributeName(k)
		switch {
		case n == "" || n != k:
			fields = append(fields, FieldProblem{"attributes." + k, i18n.T(r.Context(), "api.problem.field_attribute_name")})
		case utf8.RuneCountInString(v) > contacts.MaxValueRunes:
			fields = append(fields, FieldProblem{"attributes." + k, i18n.T(r.Context(), "api.problem.field_max_500")})
		default:
			attrs[n] = strings.TrimSpace(v)
		}
	}
	if req.Labels != nil {
		for _, l := range *req.Labels {
			if l = strings.TrimSpace(l); l == "" || utf8.RuneCountInString(l) > 40 {
				fields = append(fields, FieldProblem{"labels", i18n.T(r.Context(), "api.problem.field_label_name")})
				break
			}
		}
	}
	if len(fields) > 0 {
		sort.Slice(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
		writeProblem(w, r, http.StatusUnprocessableEntity, codeValidation, i18n.T(r.Context(), "api.problem.fields_to_correct"), fields)
		return
	}
	status := http.StatusOK
	c, err := a.db.ContactByPhone(ctx, phone)
	if errors.Is(err, store.ErrNotFound) {
		name := ""
		if req.Name != nil {
			name = *req.Name
		}
		c, err = a.db.CreateContact(ctx, store.NewContact{Phone: phone, Name: name})
		status = http.StatusCreated
	} else if err == nil && req.Name != nil {
		err = a.db.RenameContact(ctx, c.ID, *req.Name)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for k, v := range attrs {
		if err := a.db.SetContactAttribute(ctx, c.ID, k, v); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	now := nowFunc()
	if req.OptedIn != nil && *req.OptedIn != (c.OptedInAt != nil) {
		at := &now
		if !*req.OptedIn {
			at = nil
		}
		if err := a.db.SetContactOptIn(ctx, c.ID, at, consent.SourceAPI); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	if req.MarketingOptedOut != nil && *req.MarketingOptedOut != (c.MarketingOptedOutAt != nil) {
		at := &now
		if !*req.MarketingOptedOut {
			at = nil
		}
		if err := a.db.SetMarketingOptOut(ctx, c.ID, at, consent.SourceAPI); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	if req.Labels != nil {
		if err := a.setLabels(r, c.ID, *req.Labels); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	c, err = a.db.ContactByPhone(ctx, phone)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.contactsOf(r, []store.ContactDetail{c})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, out[0])
}

// setLabels makes the contact's labels exactly names.
func (a *API) setLabels(r *http.Request, contactID int64, names []string) error {
	ctx := r.Context()
	all, err := a.db.ListLabels(ctx)
	if err != nil {
		return err
	}
	byName := map[string]store.Label{}
	for _, l := range all {
		byName[strings.ToLower(l.Name)] = l
	}
	want := map[int64]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		l, ok := byName[strings.ToLower(n)]
		if !ok {
			if l, err = a.db.CreateLabel(ctx, store.Label{Name: n, Colour: "grey"}); err != nil {
				return err
			}
			byName[strings.ToLower(n)] = l
		}
		want[l.ID] = true
		if err := a.db.AddContactLabel(ctx, l.ID, contactID); err != nil {
			return err
		}
	}
	have, err := a.db.ContactLabels(ctx, contactID)
	if err != nil {
		return err
	}
	for _, l := range have[contactID] {
		if !want[l.ID] {
			if err := a.db.RemoveContactLabel(ctx, l.ID, contactID); err != nil {
				return err
			}
		}
	}
	return nil
}
