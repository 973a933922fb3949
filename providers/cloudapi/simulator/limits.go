package simulator

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Messaging limits, quality and account health.
//
// Meta sets the messaging limit per business portfolio (since 7 Oct 2025):
// the unique customers all its numbers may reach outside a customer
// service window in a moving 24 hours. The simulator keeps one limit per
// business (initially the best tier of its numbers) and refuses a template
// to a new customer, outside an open window, once the limit is reached.
// Meta documents no dedicated error code for this; the simulator answers
// with 131048 (its "restrictions on how many messages can be sent from
// this phone number"), marked as a simulator choice in the details.
//
// Controls (JSON):
//
//	POST /_sim/limits            {"business_id","limit": 250|2000|10000|100000|-1}
//	POST /_sim/quality           {"phone_number_id","event":"DOWNGRADE","quality":"YELLOW"}
//	POST /_sim/templates/pause   {"waba_id","name","language","title":"FIRST_PAUSE"} (or "DISABLED" as title to disable)
//	POST /_sim/templates/resume  {"waba_id","name","language"}
//	POST /_sim/templates/quality {"waba_id","name","language","score":"RED"}
//	POST /_sim/account/restrict  {"waba_id","restriction":"RESTRICTED_BIZ_INITIATED_MESSAGING","hours":24} ("" lifts)
//	POST /_sim/account/payment   {"waba_id","failing":true}
//	GET  /_sim/limits            {"data":[{business_id, limit, reached}]}
//
// The same controls are on the page /health (forms, for people).

type healthState struct {
	limit      map[string]int                  // business → customers (-1 unlimited); absent: from the numbers' tiers
	reached    map[string]map[string]time.Time // business → customer → last business-initiated send
	reachOrder map[string][]reachMark          // business → those sends, oldest first (for expiry)
	restricted map[string]accountRestriction   // WABA → restriction in force
	payment    map[string]bool                 // WABA → payment failing
}

// reachMark is one business-initiated send, kept in order so that the
// ones older than 24 hours leave the count from the front.
type reachMark struct {
	waID string
	at   time.Time
}

type accountRestriction struct {
	kind  string
	until time.Time
}

func (s *Sim) healthLocked() *healthState {
	if s.health == nil {
		s.health = &healthState{limit: map[string]int{}, reached: map[string]map[string]time.Time{},
			reachOrder: map[string][]reachMark{}, restricted: map[string]accountRestriction{}, payment: map[string]bool{}}
	}
	return s.health
}

// tierCustomers reads a tier name as a number of customers (-1 unlimited).
func tierCustomers(tier string) int {
	switch tier {
	case "TIER_50":
		return 50
	case "TIER_250":
		return 250
	case "TIER_1K", "TIER_2K":
		return 2000
	case "TIER_10K":
		return 10000
	case "TIER_100K":
		return 100000
	case "TIER_UNLIMITED":
		return -1
	}
	return 250
}

func tierName(n int) string {
	switch {
	case n < 0:
		return "TIER_UNLIMITED"
	case n >= 1000 && n%1000 == 0:
		return "TIER_" + strconv.Itoa(n/1000) + "K"
	}
	return "TIER_" + strconv.Itoa(n)
}

// portfolioLimitLocked is a business's limit: set by a control, else the
// best tier of its numbers (as Meta did when it moved limits to portfolios).
func (s *Sim) portfolioLimitLocked(businessID string) int {
	if n, ok := s.healthLocked().limit[businessID]; ok {
		return n
	}
	best := 0
	for _, w := range s.wabas {
		if w.businessID != businessID {
			continue
		}
		for _, p := range w.phones {
			n := tierCustomers(p.cfg.MessagingLimitTier)
			if n < 0 {
				return -1
			}
			best = max(best, n)
		}
	}
	if best == 0 {
		best = 250
	}
	return best
}

