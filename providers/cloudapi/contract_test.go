package cloudapi

// Contract tests: check the client and the webhook parser against the
// examples in Meta's published OpenAPI description, which lives outside the
// repository in ../shared/contracts. Meta's schemas in that file are
// miswired, so only its examples are used.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wadesk/wadesk/providers"
)

var spec struct {
	once sync.Once
	doc  map[string]any
	err  error
}

// loadSpec finds ../shared/contracts next to the module root and parses
// Meta's spec, or skips the test when it is not there.
func loadSpec(t *testing.T) map[string]any {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("../shared/contracts not present; contract tests need it")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "contracts", "meta", "business-messaging-api_v23.0.yaml")
	if _, err := os.Stat(path); err != nil {
		t.Skip("../shared/contracts not present; contract tests need it")
	}
	spec.once.Do(func() {
		b, err := os.ReadFile(path)
		if err != nil {
			spec.err = err
			return
		}
		var doc any
		if err := yaml.Unmarshal(b, &doc); err != nil {
			spec.err = err
			return
		}
		m, ok := jsonable(doc).(map[string]any)
		if !ok {
			spec.err = fmt.Errorf("spec root is %T", doc)
			return
		}
		spec.doc = m
	})
	if spec.err != nil {
		t.Fatalf("load spec: %v", spec.err)
	}
	return spec.doc
}

// jsonable converts YAML-decoded values into what encoding/json produces.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonable(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = jsonable(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	}
	return v
}

func dig(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("spec: %q: not an object", k)
		}
		v, ok = m[k]
		if !ok {
			t.Fatalf("spec: key %q missing", k)
		}
	}
	return v
}

type example struct {
	name  string
	value any
	json  []byte
}

