package views_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/views"
)

var admin = views.Page{Title: "Templates", User: &views.CurrentUser{Name: "Ada", IsAdmin: true}}

func TestTemplatePhoneShowsFilledVariables(t *testing.T) {
	pv := views.TemplatePreview{
		BusinessName: "Flor de Lis Bakery", HeaderFormat: "TEXT",
		Header: []views.PreviewSegment{{Text: "Order "}, {Text: "#1042", Var: true}},
		Body: []views.PreviewSegment{{Text: "Hi "}, {Text: "Sheena", Var: true}, {Text: ",\nyour order "},
			{Text: "{{2}}", Var: true, Missing: true}, {Text: " is ready."}},
		Footer:  "Reply STOP to opt out",
		Buttons: []views.PreviewButton{{Type: "URL", Text: "Track order"}, {Type: "QUICK_REPLY", Text: "Thanks"}},
	}
	doc, _ := render(t, views.TemplatePhone(pv))
	// The body keeps its line breaks (pre-wrap), so its text must be exact.
	if got := doc.Find(`[data-testid="preview-body"]`).Text(); got != "Hi Sheena,\nyour order {{2}} is ready." {
		t.Errorf("body = %q", got)
	}
	if got := doc.Find(`[data-testid="preview-header"]`).Text(); got != "Order #1042" {
		t.Errorf("header = %q", got)
	}
	if doc.Find(".wa-var").Length() != 3 || doc.Find(".wa-var-missing").Length() != 1 {
		t.Error("variables are not highlighted, or a missing example is not marked")
	}
	if got := doc.Find(`[data-testid="preview-footer"]`).Text(); got != "Reply STOP to opt out" {
		t.Errorf("footer = %q", got)
	}
	buttons := doc.Find(`[data-testid="preview-button"]`)
	if buttons.Length() != 2 || !strings.Contains(buttons.First().Text(), "Track order") {
		t.Errorf("buttons = %q", buttons.Text())
	}
	if got := doc.Find(".phone-title").Text(); got != "Flor de Lis Bakery" || doc.Find(".avatar").Text() != "FD" {
		t.Errorf("business = %q, avatar %q", got, doc.Find(".avatar").Text())
	}

	media, _ := render(t, views.TemplatePhone(views.TemplatePreview{HeaderFormat: "DOCUMENT", Body: []views.PreviewSegment{{Text: "Receipt."}}}))
	if got := media.Find(`.wa-media[data-testid="preview-header"]`).Text(); got != "Document" {
		t.Errorf("document header = %q", got)
	}
}

func TestTemplatesTablePollsOnlyWhilePending(t *testing.T) {
	row := views.TemplateRow{ID: 7, ChannelID: 3, Name: "order_ready", Language: "en_US", LanguageName: "English (US)",
		Category: "UTILITY", Status: "PENDING", StatusLabel: "Pending review", UpdatedAt: time.Now()}
	v := views.TemplatesView{Channel: &views.TemplateChannel{ID: 3, Title: "Bakery"}, Rows: []views.TemplateRow{row},
		Polling: true, TableURL: "/channels/3/templates?status=PENDING"}
	doc, _ := render(t, views.TemplatesTable(v))
	table := doc.Find("#templates-table")
	if got, _ := table.Attr("hx-get"); got != "/channels/3/templates?status=PENDING" {
		t.Errorf("hx-get = %q", got)
	}
	if got, _ := table.Attr("hx-trigger"); got != "every 3s" {
		t.Errorf("hx-trigger = %q", got)
	}
	if got, _ := table.Attr("hx-swap"); got != "outerHTML" {
		t.Errorf("hx-swap = %q", got)
	}
	if st, _ := doc.Find(`[data-testid="template-row-order_ready-en_US"] [data-status]`).Attr("data-status"); st != "PENDING" {
		t.Errorf("status = %q", st)
	}
	if href, _ := doc.Find(`[data-testid="template-link"]`).Attr("href"); href != "/channels/3/templates/7" {
		t.Errorf("link = %q", href)
	}

	row.Status, row.StatusLabel, row.Reason = "REJECTED", "Rejected", "SCAM: Meta considers the content a possible scam."
	v.Rows, v.Polling = []views.TemplateRow{row}, false
	doc, _ = render(t, views.TemplatesTable(v))
	if _, polls := doc.Find("#templates-table").Attr("hx-get"); polls {
		t.Error("the table keeps polling with nothing pending")
	}
	if got := doc.Find(`[data-testid="template-reason"]`).Text(); !strings.Contains(got, "SCAM") {
		t.Errorf("reason = %q", got)
	}
	if doc.Find(".badge-rejected").Length() != 1 {
		t.Error("status badge lacks its colour class")
	}

	// Unknown statuses are shown as they are.
	row.Status, row.StatusLabel = "LIMIT_EXCEEDED", views.TemplateStatusLabel(context.Background(), "LIMIT_EXCEEDED")
	v.Rows = []views.TemplateRow{row}
	doc, _ = render(t, views.TemplatesTable(v))
	if got := doc.Find(`[data-testid="template-status"]`).Text(); got != "LIMIT_EXCEEDED" {
		t.Errorf("unknown status shown as %q", got)
	}
}