func (s *Sim) reachedLocked(businessID string, now time.Time) map[string]time.Time {
	h := s.healthLocked()
	m := h.reached[businessID]
	if m == nil {
		m = map[string]time.Time{}
		h.reached[businessID] = m
	}
	// Sends leave the count 24 hours later, oldest first: each send is
	// looked at once, not the whole count on every message.
	order := h.reachOrder[businessID]
	for len(order) > 0 && now.Sub(order[0].at) >= 24*time.Hour {
		if t, ok := m[order[0].waID]; ok && t.Equal(order[0].at) {
			delete(m, order[0].waID)
		}
		order = order[1:]
	}
	h.reachOrder[businessID] = order
	return m
}

// limitCheckLocked refuses a business-initiated template to a new customer
// over the portfolio's limit, and refuses what a restricted or unpaid
// account cannot send. recordReachLocked counts the message once accepted.
func (s *Sim) limitCheckLocked(p *phone, waID string, template, windowOpen bool, now time.Time) *graphError {
	h := s.healthLocked()
	wabaID := p.waba.cfg.ID
	if h.payment[wabaID] {
		return &graphError{status: 400, message: "(#131042) Business eligibility payment issue", typ: "OAuthException", code: 131042,
			details: "Message failed to send because there were one or more errors related to your payment method."}
	}
	if r, ok := h.restricted[wabaID]; ok && (r.until.IsZero() || now.Before(r.until)) {
		if (r.kind == "RESTRICTED_BIZ_INITIATED_MESSAGING" && template && !windowOpen) ||
			(r.kind == "RESTRICTED_CUSTOMER_INITIATED_MESSAGING" && windowOpen) {
			return &graphError{status: 400, message: "(#131031) Business Account locked", typ: "OAuthException", code: 131031,
				details: "Your WhatsApp Business Account is restricted from sending this kind of message (" + r.kind + ")."}
		}
	}
	if !template || windowOpen {
		return nil
	}
	biz := p.waba.businessID
	limit := s.portfolioLimitLocked(biz)
	reached := s.reachedLocked(biz, now)
	if _, ok := reached[waID]; !ok && limit >= 0 && len(reached) >= limit {
		return &graphError{status: 400, message: "(#131048) Spam rate limit hit", typ: "OAuthException", code: 131048,
			details: fmt.Sprintf("Message failed to send because there are restrictions on how many messages can be sent from this phone number. (Simulator: the business portfolio reached its messaging limit of %d customers in 24 hours; Meta documents no dedicated code.)", limit)}
	}
	return nil
}

// recordReachLocked counts an accepted business-initiated template.
func (s *Sim) recordReachLocked(p *phone, waID string, template, windowOpen bool, now time.Time) {
	if template && !windowOpen {
		biz := p.waba.businessID
		s.reachedLocked(biz, now)[waID] = now
		h := s.healthLocked()
		h.reachOrder[biz] = append(h.reachOrder[biz], reachMark{waID: waID, at: now})
	}
}

// SetPortfolioLimit sets a business's messaging limit (-1: unlimited) and
// sends business_capability_update to each of its accounts.
func (s *Sim) SetPortfolioLimit(businessID string, customers int) error {
	if customers == 0 || customers < -1 {
		return fmt.Errorf("simulator: limit must be a positive number of customers or -1 (unlimited)")
	}
	s.mu.Lock()
	if s.bizByID[businessID] == nil {
		s.mu.Unlock()
		return fmt.Errorf("simulator: no business %q", businessID)
	}
	s.healthLocked().limit[businessID] = customers
	var wabas []string
	for id, w := range s.wabas {
		if w.businessID == businessID {
			wabas = append(wabas, id)
			for _, p := range w.phones {
				p.cfg.MessagingLimitTier = tierName(customers)
			}
		}
	}
	s.bumpLocked()
	s.mu.Unlock()
	sort.Strings(wabas)
	for _, id := range wabas {
		s.enqueue(id, &hookEvent{field: "business_capability_update", withTime: true, value: map[string]any{
			"max_daily_conversation_per_phone": customers, "max_daily_conversations_per_business": customers,
			"max_phone_numbers_per_business": 20, "max_phone_numbers_per_waba": 20}})
	}
	return nil
}

// PortfolioUse is a business's limit and the customers reached now.
type PortfolioUse struct {
	BusinessID string `json:"business_id"`
	Limit      int    `json:"limit"`
	Reached    int    `json:"reached"`
}