// examplesOf returns the named examples (and a single "example") of a spec node, sorted by name.
func examplesOf(t *testing.T, node any) []example {
	t.Helper()
	m, _ := node.(map[string]any)
	var out []example
	if exs, ok := m["examples"].(map[string]any); ok {
		for name, ex := range exs {
			out = append(out, newExample(t, name, ex.(map[string]any)["value"]))
		}
	}
	if val, ok := m["example"]; ok {
		out = append(out, newExample(t, "example", val))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// newExample keeps an example as JSON and as the value encoding/json
// decodes from it (numbers become float64, as in any JSON payload).
func newExample(t *testing.T, name string, val any) example {
	t.Helper()
	b, err := json.Marshal(val)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return example{name: name, value: v, json: b}
}

func requestExamples(t *testing.T, doc map[string]any, path, method string) []example {
	return examplesOf(t, dig(t, doc, "paths", path, method, "requestBody", "content", "application/json"))
}

func responseExample(t *testing.T, doc map[string]any, path, method, status, name string) []byte {
	t.Helper()
	for _, ex := range examplesOf(t, dig(t, doc, "paths", path, method, "responses", status, "content", "application/json")) {
		if ex.name == name {
			return ex.json
		}
	}
	t.Fatalf("spec: no %s example %q for %s %s", status, name, method, path)
	return nil
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func arr(v any) []any          { a, _ := v.([]any); return a }
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strings.TrimSuffix(fmt.Sprintf("%.0f", x), ".0")
	case int:
		return fmt.Sprint(x)
	}
	return ""
}

// ---- Webhooks ----

func TestContractWebhookExamples(t *testing.T) {
	doc := loadSpec(t)
	exs := requestExamples(t, doc, "/whatsapp/webhooks", "post")
	if len(exs) != 16 {
		t.Fatalf("spec has %d webhook examples, want 16", len(exs))
	}
	seenTypes := map[string]bool{}
	for _, ex := range exs {
		t.Run(ex.name, func(t *testing.T) {
			b, err := ParseWebhook(ex.json)
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			var wantMsgs, wantUnknown int
			for _, e := range arr(obj(ex.value)["entry"]) {
				entryID := str(obj(e)["id"])
				for _, c := range arr(obj(e)["changes"]) {
					field := str(obj(c)["field"])
					value := obj(obj(c)["value"])
					if field != "messages" {
						wantUnknown++
						if !hasUnknown(b, field, value) {
							t.Errorf("change %q not kept as unknown", field)
						}
						continue
					}
					meta := obj(value["metadata"])
					for _, rawMsg := range arr(value["messages"]) {
						wantMsgs++
						em := obj(rawMsg)
						got := findMessage(b, str(em["id"]))
						if got == nil {
							t.Fatalf("message %s not parsed", str(em["id"]))
						}
						seenTypes[str(em["type"])] = true
						checkInbound(t, em, got)
						if got.Meta.EntryID != entryID || got.Meta.PhoneNumberID != str(meta["phone_number_id"]) ||
							got.Meta.DisplayPhoneNumber != str(meta["display_phone_number"]) {
							t.Errorf("meta = %+v", got.Meta)
						}
						if cs := arr(value["contacts"]); len(cs) > 0 {
							if name := str(obj(obj(cs[0])["profile"])["name"]); got.ProfileName != name {
								t.Errorf("profile name = %q, want %q", got.ProfileName, name)
							}
						}
					}
				}
			}
			if len(b.Messages) != wantMsgs || len(b.Unknown) != wantUnknown {
				t.Errorf("parsed %d messages and %d unknown changes, want %d and %d", len(b.Messages), len(b.Unknown), wantMsgs, wantUnknown)
			}
		})
	}
	for _, typ := range []string{"text", "reaction", "image", "location", "contacts", "unsupported", "button", "interactive", "order", "system"} {
		if !seenTypes[typ] {
			t.Errorf("no webhook example of type %q was checked", typ)
		}
	}
}

func hasUnknown(b *providers.WebhookBatch, field string, value map[string]any) bool {
	for _, u := range b.Unknown {
		var got any
		if u.Field == field && json.Unmarshal(u.Value, &got) == nil && reflect.DeepEqual(got, any(value)) {
			return true
		}
	}
	return false
}

func findMessage(b *providers.WebhookBatch, id string) *providers.InboundMessage {
	for i := range b.Messages {
		if b.Messages[i].ID == id {
			return &b.Messages[i]
		}
	}
	return nil
}

// checkInbound compares a parsed message with the example it came from.
func checkInbound(t *testing.T, em map[string]any, got *providers.InboundMessage) {
	t.Helper()
	typ := str(em["type"])
	if string(got.Type) != typ || got.From != str(em["from"]) {
		t.Errorf("type/from = %q/%q", got.Type, got.From)
	}
	if want := unixTime(flexString(str(em["timestamp"]))); !got.Timestamp.Equal(want) || got.Timestamp.IsZero() {
		t.Errorf("timestamp = %v, want %v", got.Timestamp, want)
	}
	if len(got.Raw) == 0 {
		t.Error("Raw is empty")
	}
	body := obj(em[typ])
	switch typ {
	case "text":
		if got.Text != str(body["body"]) {
			t.Errorf("text = %q", got.Text)
		}
	case "image", "audio", "video", "document", "sticker":
		m := got.Media
		if m == nil || m.ID != str(body["id"]) || m.MIMEType != str(body["mime_type"]) || m.SHA256 != str(body["sha256"]) || m.Caption != str(body["caption"]) {
			t.Errorf("media = %+v", m)
		}
	case "reaction":
		if r := got.Reaction; r == nil || r.MessageID != str(body["message_id"]) || r.Emoji != str(body["emoji"]) || r.Emoji == "" {
			t.Errorf("reaction = %+v", r)
		}
	case "location":
		l := got.Location
		if l == nil || l.Latitude != body["latitude"] || l.Longitude != body["longitude"] || l.Name != str(body["name"]) ||
			l.Address != str(body["address"]) || l.URL != str(body["url"]) {
			t.Errorf("location = %+v", l)
		}
	case "contacts":
		want := arr(em["contacts"])
		if len(got.Contacts) != len(want) || got.Contacts[0].Name.FormattedName != str(obj(obj(want[0])["name"])["formatted_name"]) ||
			got.Contacts[0].Phones[0].WaID != str(obj(arr(obj(want[0])["phones"])[0])["wa_id"]) {
			t.Errorf("contacts = %+v", got.Contacts)
		}
	case "button":
		if b := got.Button; b == nil || b.Payload != str(body["payload"]) || b.Text != str(body["text"]) {
			t.Errorf("button = %+v", b)
		}
	case "interactive":
		reply := obj(body[str(body["type"])])
		if r := got.Interactive; r == nil || r.Type != str(body["type"]) || r.ID != str(reply["id"]) || r.Title != str(reply["title"]) ||
			r.Description != str(reply["description"]) {
			t.Errorf("interactive = %+v", r)
		}
	case "order":
		o := got.Order
		items := arr(body["product_items"])
		if o == nil || o.CatalogID != str(body["catalog_id"]) || len(o.Items) != len(items) {
			t.Fatalf("order = %+v", o)
		}
		for i, it := range items {
			w := obj(it)
			g := o.Items[i]
			if g.ProductRetailerID != str(w["product_retailer_id"]) || float64(g.Quantity) != w["quantity"] ||
				g.ItemPrice != w["item_price"] || g.Currency != str(w["currency"]) {
				t.Errorf("item %d = %+v, want %v", i, g, w)
			}
		}
	case "system":
		if s := got.System; s == nil || s.Type != str(body["type"]) || s.Body != str(body["body"]) || s.NewWaID != str(body["wa_id"]) {
			t.Errorf("system = %+v", s)
		}
	case "unsupported":
		errs := arr(em["errors"])
		if len(got.Errors) != len(errs) || str(obj(errs[0])["code"]) != fmt.Sprint(got.Errors[0].Code) ||
			got.Errors[0].Details != str(obj(obj(errs[0])["error_data"])["details"]) {
			t.Errorf("errors = %+v", got.Errors)
		}
	}
	if c := obj(em["context"]); c != nil {
		g := got.Context
		if g == nil || g.ID != str(c["id"]) || g.From != str(c["from"]) {
			t.Fatalf("context = %+v", g)
		}
		if rp := obj(c["referred_product"]); rp != nil && (g.ReferredProduct == nil ||
			g.ReferredProduct.CatalogID != str(rp["catalog_id"]) || g.ReferredProduct.ProductRetailerID != str(rp["product_retailer_id"])) {
			t.Errorf("referred product = %+v", g.ReferredProduct)
		}
	}
	if r := obj(em["referral"]); r != nil {
		g := got.Referral
		if g == nil || g.SourceURL != str(r["source_url"]) || g.SourceID != str(r["source_id"]) || g.SourceType != str(r["source_type"]) ||
			g.CTWAClickID != str(r["ctwa_clid"]) || g.ImageURL != str(r["image_url"]) || g.Headline != str(r["headline"]) ||
			g.WelcomeMessage != str(obj(r["welcome_message"])["text"]) {
			t.Errorf("referral = %+v", g)
		}
	}
}

// ---- Request bodies ----

// captured returns a fake Graph server that answers every request to path
// with answer and keeps the last body.
func captureServer(t *testing.T, method, path, answer string) (*Client, func() []byte) {
	t.Helper()
	var mu sync.Mutex
	var last []byte
	g := newFakeGraph(t)
	g.handle(method, path, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		last = b
		mu.Unlock()
		io.WriteString(w, answer)
	})
	return g.client(t, goodToken), func() []byte {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

// flatten lists every leaf of a JSON value by path, e.g. "template.components[0].index".
func flatten(prefix string, v any, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			out[prefix] = "{}"
		}
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
	case []any:
		if len(x) == 0 {
			out[prefix] = "[]"
		}
		for i, e := range x {
			flatten(fmt.Sprintf("%s[%d]", prefix, i), e, out)
		}
	default:
		if strings.HasSuffix(prefix, ".index") {
			v = str(v) // Meta's examples use both 0 and "0"
		}
		out[prefix] = v
	}
}

