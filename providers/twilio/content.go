package twilio

// WhatsApp templates through Twilio's Content API
// (../shared/contracts/twilio/twilio_content_v1.yaml, host
// content.twilio.com, the same basic authentication):
//   - GET /v1/ContentAndApprovals lists the account's content with its
//     WhatsApp approval (approval_requests {name, category, status,
//     rejection_reason}), paged by meta.next_page_url;
//   - GET /v1/Content/{Sid} reads one content resource;
//   - POST /v1/Content {friendly_name, language, variables, types} creates
//     one; POST /v1/Content/{Sid}/ApprovalRequests/whatsapp {name,
//     category} submits it to WhatsApp; DELETE /v1/Content/{Sid} deletes it;
//   - a template is sent as a Message with ContentSid and ContentVariables
//     (a JSON object of variable key to value) instead of Body.
//
// Not confirmed by the contracts (whose examples show only "unsubmitted",
// "approved" and "rejected"): the other approval statuses ("received",
// "pending", "paused", "disabled", from Twilio's documentation) and the
// legacy category "TRANSACTIONAL", read here as UTILITY.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// DefaultContentURL is the Content API's host.
const DefaultContentURL = "https://content.twilio.com"

// content is a Content resource (with its WhatsApp approval when listed
// through ContentAndApprovals).
type content struct {
	SID          string                     `json:"sid"`
	FriendlyName string                     `json:"friendly_name"`
	Language     string                     `json:"language"`
	Variables    map[string]string          `json:"variables"`
	Types        map[string]json.RawMessage `json:"types"`
	Approval     *approval                  `json:"approval_requests,omitempty"`
}

// approval is a content's WhatsApp approval request.
type approval struct {
	Name            string `json:"name"`
	Category        string `json:"category"`
	ContentType     string `json:"content_type"`
	Status          string `json:"status"`
	RejectionReason string `json:"rejection_reason"`
}

// contentBody is the part of a content type wadesk reads.
type contentBody struct {
	Body       string          `json:"body"`
	HeaderText string          `json:"header_text,omitempty"`
	Footer     string          `json:"footer,omitempty"`
	Media      []string        `json:"media,omitempty"`
	Actions    []contentAction `json:"actions,omitempty"`
}

type contentAction struct {
	Type  string `json:"type,omitempty"`
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
	Phone string `json:"phone,omitempty"`
	ID    string `json:"id,omitempty"`
}

// contentTypes are the content types wadesk shows as templates, in the
// order one is picked when a content has several.
var contentTypes = []string{"whatsapp/card", "twilio/quick-reply", "twilio/call-to-action", "twilio/media", "twilio/text"}

// varPattern finds {{key}} variables.
var varPattern = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

// contentDo calls the Content API.
func (c *Client) contentDo(ctx context.Context, op, method, path string, in, out any) error {
	u := *c.content
	p, q, _ := strings.Cut(path, "?")
	u.Path = strings.TrimRight(u.Path, "/") + p
	u.RawQuery = q
	return c.request(ctx, op, method, u.String(), in, out)
}

// ListTemplates lists the account's content templates with their WhatsApp
// approval, every page. Content wadesk cannot show as a WhatsApp
// template (locations, lists, catalogs, carousels, authentication…) is
// left out.
func (c *Client) ListTemplates(ctx context.Context, _ string) ([]providers.Template, error) {
	const op = providers.OpListTemplates
	all, err := c.listContent(ctx, op)
	if err != nil {
		return nil, err
	}
	var out []providers.Template
	for _, ct := range all {
		if s, ok := shape(ct); ok {
			out = append(out, s.template)
		}
	}
	return out, nil
}

func (c *Client) listContent(ctx context.Context, op string) ([]content, error) {
	path := "/v1/ContentAndApprovals?PageSize=500"
	var all []content
	for page := 0; path != "" && page < 100; page++ {
		var l struct {
			Contents []content `json:"contents"`
			Meta     struct {
				NextPageURL *string `json:"next_page_url"`
			} `json:"meta"`
		}
		if err := c.contentDo(ctx, op, http.MethodGet, path, nil, &l); err != nil {
			return nil, err
		}
		all = append(all, l.Contents...)
		path = ""
		if l.Meta.NextPageURL != nil && *l.Meta.NextPageURL != "" {
			// Only the path and query are followed: the credentials stay
			// on the configured host.
			if nu, err := url.Parse(*l.Meta.NextPageURL); err == nil && strings.HasPrefix(nu.Path, "/v1/ContentAndApprovals") {
				path = nu.Path + "?" + nu.RawQuery
			}
		}
	}
	return all, nil
}