// PortfolioUses lists every business's limit and use.
func (s *Sim) PortfolioUses() []PortfolioUse {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	var out []PortfolioUse
	for _, b := range s.businesses {
		out = append(out, PortfolioUse{BusinessID: b.id, Limit: s.portfolioLimitLocked(b.id), Reached: len(s.reachedLocked(b.id, now))})
	}
	return out
}

// SetQuality changes a number's quality rating and sends
// phone_number_quality_update (event: FLAGGED, UNFLAGGED, DOWNGRADE, UPGRADE).
func (s *Sim) SetQuality(phoneID, event, rating string) error {
	s.mu.Lock()
	p := s.phones[phoneID]
	if p == nil {
		s.mu.Unlock()
		return fmt.Errorf("simulator: no number %q", phoneID)
	}
	if rating != "" {
		p.cfg.QualityRating = rating
	}
	if event == "" {
		event = "DOWNGRADE"
	}
	limit := s.portfolioLimitLocked(p.waba.businessID)
	val := map[string]any{"display_phone_number": digitsOnly(p.cfg.DisplayPhoneNumber), "event": event,
		"current_limit": p.cfg.MessagingLimitTier, "max_daily_conversations_per_business": strconv.Itoa(limit)}
	wabaID := p.waba.cfg.ID
	s.bumpLocked()
	s.mu.Unlock()
	s.enqueue(wabaID, &hookEvent{field: "phone_number_quality_update", value: val, withTime: true})
	return nil
}

// templateByNameLocked finds a template by name and language, in the
// account wabaID when given (each account has its own templates).
func (s *Sim) templateByNameLocked(wabaID, name, language string) *storedTemplate {
	for _, t := range s.templates {
		if t.Name == name && (language == "" || t.Language == language) && (wabaID == "" || t.waba.cfg.ID == wabaID) {
			return t
		}
	}
	return nil
}

// PauseTemplate pauses a template (title FIRST_PAUSE or SECOND_PAUSE), or
// disables it (title DISABLED), and sends message_template_status_update
// with the reason, as Meta does when a template's quality falls.
func (s *Sim) PauseTemplate(wabaID, name, language, title string) error {
	s.mu.Lock()
	t := s.templateByNameLocked(wabaID, name, language)
	if t == nil {
		s.mu.Unlock()
		return fmt.Errorf("simulator: no template %q (%s)", name, language)
	}
	event, desc := "PAUSED", "Your WhatsApp message template has been paused for 3 hours because of low quality."
	switch title {
	case "SECOND_PAUSE":
		desc = "Your WhatsApp message template has been paused for 6 hours because of low quality."
	case "DISABLED":
		event, title, desc = "DISABLED", "", ""
	case "", "FIRST_PAUSE":
		title = "FIRST_PAUSE"
	default:
		s.mu.Unlock()
		return fmt.Errorf("simulator: title must be FIRST_PAUSE, SECOND_PAUSE or DISABLED")
	}
	t.Status = event
	id, _ := strconv.ParseInt(t.ID, 10, 64)
	val := map[string]any{"event": event, "message_template_id": id, "message_template_name": t.Name,
		"message_template_language": t.Language, "reason": "LOW_QUALITY"}
	if title != "" {
		val["other_info"] = map[string]string{"title": title, "description": desc}
	}
	wabaID = t.waba.cfg.ID
	s.bumpLocked()
	s.mu.Unlock()
	s.enqueue(wabaID, &hookEvent{field: "message_template_status_update", value: val, withTime: true})
	return nil
}

// ResumeTemplate approves a paused template again and says so.
func (s *Sim) ResumeTemplate(wabaID, name, language string) error {
	s.mu.Lock()
	t := s.templateByNameLocked(wabaID, name, language)
	if t == nil {
		s.mu.Unlock()
		return fmt.Errorf("simulator: no template %q (%s)", name, language)
	}
	t.Status = "APPROVED"
	id, _ := strconv.ParseInt(t.ID, 10, 64)
	val := map[string]any{"event": "APPROVED", "message_template_id": id, "message_template_name": t.Name,
		"message_template_language": t.Language, "reason": "NONE"}
	wabaID = t.waba.cfg.ID
	s.bumpLocked()
	s.mu.Unlock()
	s.enqueue(wabaID, &hookEvent{field: "message_template_status_update", value: val, withTime: true})
	return nil
}