// compareJSON reports the leaves where got differs from want, ignoring
// top-level keys in optional that want does not have.
func compareJSON(t *testing.T, want, got []byte, optional ...string) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got %q: %v", got, err)
	}
	if gm, ok := g.(map[string]any); ok {
		for _, k := range optional {
			if _, in := w.(map[string]any)[k]; !in {
				delete(gm, k)
			}
		}
	}
	wf, gf := map[string]any{}, map[string]any{}
	flatten("", w, wf)
	flatten("", g, gf)
	var diffs []string
	for k, wv := range wf {
		gv, ok := gf[k]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("missing %s = %v", k, wv))
		case !reflect.DeepEqual(wv, gv):
			diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", k, gv, wv))
		}
	}
	for k, gv := range gf {
		if _, ok := wf[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("extra %s = %v", k, gv))
		}
	}
	sort.Strings(diffs)
	for _, d := range diffs {
		t.Error(d)
	}
}

// outboundFromWire turns one of Meta's send examples into wadesk's neutral
// message, the way a handler would build it. ok is false for message kinds
// wadesk does not offer.
func outboundFromWire(w wireSend) (msg providers.OutboundMessage, ok bool) {
	msg = providers.OutboundMessage{To: w.To}
	if w.Context != nil {
		msg.ReplyTo = w.Context.MessageID
	}
	media := func(kind providers.MessageKind, m *wireMedia) *providers.Media {
		if m == nil {
			return nil
		}
		return &providers.Media{Kind: kind, ID: m.ID, Link: m.Link, Caption: m.Caption, Filename: m.Filename}
	}
	switch {
	case w.Text != nil:
		msg.Text = &providers.Text{Body: w.Text.Body, PreviewURL: w.Text.PreviewURL}
	case w.Image != nil:
		msg.Media = media(providers.KindImage, w.Image)
	case w.Audio != nil:
		msg.Media = media(providers.KindAudio, w.Audio)
	case w.Video != nil:
		msg.Media = media(providers.KindVideo, w.Video)
	case w.Document != nil:
		msg.Media = media(providers.KindDocument, w.Document)
	case w.Sticker != nil:
		msg.Media = media(providers.KindSticker, w.Sticker)
	case w.Reaction != nil:
		msg.Reaction = &providers.Reaction{MessageID: w.Reaction.MessageID, Emoji: w.Reaction.Emoji}
	case w.Location != nil:
		l := w.Location
		msg.Location = &providers.Location{Latitude: l.Latitude, Longitude: l.Longitude, Name: l.Name, Address: l.Address}
	case len(w.Contacts) > 0:
		for _, c := range w.Contacts {
			msg.Contacts = append(msg.Contacts, contactFromWire(c))
		}
	case w.Template != nil:
		tm := &providers.TemplateMessage{Name: w.Template.Name, Language: w.Template.Language.Code, LanguagePolicy: w.Template.Language.Policy}
		for _, c := range w.Template.Components {
			pc := providers.TemplateParams{Type: c.Type, SubType: c.SubType}
			if c.Index != nil {
				fmt.Sscan(string(*c.Index), &pc.Index)
			}
			for _, p := range c.Parameters {
				np := providers.TemplateParameter{Type: p.Type, Name: p.ParameterName, Text: p.Text, Payload: p.Payload, CouponCode: p.CouponCode}
				if p.Currency != nil {
					np.Currency = &providers.Currency{FallbackValue: p.Currency.FallbackValue, Code: p.Currency.Code, Amount1000: p.Currency.Amount1000}
				}
				if d := p.DateTime; d != nil {
					np.DateTime = &providers.DateTime{FallbackValue: d.FallbackValue, Calendar: d.Calendar, Year: d.Year, Month: d.Month,
						DayOfMonth: d.DayOfMonth, DayOfWeek: d.DayOfWeek, Hour: d.Hour, Minute: d.Minute}
				}
				for _, m := range []*wireMedia{p.Image, p.Video, p.Document} {
					if m != nil {
						np.Media = media(providers.MessageKind(p.Type), m)
					}
				}
				if a := p.Action; a != nil {
					np.Action = &providers.TemplateAction{ThumbnailProductRetailerID: a.ThumbnailProductRetailerID, FlowToken: a.FlowToken, FlowActionData: a.FlowActionData}
				}
				pc.Parameters = append(pc.Parameters, np)
			}
			tm.Components = append(tm.Components, pc)
		}
		msg.Template = tm
	case w.Interactive != nil:
		wi := w.Interactive
		switch providers.InteractiveType(wi.Type) {
		case providers.InteractiveButton, providers.InteractiveList, providers.InteractiveProduct,
			providers.InteractiveProductList, providers.InteractiveCatalogMessage, providers.InteractiveCTAURL:
		default:
			return msg, false // flows, order details, order status
		}
		in := &providers.Interactive{Type: providers.InteractiveType(wi.Type)}
		if h := wi.Header; h != nil {
			ih := &providers.InteractiveHeader{Type: h.Type, Text: h.Text}
			for _, m := range []*wireMedia{h.Image, h.Video, h.Document} {
				if m != nil {
					ih.Media = media(providers.MessageKind(h.Type), m)
				}
			}
			in.Header = ih
		}
		if wi.Body != nil {
			in.Body = wi.Body.Text
		}
		if wi.Footer != nil {
			in.Footer = wi.Footer.Text
		}
		if a := wi.Action; a != nil {
			in.ListButton, in.CatalogID, in.ProductRetailerID = a.Button, a.CatalogID, a.ProductRetailerID
			for _, b := range a.Buttons {
				in.Buttons = append(in.Buttons, providers.ReplyButton{ID: b.Reply.ID, Title: b.Reply.Title})
			}
			for _, s := range a.Sections {
				ns := providers.Section{Title: s.Title}
				for _, r := range s.Rows {
					ns.Rows = append(ns.Rows, providers.ListRow{ID: r.ID, Title: r.Title, Description: r.Description})
				}
				for _, p := range s.ProductItems {
					ns.ProductRetailerIDs = append(ns.ProductRetailerIDs, p.ProductRetailerID)
				}
				in.Sections = append(in.Sections, ns)
			}
			if p := a.Parameters; p != nil {
				in.ThumbnailProductRetailerID = p.ThumbnailProductRetailerID
				if p.DisplayText != "" || p.URL != "" {
					in.CTA = &providers.CTAURL{DisplayText: p.DisplayText, URL: p.URL}
				}
			}
		}
		msg.Interactive = in
	default:
		return msg, false
	}
	return msg, true
}

