package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// templateCallTimeout bounds one template call to the provider.
const templateCallTimeout = 30 * time.Second

// Form limits: how many rows of buttons and example inputs a form has.
const (
	maxFormButtons  = 20
	maxFormExamples = 60
)

// channelTemplateNew shows the form for a new template of the channel.
func (s *Server) channelTemplateNew(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	d := templates.Draft{Language: "en_US", Category: templates.CategoryUtility, OTPType: templates.OTPCopyCode}
	f := s.templateForm(r.Context(), ch, "new", d, views.Errors{}, 0)
	s.render(w, r, http.StatusOK, views.TemplateFormPage(s.page(w, r, i18n.T(r.Context(), "titles.new_template"), views.NavChannels), f))
}

// draftFromForm reads a template form. Button rows without a type are
// dropped, so that problems are reported by the rows the form shows next.
func draftFromForm(form url.Values) templates.Draft {
	d := templates.Draft{
		Name: form.Get("name"), Language: form.Get("language"), Category: form.Get("category"),
		AllowCategoryChange: form.Get("allow_category_change") == "1",
		HeaderFormat:        form.Get("header_format"), HeaderText: form.Get("header_text"),
		HeaderExample: form.Get("header_example"), HeaderHandle: form.Get("header_handle"),
		Body: form.Get("body"), Footer: form.Get("footer"),
		SecurityRecommendation: form.Get("security_recommendation") == "1",
		OTPType:                form.Get("otp_type"), OTPText: form.Get("otp_text"), AutofillText: form.Get("autofill_text"),
		PackageName: form.Get("package_name"), SignatureHash: form.Get("signature_hash"),
	}
	if raw := strings.TrimSpace(form.Get("code_expiry")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			n = -1 // reported as out of range
		}
		d.CodeExpiryMinutes = n
	}
	last := 0
	for n := 1; n <= maxFormExamples; n++ {
		if _, ok := form[templates.BodyExampleField(n)]; ok {
			last = n
		}
	}
	for n := 1; n <= last; n++ {
		d.BodyExamples = append(d.BodyExamples, form.Get(templates.BodyExampleField(n)))
	}
	for i := 0; i < maxFormButtons; i++ {
		b := templates.Button{
			Type: form.Get(templates.ButtonField("type", i)), Text: form.Get(templates.ButtonField("text", i)),
			URL: form.Get(templates.ButtonField("url", i)), Example: form.Get(templates.ButtonField("example", i)),
			Phone: form.Get(templates.ButtonField("phone", i)),
		}
		if strings.TrimSpace(b.Type) != "" {
			d.Buttons = append(d.Buttons, b)
		}
	}
	return d.Normalize()
}

// templateForm builds the form's view. extraButtons adds blank button rows
// beyond the one a form always offers.
func (s *Server) templateForm(ctx context.Context, ch store.Channel, mode string, d templates.Draft, errs views.Errors, extraButtons int) views.TemplateForm {
	f := views.TemplateForm{
		Mode: mode, ChannelID: ch.ID, ChannelTitle: ch.Title,
		Action:     "/channels/" + itoa(ch.ID) + "/templates",
		PreviewURL: "/channels/" + itoa(ch.ID) + "/templates/preview",
		Name:       d.Name, Language: d.Language, Category: d.Category, AllowCategoryChange: d.AllowCategoryChange,
		HeaderFormat: d.HeaderFormat, HeaderText: d.HeaderText, HeaderExample: d.HeaderExample, HeaderHandle: d.HeaderHandle,
		Body: d.Body, BodyExamples: exampleFields(d), Footer: d.Footer,
		SecurityRecommendation: d.SecurityRecommendation, OTPType: d.OTPType, OTPText: d.OTPText,
		AutofillText: d.AutofillText, PackageName: d.PackageName, SignatureHash: d.SignatureHash,
		Languages: languageOptions(ctx, d.Language), Preview: s.previewView(ch, d), Errors: errs,
	}
	if c := s.templateChannel(ch); c.Declared {
		f.Declared, f.Provider = true, c.Provider
	}
	if d.CodeExpiryMinutes != 0 {
		f.CodeExpiry = strconv.Itoa(d.CodeExpiryMinutes)
	}
	for i, b := range d.Buttons {
		f.Buttons = append(f.Buttons, views.TemplateButtonField{Index: i, Type: b.Type, Text: b.Text, URL: b.URL, Example: b.Example, Phone: b.Phone})
	}
	blanks := 1 + extraButtons
	if len(f.Buttons) == 0 {
		blanks++ // an empty form offers two rows
	}
	for i := 0; i < blanks && len(f.Buttons) < templates.MaxButtons; i++ {
		f.Buttons = append(f.Buttons, views.TemplateButtonField{Index: len(f.Buttons)})
	}
	f.CanAddButton = len(f.Buttons) < templates.MaxButtons
	return f
}

