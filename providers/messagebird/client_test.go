package messagebird

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/wadesk/wadesk/providers"
)

// fakeAPI records the calls it gets and answers each path with a handler.
type fakeAPI struct {
	mu    sync.Mutex
	calls []string
	ts    *httptest.Server
}

func newFakeAPI(t *testing.T, h func(w http.ResponseWriter, r *http.Request, body []byte)) (*fakeAPI, *Client) {
	t.Helper()
	f := &fakeAPI{}
	f.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.calls = append(f.calls, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		if r.Header.Get("Authorization") != "AccessKey live_key_123" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"errors":[{"code":2,"description":"Request not allowed (incorrect access_key)","parameter":"access_key"}]}`)
			return
		}
		h(w, r, b)
	}))
	t.Cleanup(f.ts.Close)
	c, err := New(Config{BaseURL: f.ts.URL + "/v1", AccessKey: "live_key_123", ChannelID: "chid", Number: "+31 20 1234567", Namespace: "ns"})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func TestSendTextAndTemplate(t *testing.T) {
	var got []map[string]any
	_, c := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/send" {
			http.NotFound(w, r)
			return
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		got = append(got, m)
		io.WriteString(w, `{"id":"2e15efafec384e1c82e9842075e87beb","status":"accepted"}`)
	})
	ctx := context.Background()
	res, err := c.SendMessage(ctx, "chid", providers.OutboundMessage{To: "31612345678", Text: &providers.Text{Body: "Hello"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.MessageID != "2e15efafec384e1c82e9842075e87beb" || res.WaID != "31612345678" {
		t.Fatalf("result = %+v", res)
	}
	wantText := map[string]any{"to": "+31612345678", "from": "chid", "type": "text", "content": map[string]any{"text": "Hello"}}
	if !reflect.DeepEqual(got[0], wantText) {
		t.Fatalf("text body = %v, want %v", got[0], wantText)
	}
	_, err = c.SendMessage(ctx, "chid", providers.OutboundMessage{To: "+31612345678", Template: &providers.TemplateMessage{
		Name: "template", Language: "en_US", Components: []providers.TemplateParams{{Type: "body", Parameters: []providers.TemplateParameter{
			{Type: "text", Text: "Hello!"},
			{Type: "currency", Currency: &providers.Currency{FallbackValue: "EUR12.34", Code: "EUR", Amount1000: 12340}},
		}}}}})
	if err != nil {
		t.Fatal(err)
	}
	hsm := got[1]["content"].(map[string]any)["hsm"].(map[string]any)
	if got[1]["type"] != "hsm" || hsm["namespace"] != "ns" || hsm["templateName"] != "template" ||
		!reflect.DeepEqual(hsm["language"], map[string]any{"policy": "deterministic", "code": "en_US"}) {
		t.Fatalf("hsm body = %v", got[1])
	}
	params := hsm["params"].([]any)
	if len(params) != 2 || !reflect.DeepEqual(params[1], map[string]any{"default": "EUR12.34", "currency": map[string]any{"currencyCode": "EUR", "amount": float64(12340)}}) {
		t.Fatalf("hsm params = %v", params)
	}
}

func TestSendRefusesWhatItCannotCarry(t *testing.T) {
	f, c := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, b []byte) { t.Errorf("unexpected call %s", r.URL.Path) })
	for name, msg := range map[string]providers.OutboundMessage{
		"uploaded media": {To: "1555", Media: &providers.Media{Kind: providers.KindImage, ID: "media-1"}},
		"buttons": {To: "1555", Interactive: &providers.Interactive{Type: providers.InteractiveButton, Body: "Pick",
			Buttons: []providers.ReplyButton{{ID: "a", Title: "A"}}}},
		"reaction": {To: "1555", Reaction: &providers.Reaction{MessageID: "m", Emoji: "👍"}},
	} {
		_, err := c.SendMessage(context.Background(), "chid", msg)
		pe, ok := providers.AsError(err)
		if !ok || pe.Kind != providers.ErrorKindUnsupported {
			t.Errorf("%s: err = %v, want unsupported", name, err)
		}
	}
	if len(f.calls) != 0 {
		t.Fatalf("calls = %v", f.calls)
	}
}

func TestErrorsMapped(t *testing.T) {
	_, c := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"errors":[{"code":470,"description":"more than 24 hours have passed since the customer last replied"}]}`)
	})
	_, err := c.SendMessage(context.Background(), "chid", providers.OutboundMessage{To: "1555", Text: &providers.Text{Body: "hi"}})
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindWindowClosed || pe.Code != 470 {
		t.Fatalf("window refusal = %v", err)
	}
	bad, err := New(Config{BaseURL: c.base.String(), AccessKey: "wrong_key", ChannelID: "chid"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.ListBusinessAccounts(context.Background(), "")
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != providers.ErrorKindAuth || pe.Code != 2 {
		t.Fatalf("bad key = %v", err)
	}
	if field, msg, ok := explain(pe, "fetch"); !ok || field != providers.FieldToken || !strings.Contains(msg, "access key") {
		t.Fatalf("explain = %q %q %v", field, msg, ok)
	}
}

func TestTestConnectionAndSubscribe(t *testing.T) {
	var hooks []Webhook
	f, c := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, b []byte) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v1/webhooks":
			json.NewEncoder(w).Encode(webhookList{Count: len(hooks), TotalCount: len(hooks), Limit: 20, Items: hooks})
		case r.Method == http.MethodPost && r.URL.Path == "/v1/webhooks":
			var h Webhook
			json.Unmarshal(b, &h)
			h.ID, h.Status = "whid", "enabled"
			hooks = append(hooks, h)
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(h)
		case r.Method == http.MethodDelete && r.URL.Path == "/v1/webhooks/whid":
			hooks = nil
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	})
	ctx := context.Background()
	accts, err := c.ListBusinessAccounts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 1 || len(accts[0].PhoneNumbers) != 1 || accts[0].PhoneNumbers[0].ID != "chid" || accts[0].PhoneNumbers[0].DisplayPhoneNumber != "31201234567" {
		t.Fatalf("accounts = %+v", accts)
	}
	url := "https://desk.example/webhooks/5"
	for range 2 { // the second Finish finds the subscription and adds none
		if err := c.SubscribeApp(ctx, "chid", url, ""); err != nil {
			t.Fatal(err)
		}
	}
	if len(hooks) != 1 || hooks[0].ChannelID != "chid" || hooks[0].URL != url ||
		!reflect.DeepEqual(hooks[0].Events, []string{"message.created", "message.updated"}) {
		t.Fatalf("hooks = %+v", hooks)
	}
	if err := c.UnsubscribeApp(ctx, "chid"); err != nil || len(hooks) != 0 {
		t.Fatalf("unsubscribe: %v, hooks %+v", err, hooks)
	}
	if n := strings.Count(strings.Join(f.calls, ","), "POST /v1/webhooks"); n != 1 {
		t.Fatalf("calls = %v", f.calls)
	}
}

