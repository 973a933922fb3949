package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// A signed webhook accepted by wadesk reaches the business's middleware,
// unchanged and signed with the channel's forward secret.
func TestAcceptedWebhooksAreForwarded(t *testing.T) {
	type delivery struct {
		body              []byte
		sig, channel, evt string
	}
	got := make(chan delivery, 10)
	mw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{b, r.Header.Get("X-Wadesk-Signature-256"), r.Header.Get("X-Wadesk-Channel-Id"), r.Header.Get("X-Wadesk-Event-Id")}
	}))
	defer mw.Close()

	data := t.TempDir()
	a := startApp(t, data, "--allow-private-targets") // the middleware listens on 127.0.0.1
	db := openDB(t, data)
	key, _ := secrets.LoadOrCreateKey(data)
	box, _ := secrets.NewBox(key)
	db.UseBox(box)
	ctx := context.Background()
	const appSecret = "0123456789abcdef0123456789abcdef"
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{
		Title: "Sales", Provider: "meta_cloud", BusinessID: "1", WABAID: "102290129340398", PhoneNumberID: "106540352242922",
		Secrets: store.ChannelSecrets{AccessToken: "EAAtoken", AppSecret: appSecret, VerifyToken: "v"},
	})
	if err != nil {
		t.Fatal(err)
	}
	db.ActivateChannel(ctx, ch.ID)
	if err := db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: "Sales", ForwardURL: mw.URL + "/wa"}); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	if s := signedPost(t, a.URL+"/webhooks/"+itoa(ch.ID), appSecret, "application/json", body); s != 200 {
		t.Fatalf("webhook status %d", s)
	}
	var d delivery
	select {
	case d = <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("nothing was forwarded")
	}
	sec, err := db.ChannelSecrets(ctx, ch.ID)
	if err != nil || sec.ForwardSecret == "" {
		t.Fatalf("forward secret %q, %v", sec.ForwardSecret, err)
	}
	mac := hmac.New(sha256.New, []byte(sec.ForwardSecret))
	mac.Write(body)
	if string(d.body) != string(body) || d.sig != "sha256="+hex.EncodeToString(mac.Sum(nil)) || d.channel != itoa(ch.ID) || d.evt == "" {
		t.Fatalf("forwarded %+v", d)
	}
}