func TestContractSendMessageBodies(t *testing.T) {
	doc := loadSpec(t)
	const path = "/{Version}/{Phone-Number-ID}/messages"
	client, last := captureServer(t, "POST", "/v23.0/106540352242922/messages",
		string(responseExample(t, doc, path, "post", "200", "Example response")))
	readClient, lastRead := captureServer(t, "POST", "/v23.0/106540352242922/messages",
		string(responseExample(t, doc, path, "post", "200", "Send typing indicator and read receipt")))
	// Examples wadesk does not send, with the reason.
	skip := map[string]string{
		"Send Sample Issue Resolution Template": "the example passes booleans as text parameters",
	}
	sent := 0
	for _, ex := range requestExamples(t, doc, path, "post") {
		t.Run(ex.name, func(t *testing.T) {
			if reason, ok := skip[ex.name]; ok {
				t.Skip(reason)
			}
			if obj(ex.value)["status"] == "read" {
				typing := obj(ex.value)["typing_indicator"] != nil
				if err := readClient.MarkRead(context.Background(), "106540352242922", str(obj(ex.value)["message_id"]), typing); err != nil {
					t.Fatal(err)
				}
				compareJSON(t, ex.json, lastRead())
				sent++
				return
			}
			want := ex.json
			// One example leaves the header type as a placeholder; send it as a text header.
			if h := obj(obj(obj(ex.value)["interactive"])["header"]); h != nil && strings.HasPrefix(str(h["type"]), "<") {
				h["type"] = "text"
				want, _ = json.Marshal(ex.value)
			}
			var w wireSend
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatalf("example does not decode: %v", err)
			}
			msg, ok := outboundFromWire(w)
			if !ok {
				t.Skipf("wadesk does not send %q messages", w.Type)
			}
			res, err := client.SendMessage(context.Background(), "106540352242922", msg)
			if err != nil {
				t.Fatalf("SendMessage: %v", err)
			}
			if res.MessageID == "" {
				t.Error("no message ID")
			}
			compareJSON(t, want, last(), "recipient_type", "type")
			sent++
		})
	}
	if sent < 35 {
		t.Errorf("only %d send examples were checked", sent)
	}
}