// SetTemplateQuality sends message_template_quality_update.
func (s *Sim) SetTemplateQuality(wabaID, name, language, score string) error {
	s.mu.Lock()
	t := s.templateByNameLocked(wabaID, name, language)
	if t == nil {
		s.mu.Unlock()
		return fmt.Errorf("simulator: no template %q (%s)", name, language)
	}
	id, _ := strconv.ParseInt(t.ID, 10, 64)
	val := map[string]any{"previous_quality_score": "GREEN", "new_quality_score": score, "message_template_id": id,
		"message_template_name": t.Name, "message_template_language": t.Language}
	wabaID = t.waba.cfg.ID
	s.mu.Unlock()
	s.enqueue(wabaID, &hookEvent{field: "message_template_quality_update", value: val, withTime: true})
	return nil
}

// RestrictAccount places a restriction on an account for d (0: no end;
// an empty kind lifts it) and sends account_update.
func (s *Sim) RestrictAccount(wabaID, kind string, d time.Duration) error {
	s.mu.Lock()
	if s.wabas[wabaID] == nil {
		s.mu.Unlock()
		return fmt.Errorf("simulator: no account %q", wabaID)
	}
	h := s.healthLocked()
	now := s.nowLocked()
	val := map[string]any{"event": "ACCOUNT_RESTRICTION"}
	if kind == "" {
		delete(h.restricted, wabaID)
		val["restriction_info"] = []any{}
	} else {
		r := accountRestriction{kind: kind}
		info := map[string]any{"restriction_type": kind}
		if d > 0 {
			r.until = now.Add(d)
			info["expiration"] = r.until.Unix()
		}
		h.restricted[wabaID] = r
		val["restriction_info"] = []any{info}
	}
	s.bumpLocked()
	s.mu.Unlock()
	s.enqueue(wabaID, &hookEvent{field: "account_update", value: val, withTime: true})
	return nil
}

// SetPaymentFailing makes every send of the account fail with 131042
// (no valid payment method) until called with false.
func (s *Sim) SetPaymentFailing(wabaID string, failing bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wabas[wabaID] == nil {
		return fmt.Errorf("simulator: no account %q", wabaID)
	}
	s.healthLocked().payment[wabaID] = failing
	s.bumpLocked()
	return nil
}

// serveHealthControl answers the JSON controls; ok is false for other paths.
func (s *Sim) serveHealthControl(w http.ResponseWriter, r *http.Request, route string) bool {
	var req struct {
		BusinessID    string  `json:"business_id"`
		Limit         int     `json:"limit"`
		PhoneNumberID string  `json:"phone_number_id"`
		Event         string  `json:"event"`
		Quality       string  `json:"quality"`
		Name          string  `json:"name"`
		Language      string  `json:"language"`
		Title         string  `json:"title"`
		Score         string  `json:"score"`
		WABAID        string  `json:"waba_id"`
		Restriction   string  `json:"restriction"`
		Hours         float64 `json:"hours"`
		Failing       bool    `json:"failing"`
	}
	var err error
	switch route {
	case "GET /limits":
		writeJSON(w, http.StatusOK, map[string]any{"data": s.PortfolioUses()})
		return true
	case "POST /limits", "POST /quality", "POST /templates/pause", "POST /templates/resume", "POST /templates/quality",
		"POST /account/restrict", "POST /account/payment":
	default:
		return false
	}
	if err := decodeControl(r, &req); err != nil {
		controlError(w, http.StatusBadRequest, err.Error())
		return true
	}
	switch route {
	case "POST /limits":
		err = s.SetPortfolioLimit(req.BusinessID, req.Limit)
	case "POST /quality":
		err = s.SetQuality(req.PhoneNumberID, req.Event, req.Quality)
	case "POST /templates/pause":
		err = s.PauseTemplate(req.WABAID, req.Name, req.Language, req.Title)
	case "POST /templates/resume":
		err = s.ResumeTemplate(req.WABAID, req.Name, req.Language)
	case "POST /templates/quality":
		err = s.SetTemplateQuality(req.WABAID, req.Name, req.Language, req.Score)
	case "POST /account/restrict":
		err = s.RestrictAccount(req.WABAID, req.Restriction, time.Duration(req.Hours*float64(time.Hour)))
	case "POST /account/payment":
		err = s.SetPaymentFailing(req.WABAID, req.Failing)
	}
	if err != nil {
		controlError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), "simulator: "))
		return true
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	return true
}