func TestTemplatesPageWithoutChannels(t *testing.T) {
	doc, _ := render(t, views.TemplatesPage(admin, views.TemplatesView{}))
	if doc.Find(`[data-testid="templates-empty"]`).Length() != 1 || doc.Find("#templates-table").Length() != 0 {
		t.Error("with no channel the page should say to connect one, not show a table")
	}
	doc, _ = render(t, views.TemplatesPage(admin, views.TemplatesView{Channels: []views.TemplateChannelOption{{ID: 2, Title: "Sales"}}}))
	if href, _ := doc.Find(`[data-testid="templates-manage-2"]`).Attr("href"); href != "/channels/2/templates" {
		t.Errorf("manage link = %q", href)
	}
	if doc.Find(`[data-testid="templates-none"]`).Length() != 1 {
		t.Error("an empty list says nothing")
	}
}

func TestTemplateFormFieldErrorsAndExamples(t *testing.T) {
	f := views.TemplateForm{
		Mode: "new", ChannelID: 3, ChannelTitle: "Bakery", Action: "/channels/3/templates", PreviewURL: "/channels/3/templates/preview",
		Name: "order_update", Language: "en_US", Category: "UTILITY", Body: "Hi {{1}}, order {{3}}.",
		BodyExamples: []views.BodyExampleField{{N: 1, Value: "Ann"}, {N: 2}, {N: 3, Value: "#1"}},
		Buttons:      []views.TemplateButtonField{{Index: 0, Type: "URL", Text: "Track", URL: "https://a.example/{{1}}"}, {Index: 1}},
		Languages:    []views.LanguageOption{{Code: "en_US", Name: "English (US)", Selected: true}, {Code: "es", Name: "Spanish"}},
		Errors: views.Errors{"body": "Variables must be numbered {{1}}, {{2}}, {{3}}… without gaps: {{2}} is missing.",
			"button_example_0": "Give an example value for {{1}} in the web address."},
		CanAddButton: true,
	}
	doc, html := render(t, views.TemplateFormPage(admin, f))
	body := doc.Find(`textarea[name="body"]`)
	if v, _ := body.Attr("aria-describedby"); v != "body-error" || body.Text() != "Hi {{1}}, order {{3}}." {
		t.Errorf("body textarea: describedby %q, text %q", v, body.Text())
	}
	if got := doc.Find("#body-error").Text(); !strings.Contains(got, "{{2}} is missing") {
		t.Errorf("body error = %q", got)
	}
	if v, _ := doc.Find(`input[name="button_example_0"]`).Attr("aria-invalid"); v != "true" {
		t.Error("the button's example input is not marked invalid")
	}
	if doc.Find(`input[name^="body_example_"]`).Length() != 3 {
		t.Error("one example input per variable expected")
	}
	if v, _ := doc.Find(`input[name="body_vars"]`).Attr("value"); v != "3" {
		t.Errorf("body_vars = %q", v)
	}
	if v, _ := doc.Find(`select[name="button_type_0"] option[selected]`).Attr("value"); v != "URL" {
		t.Errorf("button type kept as %q", v)
	}
	if v, _ := doc.Find(`select[name="language"] option[selected]`).Attr("value"); v != "en_US" {
		t.Errorf("language kept as %q", v)
	}
	if _, ok := doc.Find(`input[name="category"][value="UTILITY"]`).Attr("checked"); !ok {
		t.Error("category not kept")
	}
	preview := doc.Find("#template-preview")
	if got, _ := preview.Attr("hx-post"); got != "/channels/3/templates/preview" {
		t.Errorf("preview hx-post = %q", got)
	}
	if got, _ := preview.Attr("hx-trigger"); !strings.Contains(got, "from:#template-form") {
		t.Errorf("preview hx-trigger = %q", got)
	}
	if strings.Contains(html, "hx-swap-oob") {
		t.Error("the full page must not carry out-of-band swaps")
	}

	// The live preview's answer carries the example inputs out of band only
	// when the variables changed.
	_, upd := render(t, views.TemplatePreviewUpdate(views.TemplatePreview{}, f.BodyExamples, true))
	if !strings.Contains(upd, `id="body-examples"`) || !strings.Contains(upd, `hx-swap-oob="true"`) {
		t.Error("changed variables: examples not sent out of band")
	}
	_, same := render(t, views.TemplatePreviewUpdate(views.TemplatePreview{}, f.BodyExamples, false))
	if strings.Contains(same, "body-examples") {
		t.Error("unchanged variables: examples replaced anyway (typing would lose focus)")
	}

	// Editing: name and language are fixed and not sent.
	f.Mode, f.RejectedReason = "edit", "SCAM: Meta considers the content a possible scam."
	doc, _ = render(t, views.TemplateFormPage(admin, f))
	if doc.Find(`input[name="name"], select[name="language"]`).Length() != 0 {
		t.Error("the edit form lets name or language change")
	}
	if !strings.Contains(doc.Find(`[data-testid="template-rejected-reason"]`).Text(), "SCAM") {
		t.Error("the edit form does not say why the template was rejected")
	}
}

