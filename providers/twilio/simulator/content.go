package simulator

// Twilio's Content API (../shared/contracts/twilio/twilio_content_v1.yaml),
// served on the same listener as the REST API (Twilio serves it on
// content.twilio.com), with the account's basic authentication:
//   - GET /v1/ContentAndApprovals: the account's content with its
//     WhatsApp approval (approval_requests), paged (PageSize, Page);
//   - GET /v1/Content, GET /v1/Content/{Sid}, DELETE /v1/Content/{Sid};
//   - POST /v1/Content {friendly_name, language, variables, types}: 201;
//   - POST /v1/Content/{Sid}/ApprovalRequests/whatsapp {name, category}:
//     the template goes to the WhatsApp side for review;
//   - GET /v1/Content/{Sid}/ApprovalRequests: its approval.
//
// The WhatsApp templates of the account's business accounts (on the
// WhatsApp side) appear as content, so their approval status is the
// WhatsApp side's: a template with a header or footer as whatsapp/card,
// one with only quick replies as twilio/quick-reply, with link or phone
// buttons as twilio/call-to-action, else twilio/text. Twilio numbers
// variables once for the whole content ({{1}} in the header, {{2}}… in
// the body); WhatsApp per part, so a send maps them back in order.
//
// Not confirmed by the contracts: the error codes for an unknown
// ContentSid (21655) and bad ContentVariables (21656), and the approval
// statuses besides unsubmitted/approved/rejected, which follow Twilio's
// documentation.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// created is content made through POST /v1/Content.
type created struct {
	account   string
	sid       string
	name      string
	language  string
	variables map[string]string
	types     map[string]json.RawMessage
	created   time.Time
	// approval is set once submitted: the WhatsApp template's name and
	// category.
	approvalName, category string
}

// waTemplate is a template as the WhatsApp side lists it.
type waTemplate struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Language       string `json:"language"`
	Category       string `json:"category"`
	Status         string `json:"status"`
	RejectedReason string `json:"rejected_reason"`
	Components     []struct {
		Type    string `json:"type"`
		Format  string `json:"format"`
		Text    string `json:"text"`
		Example struct {
			HeaderText   []string   `json:"header_text"`
			HeaderHandle []string   `json:"header_handle"`
			BodyText     [][]string `json:"body_text"`
		} `json:"example"`
		Buttons []struct {
			Type        string   `json:"type"`
			Text        string   `json:"text"`
			URL         string   `json:"url"`
			PhoneNumber string   `json:"phone_number"`
			Example     []string `json:"example"`
		} `json:"buttons"`
		AddSecurityRecommendation bool `json:"add_security_recommendation"`
		CodeExpirationMinutes     int  `json:"code_expiration_minutes"`
	} `json:"components"`
}

// resource is one content resource with what a send needs.
type resource struct {
	json map[string]any
	// waName and waLanguage name the WhatsApp template ("" while not
	// submitted); status is its approval status.
	waName, waLanguage, status string
	types                      map[string]json.RawMessage
}

var simVar = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

// contentSID is the Content SID of a WhatsApp-side template.
func contentSID(account, templateID string) string {
	h := sha256.Sum256([]byte(account + "/" + templateID))
	return "HX" + hex.EncodeToString(h[:16])
}

// waTemplates lists the templates of the account's business accounts.
func (f *Front) waTemplates(r *http.Request, nums []Number) []waTemplate {
	seen := map[string]bool{}
	var out []waTemplate
	for _, n := range nums {
		if seen[n.WABAID] {
			continue
		}
		seen[n.WABAID] = true
		q := url.Values{"limit": {"1000"}, "fields": {"id,name,language,category,status,rejected_reason,components"}}
		rec := f.do(r.Context(), http.MethodGet, "/"+f.cfg.GraphVersion+"/"+n.WABAID+"/message_templates", q.Encode(), nil, "")
		var page struct {
			Data []waTemplate `json:"data"`
		}
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &page) == nil {
			out = append(out, page.Data...)
		}
	}
	return out
}