// pick returns the content type wadesk shows and its body.
func pick(ct content) (string, contentBody, bool) {
	for _, typ := range contentTypes {
		raw, ok := ct.Types[typ]
		if !ok {
			continue
		}
		var b contentBody
		if json.Unmarshal(raw, &b) != nil {
			return "", contentBody{}, false
		}
		return typ, b, true
	}
	return "", contentBody{}, false
}

// shaped is a content resource as a WhatsApp template, with the Twilio
// variable behind each of the template's parameters.
type shaped struct {
	template providers.Template
	// Twilio's variables are one set for the whole content; WhatsApp
	// numbers them per part. header and body list the Twilio variable
	// of {{1}}, {{2}}… of that part; buttons the variable at the end of
	// each link button's address, by button index.
	header, body []string
	buttons      map[int]string
}

// renumber writes text with its variables as {{1}}…{{n}} in order of
// first appearance and returns the Twilio variable of each.
func renumber(text string) (string, []string) {
	var keys []string
	out := varPattern.ReplaceAllStringFunc(text, func(m string) string {
		k := varPattern.FindStringSubmatch(m)[1]
		i := slices.Index(keys, k)
		if i < 0 {
			keys = append(keys, k)
			i = len(keys) - 1
		}
		return "{{" + strconv.Itoa(i+1) + "}}"
	})
	return out, keys
}

// shape reads a content resource as a template: its header text and
// footer (whatsapp/card), body, and quick-reply, link or phone buttons.
// Files of twilio/media and whatsapp/card content are fixed at Twilio and
// sent by it, so they need no value; when a file's address takes a
// variable, the header is marked so that the inbox explains it cannot
// fill that in.
func shape(ct content) (shaped, bool) {
	typ, b, ok := pick(ct)
	if !ok {
		return shaped{}, false
	}
	s := shaped{buttons: map[int]string{}}
	t := providers.Template{ID: ct.SID, Name: ct.FriendlyName, Language: ct.Language, Status: "UNSUBMITTED"}
	if a := ct.Approval; a != nil {
		t.Status = approvalStatus(a.Status)
		t.Category = approvalCategory(a.Category)
		t.RejectedReason = a.RejectionReason
	}
	examples := func(keys []string) []string {
		ex := make([]string, len(keys))
		for i, k := range keys {
			ex[i] = ct.Variables[k]
		}
		return ex
	}
	for _, m := range b.Media {
		if varPattern.MatchString(m) {
			t.Components = append(t.Components, providers.TemplateComponent{Type: "HEADER", Format: providers.FormatMediaLinkVariable})
			break
		}
	}
	if b.HeaderText != "" && len(t.Components) == 0 {
		h := providers.TemplateComponent{Type: "HEADER", Format: "TEXT"}
		h.Text, s.header = renumber(b.HeaderText)
		if len(s.header) > 0 {
			h.ExampleHeaderText = examples(s.header)
		}
		t.Components = append(t.Components, h)
	}
	body := providers.TemplateComponent{Type: "BODY"}
	body.Text, s.body = renumber(b.Body)
	if len(s.body) > 0 {
		body.ExampleBodyText = [][]string{examples(s.body)}
	}
	t.Components = append(t.Components, body)
	if b.Footer != "" {
		t.Components = append(t.Components, providers.TemplateComponent{Type: "FOOTER", Text: b.Footer})
	}
	var buttons []providers.TemplateButton
	for _, a := range b.Actions {
		switch {
		case typ == "twilio/quick-reply" || strings.EqualFold(a.Type, "QUICK_REPLY"):
			buttons = append(buttons, providers.TemplateButton{Type: "QUICK_REPLY", Text: a.Title})
		case strings.EqualFold(a.Type, "URL"):
			u, keys := renumber(a.URL)
			btn := providers.TemplateButton{Type: "URL", Text: a.Title, URL: u}
			if len(keys) > 0 {
				s.buttons[len(buttons)] = keys[len(keys)-1]
				btn.Example = []string{ct.Variables[keys[len(keys)-1]]}
			}
			buttons = append(buttons, btn)
		case strings.EqualFold(a.Type, "PHONE_NUMBER"):
			buttons = append(buttons, providers.TemplateButton{Type: "PHONE_NUMBER", Text: a.Title, PhoneNumber: a.Phone})
		}
	}
	if len(buttons) > 0 {
		t.Components = append(t.Components, providers.TemplateComponent{Type: "BUTTONS", Buttons: buttons})
	}
	s.template = t
	return s, true
}

