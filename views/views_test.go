package views_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/wadesk/wadesk/views"
)

func render(t *testing.T, c templ.Component) (*goquery.Document, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return doc, buf.String()
}

func TestNavigationByRole(t *testing.T) {
	for _, tc := range []struct {
		admin bool
		want  []string
		never []string
	}{
		{true, []string{"inbox", "channels", "templates", "store", "settings"}, nil},
		{false, []string{"inbox"}, []string{"channels", "templates", "store", "settings"}},
	} {
		p := views.Page{Title: "Inbox", Nav: views.NavInbox, User: &views.CurrentUser{Name: "Ann", IsAdmin: tc.admin}}
		doc, _ := render(t, views.InboxPage(p, views.InboxView{IsAdmin: tc.admin}))
		for _, s := range tc.want {
			if doc.Find(`[data-testid="nav-`+s+`"]`).Length() != 1 {
				t.Errorf("admin=%v: nav-%s missing", tc.admin, s)
			}
		}
		for _, s := range tc.never {
			if doc.Find(`[data-testid="nav-`+s+`"]`).Length() != 0 {
				t.Errorf("admin=%v: nav-%s shown", tc.admin, s)
			}
		}
		if cur, _ := doc.Find(`[data-testid="nav-inbox"]`).Attr("aria-current"); cur != "page" {
			t.Errorf("admin=%v: active section not marked", tc.admin)
		}
	}
}

func TestSignedOutPagesHaveNoNavigation(t *testing.T) {
	doc, _ := render(t, views.LoginPage(views.Page{Title: "Sign in"}, views.LoginForm{}))
	if doc.Find(".app-sidebar").Length() != 0 || doc.Find(`[data-testid="logout"]`).Length() != 0 {
		t.Error("the login page shows the signed-in navigation")
	}
}

func TestFieldErrorsAreTiedToTheirInputs(t *testing.T) {
	f := views.SetupForm{Name: "Ada", Email: "ada@", Errors: views.Errors{"email": "Enter an email address like name@example.com."}}
	doc, _ := render(t, views.SetupPage(views.Page{Title: "Set up"}, f))
	in := doc.Find(`input[name="email"]`)
	if v, _ := in.Attr("aria-invalid"); v != "true" {
		t.Error("the invalid input lacks aria-invalid")
	}
	if v, _ := in.Attr("aria-describedby"); v != "email-error" {
		t.Errorf("aria-describedby = %q", v)
	}
	if got := doc.Find("#email-error").Text(); !strings.Contains(got, "name@example.com") {
		t.Errorf("error text = %q", got)
	}
	if v, _ := doc.Find(`input[name="name"]`).Attr("aria-invalid"); v != "" {
		t.Error("a valid input is marked invalid")
	}
	if doc.Find(`input[type="password"][value]`).Length() != 0 {
		t.Error("a password input carries a value")
	}
}

func TestUserContentIsEscaped(t *testing.T) {
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	p := views.Page{Title: "Users", Nav: views.NavSettings, User: &views.CurrentUser{Name: evil, IsAdmin: true},
		Flashes: []views.Flash{{Kind: "success", Message: evil}}}
	doc, html := render(t, views.UsersPage(p, []views.UserRow{{ID: 1, Name: evil, Email: "a@example.com", Role: "agent"}}))
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
		t.Fatal("user-supplied markup was written unescaped")
	}
	if doc.Find("script:not([src])").Length() != 0 {
		t.Error("an inline script is present (the CSP forbids them)")
	}
	if !strings.Contains(doc.Find(`[data-testid="flash-success"]`).Text(), "<script>") {
		t.Error("escaped text is not shown as text")
	}
}

func TestWizardNumbersStep(t *testing.T) {
	v := views.WizardView{Step: "numbers", Errors: views.Errors{}, Accounts: []views.WizardAccount{{
		ID: "w1", Name: "Acme", Ownership: "client", Numbers: []views.WizardNumber{
			{ID: "p1", Display: "+1 555 0100", Usable: true},
			{ID: "p2", Display: "+1 555 0101", Usable: false, Note: "WhatsApp has banned this number."},
		}}}}
	doc, _ := render(t, views.WizardPage(views.Page{Title: "Add", User: &views.CurrentUser{Name: "A", IsAdmin: true}}, v))
	if _, dis := doc.Find(`input[value="p2"]`).Attr("disabled"); !dis {
		t.Error("an unusable number can be picked")
	}
	if _, dis := doc.Find(`input[value="p1"]`).Attr("disabled"); dis {
		t.Error("a usable number is disabled")
	}
	if !strings.Contains(doc.Find(`[data-testid="number-p2"]`).Text(), "banned") {
		t.Error("the reason a number cannot be used is not shown")
	}
	if !strings.Contains(doc.Find(`[data-testid="waba-w1"]`).Text(), "Shared with you") {
		t.Error("client WABA not labelled")
	}
}

func TestCredentialsStepNeverEchoesSecrets(t *testing.T) {
	v := views.WizardView{Step: "credentials", Title: "Sales", Errors: views.Errors{}, Fields: []views.WizardField{
		{Name: "access_token", Label: "System user access token", Secret: true, Required: true, Saved: true},
		{Name: "business_id", Label: "Business Manager ID", Required: true, Value: "123456"},
		{Name: "app_secret", Label: "App Secret", Secret: true, Required: true, Saved: true},
	}}
	doc, _ := render(t, views.WizardPage(views.Page{Title: "Add", User: &views.CurrentUser{Name: "A", IsAdmin: true}}, v))
	for _, name := range []string{"access_token", "app_secret"} {
		in := doc.Find(`input[name="` + name + `"]`)
		if typ, _ := in.Attr("type"); typ != "password" {
			t.Errorf("%s input type = %q", name, typ)
		}
		if _, has := in.Attr("value"); has {
			t.Errorf("%s input has a value attribute", name)
		}
		if _, req := in.Attr("required"); req {
			t.Errorf("%s is required although a value is saved", name)
		}
	}
	if v, _ := doc.Find(`input[name="business_id"]`).Attr("value"); v != "123456" {
		t.Errorf("business id not kept: %q", v)
	}
}