// asContent writes a WhatsApp template as Twilio content.
func asContent(account string, t waTemplate) resource {
	next := 0
	vars := map[string]string{}
	number := func(text string, examples []string) string {
		i := 0
		return simVar.ReplaceAllStringFunc(text, func(string) string {
			next++
			k := strconv.Itoa(next)
			if i < len(examples) {
				vars[k] = examples[i]
			} else {
				vars[k] = ""
			}
			i++
			return "{{" + k + "}}"
		})
	}
	var header, body, footer, mediaURL string
	var actions []map[string]any
	onlyQuick, auth := true, false
	for _, c := range t.Components {
		switch c.Type {
		case "HEADER":
			if c.Format == "TEXT" || c.Format == "" {
				header = number(c.Text, c.Example.HeaderText)
			} else {
				mediaURL = "https://media.twiliocdn.example/" + t.Name + "." + map[string]string{"IMAGE": "jpg", "VIDEO": "mp4"}[c.Format]
			}
		case "BODY":
			var ex []string
			if len(c.Example.BodyText) > 0 {
				ex = c.Example.BodyText[0]
			}
			body = number(c.Text, ex)
			auth = auth || c.AddSecurityRecommendation
		case "FOOTER":
			footer = c.Text
		case "BUTTONS":
			for _, b := range c.Buttons {
				a := map[string]any{"type": b.Type, "title": b.Text}
				switch b.Type {
				case "URL":
					onlyQuick = false
					a["url"] = number(b.URL, b.Example)
				case "PHONE_NUMBER":
					onlyQuick = false
					a["phone"] = b.PhoneNumber
				case "QUICK_REPLY":
					a["id"] = b.Text
				default:
					onlyQuick, auth = false, auth || b.Type == "OTP"
				}
				actions = append(actions, a)
			}
		}
	}
	typ, v := "twilio/text", map[string]any{"body": body}
	switch {
	case auth:
		typ, v = "whatsapp/authentication", map[string]any{"add_security_recommendation": true,
			"actions": []map[string]any{{"type": "COPY_CODE", "copy_code_text": "Copy code"}}}
	case header != "" || footer != "" || mediaURL != "":
		typ = "whatsapp/card"
		if header != "" {
			v["header_text"] = header
		}
		if footer != "" {
			v["footer"] = footer
		}
		if mediaURL != "" {
			v["media"] = []string{mediaURL}
		}
		if len(actions) > 0 {
			v["actions"] = actions
		}
	case len(actions) > 0 && onlyQuick:
		typ = "twilio/quick-reply"
		for _, a := range actions {
			delete(a, "type")
		}
		v["actions"] = actions
	case len(actions) > 0:
		typ = "twilio/call-to-action"
		v["actions"] = actions
	}
	raw, _ := json.Marshal(v)
	types := map[string]json.RawMessage{typ: raw}
	sid := contentSID(account, t.ID)
	status := strings.ToLower(t.Status)
	return resource{waName: t.Name, waLanguage: t.Language, status: status, types: types, json: map[string]any{
		"sid": sid, "account_sid": account, "friendly_name": t.Name, "language": t.Language, "variables": vars, "types": types,
		"date_created": "2026-01-05T09:00:00Z", "date_updated": "2026-01-05T09:00:00Z",
		"url": "https://content.twilio.com/v1/Content/" + sid,
		"approval_requests": map[string]any{"name": t.Name, "category": t.Category, "content_type": typ,
			"status": status, "rejection_reason": t.RejectedReason, "allow_category_change": false},
	}}
}

// resources lists the account's content: what was created here, then the
// WhatsApp templates not created here.
func (f *Front) resources(r *http.Request, account string, nums []Number) []resource {
	wts := f.waTemplates(r, nums)
	f.mu.Lock()
	var mine []created
	for _, c := range f.contents {
		if c.account == account {
			mine = append(mine, *c)
		}
	}
	f.mu.Unlock()
	slices.SortFunc(mine, func(a, b created) int { return a.created.Compare(b.created) })
	var out []resource
	taken := map[string]bool{}
	for _, c := range mine {
		res := resource{types: c.types, status: "unsubmitted"}
		approval := map[string]any{"name": "", "category": "", "content_type": "", "status": "unsubmitted",
			"rejection_reason": "", "allow_category_change": true}
		if c.approvalName != "" {
			res.waName, res.waLanguage = c.approvalName, c.language
			taken[c.approvalName+"/"+c.language] = true
			res.status = "received"
			for _, t := range wts {
				if t.Name == c.approvalName && t.Language == c.language {
					res.status = strings.ToLower(t.Status)
					approval["rejection_reason"] = t.RejectedReason
				}
			}
			var typ string
			for k := range c.types {
				typ = k
			}
			approval["name"], approval["category"], approval["content_type"], approval["status"] = c.approvalName, c.category, typ, res.status
		}
		res.json = map[string]any{"sid": c.sid, "account_sid": c.account, "friendly_name": c.name, "language": c.language,
			"variables": c.variables, "types": c.types, "approval_requests": approval,
			"date_created": c.created.Format(time.RFC3339), "date_updated": c.created.Format(time.RFC3339),
			"url": "https://content.twilio.com/v1/Content/" + c.sid}
		out = append(out, res)
	}
	for _, t := range wts {
		if !taken[t.Name+"/"+t.Language] {
			out = append(out, asContent(account, t))
		}
	}
	return out
}