func TestContractManagementBodies(t *testing.T) {
	doc := loadSpec(t)
	ctx := context.Background()

	t.Run("subscribed_apps", func(t *testing.T) {
		const path = "/{Version}/{WABA-ID}/subscribed_apps"
		c, last := captureServer(t, "POST", "/v23.0/1/subscribed_apps", `{"success":true}`)
		for _, ex := range requestExamples(t, doc, path, "post") {
			v := obj(ex.value)
			if err := c.SubscribeApp(ctx, "1", str(v["override_callback_uri"]), str(v["verify_token"])); err != nil {
				t.Fatalf("%s: %v", ex.name, err)
			}
			compareJSON(t, ex.json, last())
		}
	})
	t.Run("whatsapp_business_profile", func(t *testing.T) {
		const path = "/{Version}/{Phone-Number-ID}/whatsapp_business_profile"
		c, last := captureServer(t, "POST", "/v23.0/1/whatsapp_business_profile", `{"success":true}`)
		for _, ex := range requestExamples(t, doc, path, "post") {
			var w wireProfile
			if err := json.Unmarshal(ex.json, &w); err != nil {
				t.Fatal(err)
			}
			p := providers.BusinessProfile{About: w.About, Address: w.Address, Description: w.Description, Email: w.Email,
				Websites: []string(w.Websites), Vertical: w.Vertical, ProfilePictureHandle: w.ProfilePictureHandle}
			if err := c.UpdateBusinessProfile(ctx, "1", p); err != nil {
				t.Fatalf("%s: %v", ex.name, err)
			}
			compareJSON(t, ex.json, last())
		}
	})
	t.Run("message_templates", func(t *testing.T) {
		const path = "/{Version}/{WABA-ID}/message_templates"
		c, last := captureServer(t, "POST", "/v23.0/1/message_templates", `{"id":"1","status":"PENDING","category":"UTILITY"}`)
		exs := requestExamples(t, doc, path, "post")
		if len(exs) < 10 {
			t.Fatalf("only %d template examples", len(exs))
		}
		for _, ex := range exs {
			var w wireTemplate
			if err := json.Unmarshal(ex.json, &w); err != nil {
				t.Fatalf("%s: %v", ex.name, err)
			}
			if _, err := c.CreateTemplate(ctx, "1", w.neutral()); err != nil {
				t.Fatalf("%s: %v", ex.name, err)
			}
			t.Run(ex.name, func(t *testing.T) { compareJSON(t, ex.json, last()) })
		}
	})
}

