package simulator

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type storedTemplate struct {
	Template
	waba           *waba
	created        time.Time
	rejectedReason string
}

var templateDefaults = []string{"name", "parameter_format", "components", "language", "status", "category", "id"}

func templateObject(t *storedTemplate) map[string]any {
	comps := t.Components
	if comps == nil {
		comps = []TemplateComponent{}
	}
	obj := map[string]any{
		"id":               t.ID,
		"name":             t.Name,
		"language":         t.Language,
		"status":           t.Status,
		"category":         t.Category,
		"parameter_format": t.ParameterFormat,
		"components":       comps,
		"rejected_reason":  t.rejectedReason,
	}
	if t.rejectedReason == "" {
		obj["rejected_reason"] = "NONE"
	}
	return obj
}

func (s *Sim) listTemplates(g *gctx) *graphError {
	fields := g.fieldSet()
	name := g.param("name")
	status := strings.ToUpper(g.param("status"))
	category := strings.ToUpper(g.param("category"))
	language := g.param("language")
	s.mu.Lock()
	w := s.wabas[g.id]
	var objs []map[string]any
	var keys []string
	for _, t := range w.templates {
		if (name != "" && t.Name != name) || (status != "" && t.Status != status) ||
			(category != "" && t.Category != category) || (language != "" && t.Language != language) {
			continue
		}
		objs = append(objs, project(templateObject(t), fields, templateDefaults))
		keys = append(keys, t.ID)
	}
	s.mu.Unlock()
	start, end, p, err := s.page(g, keys)
	if err != nil {
		return err
	}
	resp := listResponse{Data: []any{}, Paging: p}
	for _, o := range objs[start:end] {
		resp.Data = append(resp.Data, o)
	}
	s.ok(g, resp)
	return nil
}

func (s *Sim) getTemplate(g *gctx) *graphError {
	s.mu.Lock()
	t := s.templates[g.id]
	if t == nil {
		s.mu.Unlock()
		return unsupportedRequest(g.r.Method, g.id)
	}
	obj := templateObject(t)
	s.mu.Unlock()
	s.ok(g, project(obj, g.fieldSet(), templateDefaults))
	return nil
}

// templateError is Meta's template validation error: (#100) Invalid
// parameter with a user title and message.
func templateError(title, msg string) *graphError {
	return &graphError{status: 400, message: "Invalid parameter", typ: "OAuthException", code: 100, userTitle: title, userMsg: msg}
}