// find returns the account's content with this SID.
func (f *Front) find(r *http.Request, account string, nums []Number, sid string) (resource, bool) {
	for _, res := range f.resources(r, account, nums) {
		if res.json["sid"] == sid {
			return res, true
		}
	}
	return resource{}, false
}

// serveContent answers the Content API.
func (f *Front) serveContent(w http.ResponseWriter, r *http.Request) {
	user, _, _ := r.BasicAuth()
	account := user
	for _, n := range f.cfg.Numbers {
		if n.APIKeySID != "" && n.APIKeySID == user {
			account = n.AccountSID
		}
	}
	nums := f.authorized(r, account)
	if len(nums) == 0 {
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/v1/ContentAndApprovals" && r.Method == http.MethodGet,
		path == "/v1/Content" && r.Method == http.MethodGet:
		f.listContent(w, r, account, nums, path)
	case path == "/v1/Content" && r.Method == http.MethodPost:
		f.createContent(w, r, account, nums)
	case strings.HasPrefix(path, "/v1/Content/"):
		rest := strings.TrimPrefix(path, "/v1/Content/")
		sid, sub, _ := strings.Cut(rest, "/")
		res, ok := f.find(r, account, nums, sid)
		if !ok {
			writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
			return
		}
		switch {
		case sub == "" && r.Method == http.MethodGet:
			out := map[string]any{}
			for k, v := range res.json {
				if k != "approval_requests" {
					out[k] = v
				}
			}
			writeJSON(w, http.StatusOK, out)
		case sub == "" && r.Method == http.MethodDelete:
			f.deleteContent(w, r, sid, res, nums)
		case sub == "ApprovalRequests" && r.Method == http.MethodGet:
			a, _ := res.json["approval_requests"].(map[string]any)
			wa := map[string]any{"type": "whatsapp"}
			for k, v := range a {
				wa[k] = v
			}
			writeJSON(w, http.StatusOK, map[string]any{"sid": sid, "account_sid": account, "whatsapp": wa,
				"url": "https://content.twilio.com/v1/Content/" + sid + "/ApprovalRequests"})
		case sub == "ApprovalRequests/whatsapp" && r.Method == http.MethodPost:
			f.submitContent(w, r, sid, res, nums)
		default:
			writeError(w, http.StatusMethodNotAllowed, 20004, "Method not allowed")
		}
	default:
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	}
}

func (f *Front) listContent(w http.ResponseWriter, r *http.Request, account string, nums []Number, path string) {
	size, _ := strconv.Atoi(r.URL.Query().Get("PageSize"))
	if size <= 0 {
		size = 50
	}
	size = min(size, 1000)
	page, _ := strconv.Atoi(r.URL.Query().Get("Page"))
	all := f.resources(r, account, nums)
	list := []map[string]any{}
	for i := page * size; i < len(all) && i < (page+1)*size; i++ {
		c := all[i].json
		if path == "/v1/Content" {
			c = map[string]any{}
			for k, v := range all[i].json {
				if k != "approval_requests" {
					c[k] = v
				}
			}
		}
		list = append(list, c)
	}
	base := "https://content.twilio.com" + path
	pageURL := func(p int) string { return base + "?PageSize=" + strconv.Itoa(size) + "&Page=" + strconv.Itoa(p) }
	var next, prev any
	if (page+1)*size < len(all) {
		next = pageURL(page + 1)
	}
	if page > 0 {
		prev = pageURL(page - 1)
	}
	key := "contents"
	writeJSON(w, http.StatusOK, map[string]any{key: list, "meta": map[string]any{"page": page, "page_size": size,
		"first_page_url": pageURL(0), "previous_page_url": prev, "next_page_url": next, "url": pageURL(page), "key": key}})
}