// approvalStatus maps Twilio's WhatsApp approval status onto Meta's
// template statuses.
func approvalStatus(s string) string {
	switch strings.ToLower(s) {
	case "approved":
		return "APPROVED"
	case "received", "pending":
		return "PENDING"
	case "rejected":
		return "REJECTED"
	case "paused":
		return "PAUSED"
	case "disabled":
		return "DISABLED"
	case "", "unsubmitted":
		return "UNSUBMITTED"
	}
	return strings.ToUpper(s)
}

// approvalCategory maps Twilio's category onto Meta's.
func approvalCategory(s string) string {
	switch s = strings.ToUpper(s); s {
	case "TRANSACTIONAL":
		return "UTILITY" // legacy name (not confirmed by the contracts)
	case "OTP":
		return "AUTHENTICATION"
	}
	return s
}

// CreateTemplate creates the content in Twilio (twilio/text, or
// twilio/quick-reply or twilio/call-to-action with buttons) and submits
// it to WhatsApp for approval. Headers, footers and other buttons have no
// Content API counterpart that wadesk writes.
func (c *Client) CreateTemplate(ctx context.Context, _ string, t providers.Template) (providers.TemplateRef, error) {
	const op = providers.OpCreateTemplate
	req, err := contentRequest(t)
	if err != nil {
		return providers.TemplateRef{}, fmt.Errorf("twilio: %s: %w", op, err)
	}
	var ct content
	if err := c.contentDo(ctx, op, http.MethodPost, "/v1/Content", req, &ct); err != nil {
		return providers.TemplateRef{}, err
	}
	if ct.SID == "" {
		return providers.TemplateRef{}, fmt.Errorf("twilio: %s: the answer has no content SID", op)
	}
	var a approval
	if err := c.contentDo(ctx, op, http.MethodPost, "/v1/Content/"+url.PathEscape(ct.SID)+"/ApprovalRequests/whatsapp",
		map[string]any{"name": t.Name, "category": t.Category, "allow_category_change": t.AllowCategoryChange}, &a); err != nil {
		return providers.TemplateRef{ID: ct.SID, Status: "UNSUBMITTED"}, err
	}
	return providers.TemplateRef{ID: ct.SID, Status: approvalStatus(a.Status), Category: approvalCategory(a.Category)}, nil
}

// contentRequest writes a template as a Content API creation body.
func contentRequest(t providers.Template) (map[string]any, error) {
	unsupported := func(what string) error {
		return providers.Unsupported(providers.Twilio, providers.OpCreateTemplate, what+" cannot be created through Twilio's Content API by wadesk; "+
			"create this template in the Twilio Console (Messaging → Content Template Builder)")
	}
	var body contentBody
	vars := map[string]string{}
	typ := "twilio/text"
	for _, comp := range t.Components {
		switch strings.ToUpper(comp.Type) {
		case "BODY":
			body.Body = comp.Text
			for i, m := range varPattern.FindAllStringSubmatch(comp.Text, -1) {
				ex := ""
				if len(comp.ExampleBodyText) > 0 && i < len(comp.ExampleBodyText[0]) {
					ex = comp.ExampleBodyText[0][i]
				}
				vars[m[1]] = ex
			}
		case "BUTTONS":
			for _, b := range comp.Buttons {
				switch strings.ToUpper(b.Type) {
				case "QUICK_REPLY":
					if typ == "twilio/call-to-action" {
						return nil, unsupported("quick replies mixed with links or phone buttons")
					}
					typ = "twilio/quick-reply"
					body.Actions = append(body.Actions, contentAction{Title: b.Text, ID: b.Text})
				case "URL", "PHONE_NUMBER":
					if typ == "twilio/quick-reply" {
						return nil, unsupported("quick replies mixed with links or phone buttons")
					}
					if varPattern.MatchString(b.URL) {
						return nil, unsupported("a link button with a variable")
					}
					typ = "twilio/call-to-action"
					body.Actions = append(body.Actions, contentAction{Type: strings.ToUpper(b.Type), Title: b.Text, URL: b.URL, Phone: b.PhoneNumber})
				default:
					return nil, unsupported("a button of type " + b.Type)
				}
			}
		case "HEADER":
			return nil, unsupported("a header")
		case "FOOTER":
			return nil, unsupported("a footer")
		}
	}
	if strings.TrimSpace(body.Body) == "" {
		return nil, &providers.ValidationError{Err: errors.New("the template needs a text")}
	}
	return map[string]any{"friendly_name": t.Name, "language": t.Language, "variables": vars,
		"types": map[string]contentBody{typ: body}}, nil
}