func TestDownloadMediaKeepsKeyOnAPIHost(t *testing.T) {
	var sawKey bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawKey = r.Header.Get("Authorization") != ""
		w.Header().Set("Content-Type", "image/jpeg")
		io.WriteString(w, "JPEG")
	}))
	defer other.Close()
	_, c := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, b []byte) {})
	var sb strings.Builder
	d, err := c.DownloadMedia(context.Background(), other.URL+"/p.jpg", &sb)
	if err != nil {
		t.Fatal(err)
	}
	if sawKey || sb.String() != "JPEG" || d.MIMEType != "image/jpeg" || d.Size != 4 {
		t.Fatalf("download = %+v %q, key sent elsewhere: %v", d, sb.String(), sawKey)
	}
	c.maxDownload = 2
	if _, err := c.DownloadMedia(context.Background(), other.URL+"/p.jpg", io.Discard); err == nil {
		t.Fatal("file over the limit accepted")
	}
}

// TestContractFixtures checks the client's wire types against MessageBird's
// published samples in ../shared/contracts, when present.
func TestContractFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "contracts", "messagebird", "conversation")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared/contracts/messagebird is not present; the contract samples are not checked")
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var sr sendResponse
	if err := json.Unmarshal(read("messageSendResponse.json"), &sr); err != nil || sr.ID == "" || sr.Status != "accepted" {
		t.Fatalf("send response: %+v %v", sr, err)
	}
	var wl webhookList
	if err := json.Unmarshal(read("allWebhookListObject.json"), &wl); err != nil || len(wl.Items) != 2 || wl.Items[0].ChannelID != "chid" {
		t.Fatalf("webhook list: %+v %v", wl, err)
	}
	var start struct {
		Content sendContent `json:"content"`
	}
	if err := json.Unmarshal(read("conversationStartHsmRequest.json"), &start); err != nil || start.Content.HSM == nil {
		t.Fatalf("hsm request: %v", err)
	}
	h := start.Content.HSM
	if h.Namespace != "ns" || h.TemplateName != "template" || h.Language.Code != "en_US" || len(h.Params) != 3 ||
		h.Params[1].Currency == nil || h.Params[1].Currency.Amount != 12340 || h.Params[2].DateTime == "" {
		t.Fatalf("hsm = %+v", h)
	}
	var msg wireMessage
	if err := json.Unmarshal(read("messageObject.json"), &msg); err != nil || msg.ChannelID != "chid" || msg.Content.Text != "Hello world" {
		t.Fatalf("message object: %+v %v", msg, err)
	}
	if _, ok := MapStatus(msg.Status); !ok {
		t.Fatalf("the contract's %q status is not mapped", msg.Status)
	}
}