func (f *Front) createContent(w http.ResponseWriter, r *http.Request, account string, nums []Number) {
	var req struct {
		FriendlyName string                     `json:"friendly_name"`
		Language     string                     `json:"language"`
		Variables    map[string]string          `json:"variables"`
		Types        map[string]json.RawMessage `json:"types"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "the body is not valid JSON")
		return
	}
	if req.Language == "" || len(req.Types) == 0 {
		writeError(w, http.StatusBadRequest, 20001, "Missing required parameter language or types in the post body")
		return
	}
	f.mu.Lock()
	c := &created{account: account, sid: f.newSID("HX"), name: req.FriendlyName, language: req.Language,
		variables: req.Variables, types: req.Types, created: time.Now().UTC()}
	f.contents[c.sid] = c
	f.mu.Unlock()
	res, _ := f.find(r, account, nums, c.sid)
	out := map[string]any{}
	for k, v := range res.json {
		if k != "approval_requests" {
			out[k] = v
		}
	}
	writeJSON(w, http.StatusCreated, out)
}

// submitContent sends created content to the WhatsApp side for review as
// a template with the given name and category.
func (f *Front) submitContent(w http.ResponseWriter, r *http.Request, sid string, res resource, nums []Number) {
	f.mu.Lock()
	c := f.contents[sid]
	f.mu.Unlock()
	if c == nil || c.approvalName != "" {
		writeError(w, http.StatusBadRequest, 20001, "This content has already been submitted for WhatsApp approval")
		return
	}
	var req struct {
		Name     string `json:"name"`
		Category string `json:"category"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil || req.Name == "" || req.Category == "" {
		writeError(w, http.StatusBadRequest, 20001, "Missing required parameter name or category in the post body")
		return
	}
	typ, body := contentOf(c.types)
	comps := []map[string]any{}
	bodyText, _ := perPart(body.Body)
	bc := map[string]any{"type": "BODY", "text": bodyText}
	if keys := simVar.FindAllStringSubmatch(body.Body, -1); len(keys) > 0 {
		var ex []string
		for _, k := range keys {
			ex = append(ex, c.variables[k[1]])
		}
		bc["example"] = map[string]any{"body_text": [][]string{ex}}
	}
	comps = append(comps, bc)
	var buttons []map[string]any
	for _, a := range body.Actions {
		switch {
		case typ == "twilio/quick-reply" || a.Type == "QUICK_REPLY":
			buttons = append(buttons, map[string]any{"type": "QUICK_REPLY", "text": a.Title})
		case a.Type == "URL":
			buttons = append(buttons, map[string]any{"type": "URL", "text": a.Title, "url": a.URL})
		case a.Type == "PHONE_NUMBER":
			buttons = append(buttons, map[string]any{"type": "PHONE_NUMBER", "text": a.Title, "phone_number": a.Phone})
		}
	}
	if len(buttons) > 0 {
		comps = append(comps, map[string]any{"type": "BUTTONS", "buttons": buttons})
	}
	raw, _ := json.Marshal(map[string]any{"name": req.Name, "language": c.language, "category": req.Category, "components": comps})
	rec := f.do(r.Context(), http.MethodPost, "/"+f.cfg.GraphVersion+"/"+nums[0].WABAID+"/message_templates", "", raw, "application/json")
	if rec.Code/100 != 2 {
		var e struct {
			Error struct {
				Message string `json:"message"`
				UserMsg string `json:"error_user_msg"`
			} `json:"error"`
		}
		json.Unmarshal(rec.Body.Bytes(), &e)
		msg := e.Error.UserMsg
		if msg == "" {
			msg = e.Error.Message
		}
		writeError(w, http.StatusBadRequest, 20001, "WhatsApp refused the template: "+msg)
		return
	}
	var ans struct {
		Status   string `json:"status"`
		Category string `json:"category"`
	}
	json.Unmarshal(rec.Body.Bytes(), &ans)
	f.mu.Lock()
	c.approvalName, c.category = req.Name, req.Category
	f.mu.Unlock()
	status := strings.ToLower(ans.Status)
	if status == "" {
		status = "received"
	}
	writeJSON(w, http.StatusCreated, map[string]any{"name": req.Name, "category": req.Category, "content_type": typ,
		"status": status, "rejection_reason": "", "allow_category_change": false})
}

func (f *Front) deleteContent(w http.ResponseWriter, r *http.Request, sid string, res resource, nums []Number) {
	f.mu.Lock()
	_, mine := f.contents[sid]
	delete(f.contents, sid)
	f.mu.Unlock()
	if res.waName != "" {
		f.do(r.Context(), http.MethodDelete, "/"+f.cfg.GraphVersion+"/"+nums[0].WABAID+"/message_templates",
			url.Values{"name": {res.waName}}.Encode(), nil, "")
	} else if !mine {
		writeError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// simBody is the part of a content type a send reads.
type simBody struct {
	Body       string   `json:"body"`
	HeaderText string   `json:"header_text"`
	Media      []string `json:"media"`
	Actions    []struct {
		Type  string `json:"type"`
		Title string `json:"title"`
		URL   string `json:"url"`
		Phone string `json:"phone"`
	} `json:"actions"`
}

// contentOf returns the content's type and body.
func contentOf(types map[string]json.RawMessage) (string, simBody) {
	for typ, raw := range types {
		var b simBody
		json.Unmarshal(raw, &b)
		return typ, b
	}
	return "", simBody{}
}

// perPart numbers text's variables {{1}}… in order of first appearance,
// as WhatsApp numbers them per part, and returns the Twilio key of each.
func perPart(text string) (string, []string) {
	var keys []string
	out := simVar.ReplaceAllStringFunc(text, func(m string) string {
		k := simVar.FindStringSubmatch(m)[1]
		i := slices.Index(keys, k)
		if i < 0 {
			keys = append(keys, k)
			i = len(keys) - 1
		}
		return "{{" + strconv.Itoa(i+1) + "}}"
	})
	return out, keys
}

// contentMessage is the WhatsApp message a send with ContentSid makes: the
// approved template with ContentVariables as its parameters, or, while
// the content is not approved for WhatsApp, its text as a free-form
// message (which the WhatsApp side refuses outside the 24-hour window).
// It returns the Twilio error code and message for a refusal.
func contentMessage(res resource, rawVars string, msg map[string]any) (int, string) {
	vars := map[string]string{}
	if rawVars != "" {
		if err := json.Unmarshal([]byte(rawVars), &vars); err != nil {
			return 21656, "The ContentVariables Parameter is invalid"
		}
	}
	typ, b := contentOf(res.types)
	value := func(k string) (string, bool) {
		v := vars[k]
		return v, v != ""
	}
	if res.status != "approved" {
		if typ == "whatsapp/authentication" {
			return 63016, "Failed to send freeform message because you are outside the allowed window."
		}
		text := simVar.ReplaceAllStringFunc(b.Body, func(m string) string {
			v, _ := value(simVar.FindStringSubmatch(m)[1])
			return v
		})
		msg["type"], msg["text"] = "text", map[string]any{"body": text}
		return 0, ""
	}
	params := func(keys []string) ([]map[string]any, bool) {
		var ps []map[string]any
		for _, k := range keys {
			v, ok := value(k)
			if !ok {
				return nil, false
			}
			ps = append(ps, map[string]any{"type": "text", "text": v})
		}
		return ps, true
	}
	var comps []map[string]any
	_, hk := perPart(b.HeaderText)
	_, bk := perPart(b.Body)
	hp, ok1 := params(hk)
	bp, ok2 := params(bk)
	if !ok1 || !ok2 {
		return 21656, "The ContentVariables Parameter is invalid: a variable has no value"
	}
	if len(hp) > 0 {
		comps = append(comps, map[string]any{"type": "header", "parameters": hp})
	}
	if len(b.Media) > 0 {
		kind := "image"
		if strings.HasSuffix(b.Media[0], ".mp4") {
			kind = "video"
		}
		comps = append(comps, map[string]any{"type": "header", "parameters": []map[string]any{{"type": kind, kind: map[string]string{"link": b.Media[0]}}}})
	}
	if len(bp) > 0 {
		comps = append(comps, map[string]any{"type": "body", "parameters": bp})
	}
	for i, a := range b.Actions {
		if _, keys := perPart(a.URL); len(keys) > 0 {
			ps, ok := params(keys[len(keys)-1:])
			if !ok {
				return 21656, "The ContentVariables Parameter is invalid: a variable has no value"
			}
			comps = append(comps, map[string]any{"type": "button", "sub_type": "url", "index": strconv.Itoa(i), "parameters": ps})
		}
	}
	t := map[string]any{"name": res.waName, "language": map[string]string{"code": res.waLanguage}}
	if len(comps) > 0 {
		t["components"] = comps
	}
	msg["type"], msg["template"] = "template", t
	return 0, ""
}
