package cloudapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/wadesk/wadesk/providers"
)

// TemplateFields is requested when listing templates.
const TemplateFields = "id,name,language,category,previous_category,status,rejected_reason,quality_score,components"

type wireTemplate struct {
	ID                  flexString    `json:"id,omitempty"`
	Name                string        `json:"name"`
	Language            string        `json:"language"`
	Category            string        `json:"category"`
	PreviousCategory    string        `json:"previous_category,omitempty"`
	Status              string        `json:"status,omitempty"`
	RejectedReason      string        `json:"rejected_reason,omitempty"`
	QualityScore        *wireTplScore `json:"quality_score,omitempty"`
	AllowCategoryChange bool          `json:"allow_category_change,omitempty"`
	Components          []wireTplComp `json:"components,omitempty"`
}

type wireTplScore struct {
	Score string `json:"score"`
}

type wireTplComp struct {
	Type                      string          `json:"type"`
	Format                    string          `json:"format,omitempty"`
	Text                      string          `json:"text,omitempty"`
	Buttons                   []wireTplButton `json:"buttons,omitempty"`
	Example                   *wireTplExample `json:"example,omitempty"`
	AddSecurityRecommendation bool            `json:"add_security_recommendation,omitempty"`
	CodeExpirationMinutes     flexInt         `json:"code_expiration_minutes,omitempty"`
}

type wireTplExample struct {
	HeaderText   flexStrings   `json:"header_text,omitempty"`
	BodyText     []flexStrings `json:"body_text,omitempty"`
	HeaderHandle flexStrings   `json:"header_handle,omitempty"`
}

type wireTplButton struct {
	Type           string      `json:"type"`
	Text           string      `json:"text,omitempty"`
	URL            string      `json:"url,omitempty"`
	PhoneNumber    flexString  `json:"phone_number,omitempty"`
	Example        flexStrings `json:"example,omitempty"`
	OTPType        string      `json:"otp_type,omitempty"`
	AutofillText   string      `json:"autofill_text,omitempty"`
	PackageName    string      `json:"package_name,omitempty"`
	SignatureHash  string      `json:"signature_hash,omitempty"`
	FlowJSON       string      `json:"flow_json,omitempty"`
	FlowID         flexString  `json:"flow_id,omitempty"`
	FlowName       string      `json:"flow_name,omitempty"`
	FlowAction     string      `json:"flow_action,omitempty"`
	NavigateScreen string      `json:"navigate_screen,omitempty"`
}

func (w wireTemplate) neutral() providers.Template {
	t := providers.Template{
		ID: string(w.ID), Name: w.Name, Language: w.Language, Category: w.Category,
		PreviousCategory: w.PreviousCategory, Status: w.Status, RejectedReason: w.RejectedReason,
		AllowCategoryChange: w.AllowCategoryChange,
	}
	if w.QualityScore != nil {
		t.Quality = w.QualityScore.Score
	}
	for _, c := range w.Components {
		nc := providers.TemplateComponent{
			Type: c.Type, Format: c.Format, Text: c.Text,
			AddSecurityRecommendation: c.AddSecurityRecommendation,
			CodeExpirationMinutes:     int(c.CodeExpirationMinutes),
		}
		if c.Example != nil {
			nc.ExampleHeaderText = []string(c.Example.HeaderText)
			nc.ExampleHeaderHandle = []string(c.Example.HeaderHandle)
			for _, row := range c.Example.BodyText {
				nc.ExampleBodyText = append(nc.ExampleBodyText, []string(row))
			}
		}
		for _, b := range c.Buttons {
			nc.Buttons = append(nc.Buttons, providers.TemplateButton{
				Type: b.Type, Text: b.Text, URL: b.URL, PhoneNumber: string(b.PhoneNumber), Example: []string(b.Example),
				OTPType: b.OTPType, AutofillText: b.AutofillText, PackageName: b.PackageName, SignatureHash: b.SignatureHash,
				FlowJSON: b.FlowJSON, FlowID: string(b.FlowID), FlowName: b.FlowName, FlowAction: b.FlowAction, NavigateScreen: b.NavigateScreen,
			})
		}
		t.Components = append(t.Components, nc)
	}
	return t
}

// templateRequest is the body of POST /{waba-id}/message_templates.
func templateRequest(t providers.Template) wireTemplate {
	w := wireTemplate{
		Name: t.Name, Language: t.Language, Category: t.Category,
		AllowCategoryChange: t.AllowCategoryChange,
	}
	for _, c := range t.Components {
		wc := wireTplComp{
			Type: c.Type, Format: c.Format, Text: c.Text,
			AddSecurityRecommendation: c.AddSecurityRecommendation,
			CodeExpirationMinutes:     flexInt(c.CodeExpirationMinutes),
		}
		if len(c.ExampleHeaderText) > 0 || len(c.ExampleBodyText) > 0 || len(c.ExampleHeaderHandle) > 0 {
			ex := &wireTplExample{HeaderText: c.ExampleHeaderText, HeaderHandle: c.ExampleHeaderHandle}
			for _, row := range c.ExampleBodyText {
				ex.BodyText = append(ex.BodyText, flexStrings(row))
			}
			wc.Example = ex
		}
		for _, b := range c.Buttons {
			wc.Buttons = append(wc.Buttons, wireTplButton{
				Type: b.Type, Text: b.Text, URL: b.URL, PhoneNumber: flexString(b.PhoneNumber), Example: b.Example,
				OTPType: b.OTPType, AutofillText: b.AutofillText, PackageName: b.PackageName, SignatureHash: b.SignatureHash,
				FlowJSON: b.FlowJSON, FlowID: flexString(b.FlowID), FlowName: b.FlowName, FlowAction: b.FlowAction, NavigateScreen: b.NavigateScreen,
			})
		}
		w.Components = append(w.Components, wc)
	}
	return w
}