var healthPage = template.Must(template.New("health").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulator: limits and health</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;max-width:48rem;color:#1f2933}fieldset{margin:0 0 1rem;border:1px solid #9aa5b1;padding:.75rem}
label{display:block;margin:.25rem 0}input,select,button{font:inherit;padding:.3rem;max-width:100%}button{background:#0b6e4f;color:#fff;border:0;padding:.4rem .8rem;cursor:pointer}
.ok{color:#0b6e4f}.err{color:#a61b1b}table{border-collapse:collapse}td,th{border:1px solid #cbd2d9;padding:.25rem .5rem;text-align:left}</style></head>
<body><main><h1>Limits, quality and account health</h1>
<p><a href="/">Back to the customer phone</a></p>
{{if .Done}}<p class="ok" role="status">{{.Done}}</p>{{end}}{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{end}}
<h2>Messaging limits</h2>
<table><thead><tr><th scope="col">Business portfolio</th><th scope="col">Limit (customers / 24 h)</th><th scope="col">Reached now</th></tr></thead><tbody>
{{range .Uses}}<tr><td>{{.BusinessID}}</td><td>{{if lt .Limit 0}}unlimited{{else}}{{.Limit}}{{end}}</td><td>{{.Reached}}</td></tr>{{end}}
</tbody></table>
<form method="post" action="/health/limits"><fieldset><legend>Set a portfolio's messaging limit</legend>
<label for="hb">Business portfolio</label><select id="hb" name="business_id">{{range .Uses}}<option>{{.BusinessID}}</option>{{end}}</select>
<label for="hl">Limit</label><select id="hl" name="limit"><option value="1">1 (test)</option><option value="2">2 (test)</option><option value="250">250</option><option value="2000">2,000</option><option value="10000">10,000</option><option value="100000">100,000</option><option value="-1">Unlimited</option></select>
<button type="submit">Set limit</button></fieldset></form>
<form method="post" action="/health/quality"><fieldset><legend>Change a number's quality</legend>
<label for="qp">Number</label><select id="qp" name="phone_number_id">{{range .Phones}}<option value="{{.ID}}">{{.Label}}</option>{{end}}</select>
<label for="qq">Quality rating</label><select id="qq" name="quality"><option>GREEN</option><option selected>YELLOW</option><option>RED</option></select>
<label for="qe">Event</label><select id="qe" name="event"><option>DOWNGRADE</option><option>UPGRADE</option><option>FLAGGED</option><option>UNFLAGGED</option></select>
<button type="submit">Send quality update</button></fieldset></form>
<form method="post" action="/health/pause"><fieldset><legend>Pause or disable a template</legend>
<label for="tn">Template</label><select id="tn" name="template">{{range .Templates}}<option value="{{.ID}}">{{.Label}}</option>{{end}}</select>
<label for="tt">What happens</label><select id="tt" name="title"><option value="FIRST_PAUSE">Paused for 3 hours (first pause)</option><option value="SECOND_PAUSE">Paused for 6 hours (second pause)</option><option value="DISABLED">Disabled</option><option value="RESUME">Approved again</option></select>
<button type="submit">Send template status</button></fieldset></form>
<form method="post" action="/health/restrict"><fieldset><legend>Restrict an account</legend>
<label for="rw">WhatsApp Business Account</label><select id="rw" name="waba_id">{{range .WABAs}}<option>{{.}}</option>{{end}}</select>
<label for="rr">Restriction</label><select id="rr" name="restriction"><option value="RESTRICTED_BIZ_INITIATED_MESSAGING">No business-initiated messages</option><option value="RESTRICTED_CUSTOMER_INITIATED_MESSAGING">No replies to customers</option><option value="">Lift restrictions</option></select>
<label for="rh">For how many hours</label><input id="rh" name="hours" type="number" min="0" value="24">
<button type="submit">Send account update</button></fieldset></form>
<form method="post" action="/health/payment"><fieldset><legend>Payment method</legend>
<label for="pw">WhatsApp Business Account</label><select id="pw" name="waba_id">{{range .WABAs}}<option>{{.}}</option>{{end}}</select>
<label for="pf">Payment</label><select id="pf" name="failing"><option value="true">No valid payment method (sends fail with 131042)</option><option value="false">Payment method fixed</option></select>
<button type="submit">Apply</button></fieldset></form>
</main></body></html>`))

type healthPhone struct{ ID, Label string }

// serveHealthPage serves /health and its forms.
func (s *Sim) serveHealthPage(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		var err error
		done := ""
		switch strings.TrimPrefix(r.URL.Path, "/health/") {
		case "limits":
			n, _ := strconv.Atoi(r.FormValue("limit"))
			err, done = s.SetPortfolioLimit(r.FormValue("business_id"), n), "Limit set; business_capability_update sent."
		case "quality":
			err, done = s.SetQuality(r.FormValue("phone_number_id"), r.FormValue("event"), r.FormValue("quality")), "Quality update sent."
		case "pause":
			parts := strings.SplitN(r.FormValue("template"), "|", 3)
			for len(parts) < 3 {
				parts = append(parts, "")
			}
			if r.FormValue("title") == "RESUME" {
				err = s.ResumeTemplate(parts[0], parts[1], parts[2])
			} else {
				err = s.PauseTemplate(parts[0], parts[1], parts[2], r.FormValue("title"))
			}
			done = "Template status sent."
		case "restrict":
			h, _ := strconv.ParseFloat(r.FormValue("hours"), 64)
			err, done = s.RestrictAccount(r.FormValue("waba_id"), r.FormValue("restriction"), time.Duration(h*float64(time.Hour))), "Account update sent."
		case "payment":
			err, done = s.SetPaymentFailing(r.FormValue("waba_id"), r.FormValue("failing") == "true"), "Payment state changed."
		default:
			http.NotFound(w, r)
			return
		}
		q := url.Values{}
		if err != nil {
			q.Set("error", strings.TrimPrefix(err.Error(), "simulator: "))
		} else {
			q.Set("done", done)
		}
		http.Redirect(w, r, "/health?"+q.Encode(), http.StatusSeeOther)
		return
	}
	if r.URL.Path != "/health" {
		http.NotFound(w, r)
		return
	}
	d := struct {
		Done, Error string
		Uses        []PortfolioUse
		Phones      []healthPhone
		Templates   []healthPhone
		WABAs       []string
	}{Done: r.URL.Query().Get("done"), Error: r.URL.Query().Get("error"), Uses: s.PortfolioUses()}
	s.mu.Lock()
	for id, p := range s.phones {
		d.Phones = append(d.Phones, healthPhone{ID: id, Label: p.cfg.DisplayPhoneNumber + " (" + p.cfg.QualityRating + ")"})
	}
	for id := range s.wabas {
		d.WABAs = append(d.WABAs, id)
	}
	for _, t := range s.templates {
		d.Templates = append(d.Templates, healthPhone{ID: t.waba.cfg.ID + "|" + t.Name + "|" + t.Language,
			Label: t.Name + " · " + t.Language + " (" + t.waba.cfg.Name + ", " + t.waba.cfg.ID + ")"})
	}
	s.mu.Unlock()
	sort.Slice(d.Phones, func(i, j int) bool { return d.Phones[i].Label < d.Phones[j].Label })
	sort.Strings(d.WABAs)
	sort.Slice(d.Templates, func(i, j int) bool { return d.Templates[i].Label < d.Templates[j].Label })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = healthPage.Execute(w, d)
}
