package twilio_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/twilio"
	twsim "github.com/wadesk/wadesk/providers/twilio/simulator"
)

// TestContentTemplatesAgainstTheSimulator: the account's WhatsApp
// templates come from the Content API with their approval; an approved one
// is sent by ContentSid outside the 24-hour window with its values, while
// a free-form message is refused there with 63016; a template created in
// wadesk becomes content submitted for approval.
func TestContentTemplatesAgainstTheSimulator(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, twilio.Config{AuthToken: w.number.AuthToken})
	if !c.Capabilities().Has(providers.CapTemplates) || !c.Capabilities().Has(providers.CapSendTemplate) {
		t.Fatal("Twilio does not offer templates")
	}
	list, err := c.ListTemplates(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]providers.Template{}
	for _, tp := range list {
		by[tp.Name] = tp
	}
	ready, ok := by["order_ready"]
	if !ok || ready.Status != "APPROVED" || ready.Category != "UTILITY" || ready.Language != "en_US" || len(ready.ID) != 34 {
		t.Fatalf("order_ready listed as %+v (all: %d)", ready, len(list))
	}
	if got := ready.Components[0]; got.Type != "BODY" || got.Text != "Hi {{1}}, your order {{2}} is ready for pickup." ||
		len(got.ExampleBodyText) != 1 || got.ExampleBodyText[0][1] != "#1042" {
		t.Errorf("order_ready body %+v", got)
	}
	if b := ready.Components[len(ready.Components)-1]; b.Type != "BUTTONS" || len(b.Buttons) != 2 || b.Buttons[0].Type != "QUICK_REPLY" {
		t.Errorf("order_ready buttons %+v", b)
	}
	// Twilio numbers variables once per content; WhatsApp per part.
	offer := by["weekend_offer"]
	if len(offer.Components) < 3 || offer.Components[0].Text != "Weekend {{1}}" || offer.Components[1].Text != "Hello {{1}}! Use code {{2}} for 10% off this weekend." {
		t.Errorf("weekend_offer read as %+v", offer.Components)
	}
	if _, ok := by["login_code"]; ok {
		t.Error("an authentication template is listed, which wadesk cannot send through Twilio")
	}

	if _, err := w.sim.InjectInbound(wa.Inbound{PhoneNumberID: w.number.PhoneNumberID, From: "16505551234", Text: "Hello"}); err != nil {
		t.Fatal(err)
	}
	w.sim.AdvanceClock(25 * time.Hour)
	msg := &providers.TemplateMessage{ID: ready.ID, Name: ready.Name, Language: ready.Language, Components: []providers.TemplateParams{
		{Type: "body", Parameters: []providers.TemplateParameter{{Type: "text", Text: "Sam"}, {Type: "text", Text: "#7"}}}}}
	res, err := c.SendMessage(ctx, "", providers.OutboundMessage{To: "16505551234", Template: msg})
	if err != nil || res.MessageID == "" {
		t.Fatalf("template send: %+v, %v", res, err)
	}
	// Without the ContentSid (a campaign's stored message), by name.
	msg.ID = ""
	if _, err := c.SendMessage(ctx, "", providers.OutboundMessage{To: "16505551234", Template: msg}); err != nil {
		t.Fatalf("template send by name: %v", err)
	}
	// Too few values: refused before Twilio is asked.
	msg.Components[0].Parameters = msg.Components[0].Parameters[:1]
	_, err = c.SendMessage(ctx, "", providers.OutboundMessage{To: "16505551234", Template: msg})
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindTemplateParams {
		t.Errorf("a template with a value missing: %v", err)
	}
	found := false
	for _, m := range w.sim.SentMessages(w.number.PhoneNumberID) {
		found = found || (m.Type == "template" && strings.Contains(m.Body, `"name":"order_ready"`) &&
			strings.Contains(m.Body, `[{"text":"Sam","type":"text"},{"text":"#7","type":"text"}]`))
	}
	if !found {
		t.Errorf("the customer did not get the filled-in template: %+v", w.sim.SentMessages(w.number.PhoneNumberID))
	}

	// Create: content, then its approval request.
	ref, err := c.CreateTemplate(ctx, "", providers.Template{Name: "bike_back", Language: "en_US", Category: "UTILITY",
		Components: []providers.TemplateComponent{{Type: "BODY", Text: "Thanks {{1}}, your bike is back.", ExampleBodyText: [][]string{{"Sam"}}},
			{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "QUICK_REPLY", Text: "Rent again"}}}}})
	if err != nil || len(ref.ID) != 34 || ref.Status != "PENDING" {
		t.Fatalf("create: %+v, %v", ref, err)
	}
	list, err = c.ListTemplates(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tp := range list {
		if tp.Name == "bike_back" {
			n++
			if tp.ID != ref.ID || tp.Status != "PENDING" {
				t.Errorf("created template listed as %+v", tp)
			}
		}
	}
	if n != 1 {
		t.Errorf("the created template is listed %d times", n)
	}
	_, err = c.CreateTemplate(ctx, "", providers.Template{Name: "with_header", Language: "en_US", Category: "UTILITY",
		Components: []providers.TemplateComponent{{Type: "HEADER", Format: "TEXT", Text: "Hi"}, {Type: "BODY", Text: "x"}}})
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindUnsupported {
		t.Errorf("a header: %v", err)
	}
	if err := c.DeleteTemplate(ctx, "", "bike_back", ref.ID); err != nil {
		t.Fatal(err)
	}
	list, _ = c.ListTemplates(ctx, "")
	for _, tp := range list {
		if tp.Name == "bike_back" {
			t.Error("deleted template still listed")
		}
	}
}

// TestConsoleWebhookURLsSurviveARestart: the URLs pasted into the
// simulated console are there again after the simulator starts anew.
func TestConsoleWebhookURLsSurviveARestart(t *testing.T) {
	cfg := wa.DefaultConfig()
	n := twsim.AddDemoNumber(&cfg)
	sim, err := wa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	file := filepath.Join(t.TempDir(), "twilio-console.json")
	first, err := twsim.New(twsim.Config{Sim: sim, SimToken: cfg.AccessToken, Numbers: []twsim.Number{n}, HooksFile: file})
	if err != nil {
		t.Fatal(err)
	}
	h := twsim.Hooks{Incoming: "https://desk.example/webhooks/4", Status: "https://desk.example/webhooks/4"}
	first.SetHooks(n.Sender, h)
	second, err := twsim.New(twsim.Config{Sim: sim, SimToken: cfg.AccessToken, Numbers: []twsim.Number{n}, HooksFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Hooks(n.Sender); got != h {
		t.Errorf("after a restart the console has %+v, want %+v", got, h)
	}
}