// ---- Responses ----

func TestContractResponses(t *testing.T) {
	doc := loadSpec(t)
	ctx := context.Background()
	resp := func(path, method, name string) string {
		return string(responseExample(t, doc, path, method, "200", name))
	}

	t.Run("business accounts and numbers", func(t *testing.T) {
		g := newFakeGraph(t)
		g.on("GET", "/v23.0/1/owned_whatsapp_business_accounts", "", 200, resp("/{Version}/{Business-ID}/owned_whatsapp_business_accounts", "get", "multiple_accounts"))
		g.on("GET", "/v23.0/1/client_whatsapp_business_accounts", "", 200, resp("/{Version}/{Business-ID}/client_whatsapp_business_accounts", "get", "multiple_accounts"))
		g.on("GET", "/v23.0/1/client_whatsapp_business_accounts", "QVFIUjNpUWpVWmRBd0Rn", 200, resp("/{Version}/{Business-ID}/client_whatsapp_business_accounts", "get", "empty_response"))
		numbers := resp("/{Version}/{WABA-ID}/phone_numbers", "get", "multiple_phone_numbers")
		for _, id := range []string{"104996122399160", "102290129340398", "1234567890123456", "2345678901234567"} {
			g.on("GET", "/v23.0/"+id+"/phone_numbers", "", 200, numbers)
		}
		accts, err := g.client(t, goodToken).ListBusinessAccounts(ctx, "1")
		if err != nil {
			t.Fatal(err)
		}
		if len(accts) != 4 || accts[0].Name != "Lucky Shrub" || accts[0].Ownership != providers.OwnershipOwned ||
			accts[2].Ownership != providers.OwnershipClient || accts[3].Currency != "EUR" || accts[0].TimezoneID != "1" {
			t.Fatalf("accounts = %+v", accts)
		}
		p := accts[0].PhoneNumbers
		if len(p) != 2 || p[0].DisplayPhoneNumber != "+1 631-555-5555" || p[0].MessagingLimitTier != "TIER_1K" || p[1].CodeVerificationStatus != "NOT_VERIFIED" {
			t.Fatalf("numbers = %+v", p)
		}
		if ok, _ := p[0].Usable(); !ok {
			t.Error("a LINKED, VERIFIED number should be usable")
		}
		if ok, reason := p[1].Usable(); ok || reason == "" {
			t.Error("a PENDING, NOT_VERIFIED number should not be usable")
		}
	})
	t.Run("phone number", func(t *testing.T) {
		g := newFakeGraph(t)
		g.on("GET", "/v23.0/106853218861309", "", 200, resp("/{Version}/{Phone-Number-ID}", "get", "comprehensive_response"))
		p, err := g.client(t, goodToken).GetPhoneNumber(ctx, "106853218861309")
		if err != nil || p.VerifiedName != "Jaspers Market" || p.NameStatus != "APPROVED" || p.CodeVerificationStatus != "VERIFIED" {
			t.Fatalf("phone = %+v, %v", p, err)
		}
	})
	t.Run("subscribed apps", func(t *testing.T) {
		g := newFakeGraph(t)
		g.on("GET", "/v23.0/1/subscribed_apps", "", 200, resp("/{Version}/{WABA-ID}/subscribed_apps", "get", "multiple_subscriptions"))
		g.on("POST", "/v23.0/1/subscribed_apps", "", 200, resp("/{Version}/{WABA-ID}/subscribed_apps", "post", "custom_callback_success"))
		g.on("DELETE", "/v23.0/1/subscribed_apps", "", 200, resp("/{Version}/{WABA-ID}/subscribed_apps", "delete", "unsubscribe_success"))
		c := g.client(t, goodToken)
		apps, err := c.ListSubscribedApps(ctx, "1")
		if err != nil || len(apps) != 2 || apps[1].Name != "Customer Support Bot" || apps[0].ID != "1234567890123456" {
			t.Fatalf("apps = %+v, %v", apps, err)
		}
		if err := c.SubscribeApp(ctx, "1", "https://your-webhook-endpoint.com/webhook", "tok"); err != nil {
			t.Fatal(err)
		}
		if err := c.UnsubscribeApp(ctx, "1"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("business profile", func(t *testing.T) {
		g := newFakeGraph(t)
		g.on("GET", "/v23.0/1/whatsapp_business_profile", "", 200, resp("/{Version}/{Phone-Number-ID}/whatsapp_business_profile", "get", "business_profile_details"))
		p, err := g.client(t, goodToken).GetBusinessProfile(ctx, "1")
		if err != nil || p.Vertical != "RESTAURANT" || len(p.Websites) != 2 || p.Email != "contact@business.com" || p.ProfilePictureURL == "" {
			t.Fatalf("profile = %+v, %v", p, err)
		}
	})
	t.Run("templates", func(t *testing.T) {
		g := newFakeGraph(t)
		g.on("GET", "/v23.0/1/message_templates", "", 200, resp("/{Version}/{WABA-ID}/message_templates", "get", "Example response"))
		ts, err := g.client(t, goodToken).ListTemplates(ctx, "1")
		if err != nil || len(ts) != 2 || ts[0].Name != "hello_world" || ts[0].PreviousCategory != "ACCOUNT_UPDATE" ||
			ts[1].Components[1].ExampleBodyText[0][1] != "FALL25" {
			t.Fatalf("templates = %+v, %v", ts, err)
		}
	})
	t.Run("commerce, media, send", func(t *testing.T) {
		g := newFakeGraph(t)
		g.on("GET", "/v23.0/1/whatsapp_commerce_settings", "", 200, resp("/{Version}/{Phone-Number-ID}/whatsapp_commerce_settings", "get", "Example response"))
		g.on("POST", "/v23.0/1/whatsapp_commerce_settings", "", 200, resp("/{Version}/{Phone-Number-ID}/whatsapp_commerce_settings", "post", "Example response"))
		g.on("GET", "/v23.0/2621233374848975", "", 200, resp("/{Version}/{Media-ID}", "get", "Retrieve Media URL"))
		g.on("POST", "/v23.0/1/media", "", 200, resp("/{Version}/{Phone-Number-ID}/media", "post", "Upload Image JSON"))
		g.on("POST", "/v23.0/1/messages", "", 200, resp("/{Version}/{Phone-Number-ID}/messages", "post", "Send Single Product Message"))
		c := g.client(t, goodToken)
		s, err := c.GetCommerceSettings(ctx, "1")
		if err != nil || !s.CartEnabled || !s.CatalogVisible || s.ID != "527759822865714" {
			t.Fatalf("commerce = %+v, %v", s, err)
		}
		if err := c.UpdateCommerceSettings(ctx, "1", s); err != nil {
			t.Fatal(err)
		}
		m, err := c.GetMediaURL(ctx, "2621233374848975")
		if err != nil || m.FileSize != 303833 || m.MIMEType != "image/jpeg" || m.URL != "<URL>" {
			t.Fatalf("media = %+v, %v", m, err)
		}
		id, err := c.UploadMedia(ctx, "1", providers.MediaUpload{Filename: "a.jpg", MIMEType: "image/jpeg", Body: strings.NewReader("jpeg")})
		if err != nil || id != "4490709327384033" {
			t.Fatalf("upload = %q, %v", id, err)
		}
		res, err := c.SendMessage(ctx, "1", providers.OutboundMessage{To: "+1-631-555-5555",
			Interactive: &providers.Interactive{Type: providers.InteractiveProduct, CatalogID: "367025965434465", ProductRetailerID: "sku"}})
		if err != nil || res.MessageID != "wamid.gBGGFlaCGg0xcvAdgmZ9plHrf2Mh-o" || res.WaID != "16315555555" {
			t.Fatalf("send = %+v, %v", res, err)
		}
	})
}

// TestContractErrorExamples serves every documented error answer of the
// endpoints the client uses and checks what the caller gets back.
func TestContractErrorExamples(t *testing.T) {
	doc := loadSpec(t)
	ctx := context.Background()
	ops := []struct {
		path, method string
		call         func(*Client) error
	}{
		{"/{Version}/{Business-ID}/owned_whatsapp_business_accounts", "get", func(c *Client) error { _, err := c.ListBusinessAccounts(ctx, "1"); return err }},
		{"/{Version}/{Business-ID}/client_whatsapp_business_accounts", "get", func(c *Client) error { _, err := c.ListBusinessAccounts(ctx, "1"); return err }},
		{"/{Version}/{WABA-ID}/phone_numbers", "get", func(c *Client) error { _, err := c.ListPhoneNumbers(ctx, "1"); return err }},
		{"/{Version}/{Phone-Number-ID}", "get", func(c *Client) error { _, err := c.GetPhoneNumber(ctx, "1"); return err }},
		{"/{Version}/{WABA-ID}/subscribed_apps", "get", func(c *Client) error { _, err := c.ListSubscribedApps(ctx, "1"); return err }},
		{"/{Version}/{WABA-ID}/subscribed_apps", "post", func(c *Client) error { return c.SubscribeApp(ctx, "1", "", "") }},
		{"/{Version}/{WABA-ID}/subscribed_apps", "delete", func(c *Client) error { return c.UnsubscribeApp(ctx, "1") }},
		{"/{Version}/{Phone-Number-ID}/whatsapp_business_profile", "get", func(c *Client) error { _, err := c.GetBusinessProfile(ctx, "1"); return err }},
		{"/{Version}/{Phone-Number-ID}/whatsapp_business_profile", "post", func(c *Client) error {
			return c.UpdateBusinessProfile(ctx, "1", providers.BusinessProfile{About: "x"})
		}},
	}
	checked := 0
	for _, op := range ops {
		responses := obj(dig(t, doc, "paths", op.path, op.method, "responses"))
		for status, r := range responses {
			if strings.HasPrefix(status, "2") {
				continue
			}
			var code int
			fmt.Sscan(status, &code)
			for _, ex := range examplesOf(t, obj(obj(r)["content"])["application/json"]) {
				name := fmt.Sprintf("%s %s %s %s", op.method, op.path, status, ex.name)
				t.Run(name, func(t *testing.T) {
					// Serve the error on every endpoint, so the call fails wherever it starts.
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(code)
						w.Write(ex.json)
					}))
					defer srv.Close()
					c, err := New(Config{BaseURL: srv.URL, Token: goodToken})
					if err != nil {
						t.Fatal(err)
					}
					err = op.call(c)
					pe, ok := providers.AsError(err)
					if !ok {
						t.Fatalf("error %v is not a provider error", err)
					}
					want := obj(obj(ex.value)["error"])
					if fmt.Sprint(pe.Code) != str(want["code"]) || pe.Message != str(want["message"]) || pe.TraceID != str(want["fbtrace_id"]) ||
						pe.HTTPStatus != code || pe.Transient != (want["is_transient"] == true) || pe.UserMessage != str(want["error_user_msg"]) {
						t.Errorf("error = %+v, want %v", pe, want)
					}
					if pe.Kind != providers.ClassifyMeta(pe.Code, pe.Subcode, code) || pe.Plain() == "" {
						t.Errorf("kind %q, plain %q", pe.Kind, pe.Plain())
					}
					if (want["is_transient"] == true) && !pe.Retryable() {
						t.Error("a transient error must be retryable")
					}
				})
				checked++
			}
		}
	}
	if checked < 60 {
		t.Errorf("only %d error examples checked", checked)
	}
}