// exampleFields offers one example input per body variable.
func exampleFields(d templates.Draft) []views.BodyExampleField {
	n := min(d.BodyVariables(), maxFormExamples)
	out := make([]views.BodyExampleField, 0, n)
	for i := 1; i <= n; i++ {
		e := views.BodyExampleField{N: i}
		if i <= len(d.BodyExamples) {
			e.Value = d.BodyExamples[i-1]
		}
		out = append(out, e)
	}
	return out
}

func languageOptions(ctx context.Context, selected string) []views.LanguageOption {
	return templateLanguages(ctx, selected, nil)
}

// previewView renders a draft for the phone preview of the channel's number.
func (s *Server) previewView(ch store.Channel, d templates.Draft) views.TemplatePreview {
	p := d.Preview()
	name := ch.VerifiedName
	if name == "" {
		name = ch.Title
	}
	v := views.TemplatePreview{BusinessName: name, HeaderFormat: p.HeaderFormat, Footer: p.Footer,
		Header: previewSegments(p.Header), Body: previewSegments(p.Body)}
	for _, b := range p.Buttons {
		v.Buttons = append(v.Buttons, views.PreviewButton{Type: b.Type, Text: b.Text})
	}
	return v
}

func previewSegments(segs []templates.Segment) []views.PreviewSegment {
	out := make([]views.PreviewSegment, 0, len(segs))
	for _, s := range segs {
		out = append(out, views.PreviewSegment{Text: s.Text, Var: s.Var, Missing: s.Missing})
	}
	return out
}

// templateProblem puts a provider's refusal next to the field it is about,
// or above the form when it concerns the whole template.
func templateProblem(f *views.TemplateForm, err error) {
	msg := templates.Explain(err)
	field := ""
	if pe, ok := providers.AsError(err); ok && pe.Kind == providers.ErrorKindInvalidParameter {
		about := strings.ToLower(pe.Title + " " + pe.UserMessage)
		switch {
		case pe.Subcode == 2388024 || strings.Contains(about, "already exists"):
			field = "language"
			if f.Mode == "edit" {
				field = ""
			}
			msg = "A template called " + f.Name + " already exists in this language. Choose another language or name, or edit the existing one. " + msg
		case strings.Contains(about, "name") && f.Mode != "edit":
			field = "name"
		case strings.Contains(about, "language") && f.Mode != "edit":
			field = "language"
		case strings.Contains(about, "header"):
			field = "header_text"
			if f.HeaderFormat != templates.HeaderText {
				field = "header_handle"
			}
		case strings.Contains(about, "footer"):
			field = "footer"
		case strings.Contains(about, "button") || strings.Contains(about, "url"):
			field = "buttons"
		case strings.Contains(about, "body"):
			field = "body"
		}
	}
	if field != "" {
		f.Errors[field] = msg
		f.Problem = "Meta did not accept the template. Nothing was submitted; correct the marked field and try again."
		return
	}
	f.Problem = "Meta did not accept the template: " + msg
}

// templateRecord is what the store keeps of a template the provider just
// accepted.
func templateRecord(t providers.Template, id, status, category string) (store.TemplateRecord, error) {
	t.ID = id
	t.Status = status
	if t.Status == "" {
		t.Status = templates.StatusPending
	}
	if category != "" {
		t.Category = category
	}
	return templates.Record(t)
}
