package commerce

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
	"github.com/wadesk/wadesk/templates"
)

func TestOrderDerivationIsIdempotent(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud", BusinessID: "1", WABAID: "2",
		PhoneNumberID: "4001", DisplayPhoneNumber: "+1 555 4001", Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	order := func(waID, wamid, payload string) int64 {
		a, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: ch.ID, Messages: []store.InboundMessage{{
			WAMID: wamid, Phone: "+" + waID, WaID: waID, Type: "order", Payload: payload, Timestamp: at,
		}}}})
		if err != nil || len(a.NewMessages) != 1 {
			t.Fatalf("%+v %v", a, err)
		}
		return a.NewMessages[0].ConversationID
	}
	cart := `{"type":"order","order":{"catalog_id":"cat","product_items":[{"product_retailer_id":"loaf","quantity":2,"item_price":8.5,"currency":"USD"}]}}`
	conv := order("15550001", "wamid.1", cart)
	other := order("15550002", "wamid.2", `{"type":"order","order":`) // unreadable
	for range 3 {
		if err := SyncConversationOrders(ctx, db, conv); err != nil {
			t.Fatal(err)
		}
	}
	os, err := db.ConversationOrders(ctx, conv)
	if err != nil || len(os) != 1 || os[0].Total1000 != 17000 || os[0].Currency != "USD" || os[0].Problem != "" {
		t.Fatalf("orders = %+v, %v", os, err)
	}
	// The orders page finds the other conversation's order, and not the
	// first one again.
	n, err := SyncOrders(ctx, db)
	if err != nil || n != 1 {
		t.Fatalf("SyncOrders made %d orders, %v; want 1", n, err)
	}
	if n, err := SyncOrders(ctx, db); err != nil || n != 0 {
		t.Fatalf("SyncOrders again made %d orders, %v", n, err)
	}
	bad, err := db.ConversationOrders(ctx, other)
	if err != nil || len(bad) != 1 || bad[0].Problem == "" || len(bad[0].Items) != 0 {
		t.Fatalf("unreadable order = %+v, %v", bad, err)
	}
	// More order messages than one batch holds.
	for i := range syncBatch + 3 {
		order(fmt.Sprintf("1666%06d", i), fmt.Sprintf("wamid.b%d", i), cart)
	}
	if n, err := SyncOrders(ctx, db); err != nil || n != syncBatch+3 {
		t.Fatalf("SyncOrders made %d orders, %v; want %d", n, err, syncBatch+3)
	}
	counts, _ := db.CountOrdersByStatus(ctx)
	if counts[store.OrderNew] != syncBatch+5 {
		t.Fatalf("%d orders in all, want %d", counts[store.OrderNew], syncBatch+5)
	}
}

func TestOrderTotalVariable(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud", BusinessID: "1", WABAID: "2",
		PhoneNumberID: "4001", DisplayPhoneNumber: "+1 555 4001", Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	write := func(wamid, typ, payload string) int64 {
		at = at.Add(time.Minute)
		a, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: ch.ID, Messages: []store.InboundMessage{{
			WAMID: wamid, Phone: "+15550001", WaID: "15550001", Type: typ, Payload: payload, Timestamp: at,
		}}}})
		if err != nil || len(a.NewMessages) != 1 {
			t.Fatalf("%+v %v", a, err)
		}
		return a.NewMessages[0].ConversationID
	}
	conv := write("wamid.hello", "text", `{"type":"text","text":{"body":"hi"}}`)
	v := OrderTotalVariable(db)
	if got, ok, err := v.Value(ctx, templates.SendContext{ConversationID: conv}); err != nil || ok {
		t.Fatalf("before any order: %q, %v, %v; want no value", got, ok, err)
	}
	write("wamid.o1", "order", `{"type":"order","order":{"catalog_id":"cat","product_items":[{"product_retailer_id":"loaf","quantity":2,"item_price":8.5,"currency":"USD"}]}}`)
	write("wamid.o2", "order", `{"type":"order","order":{"catalog_id":"cat","product_items":[{"product_retailer_id":"bun","quantity":3,"item_price":1.25,"currency":"USD"}]}}`)
	// The latest order counts, and it was made into an order on the way.
	if got, ok, err := v.Value(ctx, templates.SendContext{ConversationID: conv}); err != nil || !ok || got != "USD 3.75" {
		t.Fatalf("order_total = %q, %v, %v; want USD 3.75", got, ok, err)
	}
	orders, err := db.ConversationOrders(ctx, conv)
	if err != nil || len(orders) != 2 {
		t.Fatalf("orders = %+v, %v", orders, err)
	}
	if err := db.SetOrderStatus(ctx, orders[1].ID, []string{store.OrderNew}, store.OrderCancelled, 0); err != nil {
		t.Fatal(err)
	}
	// A cancelled order is skipped: the one before it is the customer's.
	if got, ok, err := v.Value(ctx, templates.SendContext{ConversationID: conv}); err != nil || !ok || got != "USD 17.00" {
		t.Fatalf("order_total after cancelling = %q, %v, %v; want USD 17.00", got, ok, err)
	}
}