// ListTemplates lists all of the account's templates, following every page.
func (c *Client) ListTemplates(ctx context.Context, wabaID string) ([]providers.Template, error) {
	const op = providers.OpListTemplates
	if c.numberBound {
		return c.listBoundTemplates(ctx)
	}
	var out []providers.Template
	err := c.each(ctx, op, []string{wabaID, "message_templates"}, url.Values{"fields": {TemplateFields}},
		func(raw json.RawMessage) error {
			var w wireTemplate
			if err := json.Unmarshal(raw, &w); err != nil {
				return fmt.Errorf("cloudapi: %s: decode template: %w", op, err)
			}
			out = append(out, w.neutral())
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateTemplate submits a new template for review.
func (c *Client) CreateTemplate(ctx context.Context, wabaID string, t providers.Template) (providers.TemplateRef, error) {
	const op = providers.OpCreateTemplate
	switch {
	case t.Name == "":
		return providers.TemplateRef{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the template name is missing")})
	case t.Language == "":
		return providers.TemplateRef{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the template language is missing")})
	case t.Category == "":
		return providers.TemplateRef{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the template category is missing")})
	case len(t.Components) == 0:
		return providers.TemplateRef{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the template has no content")})
	}
	body, err := jsonBody(templateRequest(t))
	if err != nil {
		return providers.TemplateRef{}, fmt.Errorf("cloudapi: %s: %w", op, err)
	}
	var resp struct {
		ID       flexString `json:"id"`
		Status   string     `json:"status"`
		Category string     `json:"category"`
	}
	path := []string{wabaID, "message_templates"}
	if c.numberBound {
		path = boundTemplatesPath
	}
	if err := c.call(ctx, request{
		op: op, method: http.MethodPost, path: path,
		body: body, contentType: "application/json",
	}, &resp); err != nil {
		return providers.TemplateRef{}, err
	}
	return providers.TemplateRef{ID: string(resp.ID), Status: resp.Status, Category: resp.Category}, nil
}

// DeleteTemplate deletes the template called name in every language or,
// when templateID is set, only that one (Meta's hsm_id).
func (c *Client) DeleteTemplate(ctx context.Context, wabaID, name, templateID string) error {
	const op = providers.OpDeleteTemplate
	if name == "" {
		return fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the template name is missing")})
	}
	if c.numberBound {
		// 360dialog deletes by name, every language at once.
		return c.expectSuccess(ctx, request{op: op, method: http.MethodDelete, path: append(append([]string(nil), boundTemplatesPath...), name)})
	}
	q := url.Values{"name": {name}}
	if templateID != "" {
		q.Set("hsm_id", templateID)
	}
	return c.expectSuccess(ctx, request{op: op, method: http.MethodDelete, path: []string{wabaID, "message_templates"}, query: q})
}

// boundTemplatesPath is where a number-bound API (360dialog) keeps the
// account's templates: POST creates one, GET lists them, DELETE …/{name}
// deletes one by name.
var boundTemplatesPath = []string{"v1", "configs", "templates"}

// listBoundTemplates lists a number-bound API's templates. 360dialog
// documents the create request; the list answer's array is read from
// "waba_templates" (its name in 360dialog's examples, not confirmed from
// its reference) or Meta's "data".
func (c *Client) listBoundTemplates(ctx context.Context) ([]providers.Template, error) {
	const op = providers.OpListTemplates
	var resp struct {
		WABATemplates []wireTemplate `json:"waba_templates"`
		Data          []wireTemplate `json:"data"`
	}
	if err := c.call(ctx, request{op: op, method: http.MethodGet, path: boundTemplatesPath,
		query: url.Values{"limit": {"1000"}}}, &resp); err != nil {
		return nil, err
	}
	out := make([]providers.Template, 0, len(resp.WABATemplates)+len(resp.Data))
	for _, w := range append(resp.WABATemplates, resp.Data...) {
		out = append(out, w.neutral())
	}
	return out, nil
}

// TemplateJSON is Meta's template-creation body for t, for providers
// whose template APIs take Meta's shape (Vonage's Template Management API).
func TemplateJSON(t providers.Template) (json.RawMessage, error) {
	return json.Marshal(templateRequest(t))
}

// ParseTemplate reads a template object in Meta's shape.
func ParseTemplate(raw json.RawMessage) (providers.Template, error) {
	var w wireTemplate
	if err := json.Unmarshal(raw, &w); err != nil {
		return providers.Template{}, err
	}
	return w.neutral(), nil
}