func TestTemplatePageAsksBeforeDeleting(t *testing.T) {
	v := views.TemplateDetail{ID: 9, ChannelID: 3, ChannelTitle: "Bakery", Name: "spring_sale", Language: "en_US",
		LanguageName: "English (US)", Category: "MARKETING", Status: "REJECTED", StatusLabel: "Rejected",
		Reason: "INVALID_FORMAT: the format is not valid.", CanEdit: true, Params: "2 text values."}
	doc, _ := render(t, views.TemplatePage(admin, v))
	form := doc.Find(`form[action="/channels/3/templates/9/delete"]`)
	confirm, _ := form.Attr("data-confirm")
	if !strings.Contains(confirm, "spring_sale") || !strings.Contains(confirm, "30 days") {
		t.Errorf("delete confirmation = %q", confirm)
	}
	if !strings.Contains(doc.Find(`[data-testid="template-reason"]`).Text(), "INVALID_FORMAT") {
		t.Error("the rejection reason is not shown")
	}
	if href, _ := doc.Find(`[data-testid="template-edit"]`).Attr("href"); href != "/channels/3/templates/9/edit" {
		t.Errorf("edit link = %q", href)
	}
	v.CanEdit = false
	doc, _ = render(t, views.TemplatePage(admin, v))
	if doc.Find(`[data-testid="template-edit"]`).Length() != 0 {
		t.Error("edit offered although the template cannot be edited")
	}
}
