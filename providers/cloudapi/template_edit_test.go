package cloudapi

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/wadesk/wadesk/providers"
)

func TestEditTemplate(t *testing.T) {
	g := newFakeGraph(t)
	const path = "/v23.0/600000000000002"
	g.on("POST", path, "", 200, "success.json")
	c := g.client(t, goodToken)
	ctx := context.Background()

	edit := providers.Template{Name: "ignored", Language: "ignored", Category: "MARKETING", Components: []providers.TemplateComponent{
		{Type: "BODY", Text: "Hi {{1}}, new menu today.", ExampleBodyText: [][]string{{"Mark"}}},
		{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "QUICK_REPLY", Text: "Stop promotions"}}},
	}}
	if err := c.EditTemplate(ctx, "600000000000002", edit); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(g.last("POST", path).Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["category"] != "MARKETING" {
		t.Errorf("category = %v", body["category"])
	}
	for _, k := range []string{"name", "language", "id", "status"} {
		if _, ok := body[k]; ok {
			t.Errorf("edit body carries %q, which cannot change", k)
		}
	}
	comps, _ := body["components"].([]any)
	if len(comps) != 2 {
		t.Fatalf("components = %v", body["components"])
	}
	b0 := comps[0].(map[string]any)
	if b0["type"] != "BODY" || b0["text"] != "Hi {{1}}, new menu today." {
		t.Errorf("body component = %v", b0)
	}
	if ex, _ := b0["example"].(map[string]any); ex == nil || ex["body_text"] == nil {
		t.Errorf("body example missing: %v", b0)
	}

	if err := c.EditTemplate(ctx, "600000000000002", providers.Template{}); err == nil {
		t.Error("an edit without components must be refused")
	}
	// Meta's refusal comes back as a provider error.
	g.on("POST", "/v23.0/600000000000009", "", 400, "error_100_param.json")
	err := c.EditTemplate(ctx, "600000000000009", edit)
	pe, ok := providers.AsError(err)
	if !ok || pe.Code != 100 || pe.Op != opEditTemplate {
		t.Errorf("err = %v", err)
	}
}