// DeleteTemplate deletes the content (Twilio deletes its WhatsApp
// template with it). Without the content SID, the content called name is
// looked up.
func (c *Client) DeleteTemplate(ctx context.Context, _ string, name, templateID string) error {
	const op = providers.OpDeleteTemplate
	sids := []string{}
	if templateID != "" {
		sids = append(sids, templateID)
	} else {
		all, err := c.listContent(ctx, op)
		if err != nil {
			return err
		}
		for _, ct := range all {
			if ct.FriendlyName == name {
				sids = append(sids, ct.SID)
			}
		}
	}
	for _, sid := range sids {
		if err := c.contentDo(ctx, op, http.MethodDelete, "/v1/Content/"+url.PathEscape(sid), nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// contentSIDPattern is a Content SID.
var contentSIDPattern = regexp.MustCompile(`^HX[0-9a-fA-F]{32}$`)

// templateForm is the ContentSid and ContentVariables of a template send.
// The content is the one of msg.ID, else the account's content called
// msg.Name in msg.Language; it is read again so that each value goes to
// the Twilio variable behind the template's parameter.
func (c *Client) templateForm(ctx context.Context, op string, msg *providers.TemplateMessage) (string, string, error) {
	var ct content
	if contentSIDPattern.MatchString(msg.ID) {
		if err := c.contentDo(ctx, op, http.MethodGet, "/v1/Content/"+url.PathEscape(msg.ID), nil, &ct); err != nil {
			return "", "", err
		}
	} else {
		all, err := c.listContent(ctx, op)
		if err != nil {
			return "", "", err
		}
		i := slices.IndexFunc(all, func(x content) bool {
			return x.FriendlyName == msg.Name && strings.EqualFold(x.Language, msg.Language)
		})
		if i < 0 {
			return "", "", &providers.Error{Provider: providers.Twilio, Op: op, Kind: providers.ErrorKindTemplateMissing,
				Message: "Twilio has no content template called " + msg.Name + " in " + msg.Language}
		}
		ct = all[i]
	}
	s, ok := shape(ct)
	if !ok {
		return "", "", providers.Unsupported(providers.Twilio, op, "this Twilio content is not a kind of template wadesk sends")
	}
	vars := map[string]string{}
	set := func(keys []string, ps []providers.TemplateParameter) error {
		if len(ps) != len(keys) {
			return &providers.Error{Provider: providers.Twilio, Op: op, Kind: providers.ErrorKindTemplateParams,
				Message: fmt.Sprintf("the template takes %d values here, %d were given", len(keys), len(ps))}
		}
		for i, p := range ps {
			vars[keys[i]] = p.Text
		}
		return nil
	}
	for _, comp := range msg.Components {
		var err error
		switch strings.ToLower(comp.Type) {
		case "header":
			err = set(s.header, comp.Parameters)
		case "body":
			err = set(s.body, comp.Parameters)
		case "button":
			if key, ok := s.buttons[comp.Index]; ok {
				err = set([]string{key}, comp.Parameters)
			} else if len(comp.Parameters) > 0 && strings.ToLower(comp.SubType) != "quick_reply" {
				err = set(nil, comp.Parameters)
			}
		default:
			err = providers.Unsupported(providers.Twilio, op, "Twilio content templates take text values only")
		}
		if err != nil {
			return "", "", err
		}
	}
	raw, err := json.Marshal(vars)
	if err != nil {
		return "", "", err
	}
	return ct.SID, string(raw), nil
}