var (
	templateNameRe = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
	languageRe     = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2,4})?$`)
)

type templateRequest struct {
	Name            string              `json:"name"`
	Language        string              `json:"language"`
	Category        string              `json:"category"`
	ParameterFormat string              `json:"parameter_format"`
	Components      []TemplateComponent `json:"components"`
}

func decodeTemplateRequest(g *gctx) (templateRequest, *graphError) {
	var req templateRequest
	body := g.jsonBody()
	if err := json.Unmarshal(body, &req); err != nil {
		return req, invalidParam("The template could not be parsed: " + err.Error())
	}
	return req, nil
}

func (s *Sim) createTemplate(g *gctx) *graphError {
	req, gerr := decodeTemplateRequest(g)
	if gerr != nil {
		return gerr
	}
	t := Template{Name: req.Name, Language: req.Language, Category: req.Category, ParameterFormat: req.ParameterFormat, Components: req.Components, Status: "PENDING"}
	normalizeTemplate(&t)
	if gerr := validateTemplate(&t); gerr != nil {
		return gerr
	}
	s.mu.Lock()
	w := s.wabas[g.id]
	for _, existing := range w.templates {
		if existing.Name == t.Name && existing.Language == t.Language {
			s.mu.Unlock()
			return &graphError{status: 400, message: "Invalid parameter", typ: "OAuthException", code: 100, subcode: 2388024,
				userTitle: "Content in this language already exists",
				userMsg:   fmt.Sprintf("Content in %s already exists for %s. Try editing the existing content or choose a different language.", t.Language, t.Name)}
		}
	}
	t.ID = s.newIDLocked()
	st := &storedTemplate{Template: t, waba: w, created: s.nowLocked()}
	s.templates[t.ID] = st
	w.templates = append(w.templates, st)
	s.bumpLocked()
	s.mu.Unlock()
	s.scheduleReview(st)
	s.log.Info("template submitted", "waba", g.id, "name", t.Name, "language", t.Language, "id", t.ID)
	s.ok(g, map[string]string{"id": t.ID, "status": "PENDING", "category": t.Category})
	return nil
}

func (s *Sim) editTemplate(g *gctx) *graphError {
	req, gerr := decodeTemplateRequest(g)
	if gerr != nil {
		return gerr
	}
	s.mu.Lock()
	st := s.templates[g.id]
	if st == nil {
		s.mu.Unlock()
		return unsupportedRequest(g.r.Method, g.id)
	}
	if st.Status == "PENDING" {
		s.mu.Unlock()
		return templateError("Message template can't be edited", "A template that is in review cannot be edited.")
	}
	next := st.Template
	if req.Category != "" {
		next.Category = req.Category
	}
	if req.Components != nil {
		next.Components = req.Components
	}
	if req.ParameterFormat != "" {
		next.ParameterFormat = req.ParameterFormat
	}
	s.mu.Unlock()
	normalizeTemplate(&next)
	if gerr := validateTemplate(&next); gerr != nil {
		return gerr
	}
	s.mu.Lock()
	next.Status = "PENDING"
	st.Template = next
	st.rejectedReason = ""
	s.bumpLocked()
	s.mu.Unlock()
	s.scheduleReview(st)
	s.ok(g, successResponse{Success: true})
	return nil
}

func (s *Sim) deleteTemplate(g *gctx) *graphError {
	name := g.param("name")
	hsmID := g.param("hsm_id")
	if name == "" && hsmID == "" {
		return paramError("The parameter name is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wabas[g.id]
	var keep []*storedTemplate
	removed := 0
	for _, t := range w.templates {
		match := (name == "" || t.Name == name) && (hsmID == "" || t.ID == hsmID)
		if match {
			delete(s.templates, t.ID)
			removed++
			continue
		}
		keep = append(keep, t)
	}
	if removed == 0 {
		return templateError("Message template not found", fmt.Sprintf("There is no message template named %q in this WhatsApp Business Account.", name))
	}
	w.templates = keep
	s.bumpLocked()
	writeJSON(g.w, 200, successResponse{Success: true})
	return nil
}

// validateTemplate applies Meta's creation rules.
func validateTemplate(t *Template) *graphError {
	if t.Name == "" {
		return paramError("The parameter name is required")
	}
	if !templateNameRe.MatchString(t.Name) {
		return templateError("Invalid template name", "Message template names can only contain lowercase letters, numbers and underscores, and be at most 512 characters.")
	}
	if t.Language == "" {
		return paramError("The parameter language is required")
	}
	if !languageRe.MatchString(t.Language) {
		return templateError("Invalid language", fmt.Sprintf("%q is not a supported language code such as en_US or pt_BR.", t.Language))
	}
	switch t.Category {
	case "MARKETING", "UTILITY", "AUTHENTICATION":
	case "":
		return paramError("The parameter category is required")
	default:
		return invalidParam(fmt.Sprintf("Param category must be one of {AUTHENTICATION, MARKETING, UTILITY} - got %q.", t.Category))
	}
	if t.ParameterFormat != "POSITIONAL" && t.ParameterFormat != "NAMED" {
		return invalidParam("Param parameter_format must be one of {POSITIONAL, NAMED}.")
	}
	if len(t.Components) == 0 {
		return paramError("The parameter components is required")
	}
	counts := map[string]int{}
	for i := range t.Components {
		c := &t.Components[i]
		counts[c.Type]++
		if counts[c.Type] > 1 {
			return templateError("Invalid components", fmt.Sprintf("A template can have only one %s component.", c.Type))
		}
		var err *graphError
		switch c.Type {
		case "HEADER":
			err = validateHeader(t, c)
		case "BODY":
			err = validateBody(t, c)
		case "FOOTER":
			err = validateFooter(t, c)
		case "BUTTONS":
			err = validateButtons(t, c)
		default:
			err = invalidParam(fmt.Sprintf("Param components[%d]['type'] must be one of {HEADER, BODY, FOOTER, BUTTONS} - got %q.", i, c.Type))
		}
		if err != nil {
			return err
		}
	}
	if counts["BODY"] == 0 {
		return templateError("Message template body is missing", "Every message template needs a BODY component.")
	}
	if t.Category == "AUTHENTICATION" {
		hasOTP := false
		for _, b := range t.buttons() {
			hasOTP = hasOTP || b.Type == "OTP"
		}
		if !hasOTP {
			return templateError("Authentication template needs an OTP button", "Authentication templates must have one OTP button (COPY_CODE, ONE_TAP or ZERO_TAP).")
		}
	}
	return nil
}

func checkVariables(t *Template, where, text string) *graphError {
	if t.ParameterFormat == "NAMED" {
		for _, v := range templateVars(text) {
			if !namedVar.MatchString("{{" + v + "}}") {
				return templateError("Invalid parameter name", fmt.Sprintf("%s: named parameters must be lowercase letters, numbers and underscores, got {{%s}}.", where, v))
			}
		}
		return nil
	}
	if !checkPositional(text) {
		return templateError("Variables are not sequential", fmt.Sprintf("%s: variables must be numbered {{1}}, {{2}}... without gaps.", where))
	}
	return nil
}

func validateHeader(t *Template, c *TemplateComponent) *graphError {
	switch c.Format {
	case "TEXT":
		if c.Text == "" {
			return paramError("Param components['HEADER']['text'] is required for format TEXT")
		}
		if utf8.RuneCountInString(c.Text) > 60 {
			return templateError("Header text is too long", "The header text can have at most 60 characters.")
		}
		if err := checkVariables(t, "Header", c.Text); err != nil {
			return err
		}
		n := len(templateVars(c.Text))
		if n > 1 {
			return templateError("Too many variables in header", "The header can have at most one variable.")
		}
		if n == 1 && (c.Example == nil || (len(c.Example.HeaderText) == 0 && len(c.Example.HeaderTextNamedParams) == 0)) {
			return templateError("Message template \"example\" field is missing", "The header has a variable, so example.header_text is required.")
		}
	case "IMAGE", "VIDEO", "DOCUMENT":
		if c.Example == nil || len(c.Example.HeaderHandle) == 0 {
			return templateError("Message template \"example\" field is missing", fmt.Sprintf("A %s header needs example.header_handle with a sample file handle.", c.Format))
		}
	case "LOCATION":
	case "":
		return paramError("Param components['HEADER']['format'] is required")
	default:
		return invalidParam(fmt.Sprintf("Param components['HEADER']['format'] must be one of {TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION} - got %q.", c.Format))
	}
	return nil
}

func validateBody(t *Template, c *TemplateComponent) *graphError {
	if c.Text == "" {
		return paramError("Param components['BODY']['text'] is required")
	}
	if utf8.RuneCountInString(c.Text) > 1024 {
		return templateError("Body text is too long", "The body text can have at most 1,024 characters.")
	}
	if t.Category == "AUTHENTICATION" {
		return nil
	}
	if err := checkVariables(t, "Body", c.Text); err != nil {
		return err
	}
	vars := templateVars(c.Text)
	if len(vars) == 0 {
		return nil
	}
	if t.ParameterFormat == "NAMED" {
		if c.Example == nil || len(c.Example.BodyTextNamedParams) != len(vars) {
			return templateError("Message template \"example\" field is missing", "The body has named variables, so example.body_text_named_params needs one sample per variable.")
		}
		return nil
	}
	if c.Example == nil || len(c.Example.BodyText) == 0 || len(c.Example.BodyText[0]) != len(vars) {
		return templateError("Message template \"example\" field is missing", fmt.Sprintf("The body has %d variables, so example.body_text needs %d sample values.", len(vars), len(vars)))
	}
	return nil
}

func validateFooter(t *Template, c *TemplateComponent) *graphError {
	if c.Text == "" {
		return paramError("Param components['FOOTER']['text'] is required")
	}
	if utf8.RuneCountInString(c.Text) > 60 {
		return templateError("Footer text is too long", "The footer text can have at most 60 characters.")
	}
	if len(templateVars(c.Text)) > 0 {
		return templateError("Footer can't have variables", "Footers can't contain variables.")
	}
	return nil
}

func validateButtons(t *Template, c *TemplateComponent) *graphError {
	if len(c.Buttons) == 0 {
		return paramError("Param components['BUTTONS']['buttons'] is required")
	}
	if len(c.Buttons) > 10 {
		return templateError("Too many buttons", "A template can have at most 10 buttons.")
	}
	for i, b := range c.Buttons {
		where := fmt.Sprintf("buttons[%d]", i)
		if b.Type != "OTP" && b.Type != "MPM" && b.Type != "CATALOG" && b.Text == "" {
			return paramError(fmt.Sprintf("Param %s['text'] is required", where))
		}
		if utf8.RuneCountInString(b.Text) > 25 {
			return templateError("Button text is too long", fmt.Sprintf("%s: button text can have at most 25 characters.", where))
		}
		switch b.Type {
		case "QUICK_REPLY", "MPM", "CATALOG", "VOICE_CALL", "SPM":
		case "URL":
			if !strings.HasPrefix(b.URL, "https://") && !strings.HasPrefix(b.URL, "http://") {
				return invalidParam(fmt.Sprintf("Param %s['url'] must be an http(s) URL.", where))
			}
			vars := templateVars(b.URL)
			if len(vars) > 1 || (len(vars) == 1 && !strings.HasSuffix(strings.TrimSpace(b.URL), "}}")) {
				return templateError("Invalid URL variable", fmt.Sprintf("%s: a URL can have one variable, at its end.", where))
			}
			if len(vars) == 1 && len(b.Example) == 0 {
				return templateError("Message template \"example\" field is missing", fmt.Sprintf("%s: the URL has a variable, so example is required.", where))
			}
		case "PHONE_NUMBER":
			if len(digitsOnly(b.PhoneNumber)) < 6 {
				return invalidParam(fmt.Sprintf("Param %s['phone_number'] must be a phone number.", where))
			}
		case "OTP":
			switch b.OTPType {
			case "COPY_CODE", "ONE_TAP", "ZERO_TAP":
			default:
				return invalidParam(fmt.Sprintf("Param %s['otp_type'] must be one of {COPY_CODE, ONE_TAP, ZERO_TAP}.", where))
			}
			if t.Category != "AUTHENTICATION" {
				return templateError("OTP buttons need the authentication category", "OTP buttons can only be used in AUTHENTICATION templates.")
			}
		case "COPY_CODE", "FLOW":
		default:
			return invalidParam(fmt.Sprintf("Param %s['type'] must be one of {QUICK_REPLY, URL, PHONE_NUMBER, OTP, COPY_CODE, FLOW, MPM, CATALOG, VOICE_CALL} - got %q.", where, b.Type))
		}
	}
	return nil
}

// scamPhrases make a template body be rejected with reason SCAM.
var scamPhrases = []string{"you have won", "you've won", "lottery", "free money", "crypto giveaway", "wire transfer fee"}

// reviewDecision is the simulator's documented review rule:
//   - REJECTED (INVALID_FORMAT) when the name contains "reject";
//   - REJECTED (INVALID_FORMAT) when a non-authentication body starts or ends
//     with a variable (Meta's guideline: variables need text around them);
//   - REJECTED (SCAM) when the body contains a scam phrase (scamPhrases);
//   - APPROVED otherwise.
func reviewDecision(t *Template) (status, reason string) {
	if strings.Contains(t.Name, "reject") {
		return "REJECTED", "INVALID_FORMAT"
	}
	if body := t.component("BODY"); body != nil {
		text := strings.TrimSpace(body.Text)
		if t.Category != "AUTHENTICATION" && text != "" {
			trimmed := strings.TrimRight(text, ".!?:;, ")
			if strings.HasPrefix(text, "{{") || strings.HasSuffix(trimmed, "}}") {
				return "REJECTED", "INVALID_FORMAT"
			}
		}
		lower := strings.ToLower(text)
		for _, p := range scamPhrases {
			if strings.Contains(lower, p) {
				return "REJECTED", "SCAM"
			}
		}
	}
	return "APPROVED", "NONE"
}

type templateStatusUpdate struct {
	Event                   string `json:"event"`
	MessageTemplateID       int64  `json:"message_template_id"`
	MessageTemplateName     string `json:"message_template_name"`
	MessageTemplateLanguage string `json:"message_template_language"`
	Reason                  string `json:"reason"`
	MessageTemplateCategory string `json:"message_template_category,omitempty"`
}

func (s *Sim) scheduleReview(st *storedTemplate) {
	s.after(s.cfg.TemplateReviewDelay, func() { s.reviewTemplate(st) })
}

// reviewTemplate decides a PENDING template and sends the
// message_template_status_update webhook.
func (s *Sim) reviewTemplate(st *storedTemplate) {
	s.mu.Lock()
	if s.templates[st.ID] != st || st.Status != "PENDING" {
		s.mu.Unlock()
		return
	}
	status, reason := reviewDecision(&st.Template)
	st.Status = status
	if status == "REJECTED" {
		st.rejectedReason = reason
	}
	s.bumpLocked()
	id, _ := strconv.ParseInt(st.ID, 10, 64)
	update := templateStatusUpdate{Event: status, MessageTemplateID: id, MessageTemplateName: st.Name,
		MessageTemplateLanguage: st.Language, Reason: reason, MessageTemplateCategory: st.Category}
	wabaID := st.waba.cfg.ID
	s.mu.Unlock()
	s.log.Info("template reviewed", "waba", wabaID, "name", st.Name, "status", status, "reason", reason)
	s.enqueue(wabaID, &hookEvent{field: "message_template_status_update", value: update, withTime: true})
}

// ReviewPendingTemplates decides every PENDING template now instead of after
// TemplateReviewDelay.
func (s *Sim) ReviewPendingTemplates() {
	s.mu.Lock()
	var pending []*storedTemplate
	for _, t := range s.templates {
		if t.Status == "PENDING" {
			pending = append(pending, t)
		}
	}
	s.mu.Unlock()
	for _, t := range pending {
		s.reviewTemplate(t)
	}
}
