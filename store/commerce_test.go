package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

func TestStoreSettings(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5001")
	s, err := db.StoreSettingsOf(ctx, ch)
	if err != nil || s != (store.StoreSettings{ChannelID: ch}) {
		t.Fatalf("unsaved settings = %+v, %v", s, err)
	}
	want := store.StoreSettings{ChannelID: ch, CatalogID: "194800000000001", Currency: "USD", PaymentTemplateName: "pay_link", PaymentTemplateLanguage: "en_US"}
	if err := db.SaveStoreSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.Currency = "EUR"
	if err := db.SaveStoreSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := db.StoreSettingsOf(ctx, ch)
	if err != nil || got.UpdatedAt.IsZero() {
		t.Fatalf("settings = %+v, %v", got, err)
	}
	got.UpdatedAt = time.Time{}
	if got != want {
		t.Fatalf("settings = %+v, want %+v", got, want)
	}
	all, err := db.ListStoreSettings(ctx)
	if err != nil || len(all) != 1 || all[ch].Currency != "EUR" {
		t.Fatalf("list = %+v, %v", all, err)
	}
	if err := db.SaveStoreSettings(ctx, store.StoreSettings{ChannelID: 999}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown channel: %v", err)
	}
}

func TestProductsCRUD(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5001")
	other := liveChannel(t, db, "5002")
	loaf := store.ProductRecord{RetailerID: "sourdough", Name: "Sourdough loaf", Price1000: 8500, Currency: "USD", InStock: true}
	p, err := db.CreateProduct(ctx, ch, loaf)
	if err != nil || p.ID == 0 || p.ProductRecord != loaf || p.ChannelID != ch {
		t.Fatalf("create = %+v, %v", p, err)
	}
	if _, err := db.CreateProduct(ctx, ch, loaf); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same retailer ID again: %v", err)
	}
	// Retailer IDs are unique per channel, not across channels.
	if _, err := db.CreateProduct(ctx, other, loaf); err != nil {
		t.Fatalf("same retailer ID on another channel: %v", err)
	}
	bun, err := db.CreateProduct(ctx, ch, store.ProductRecord{RetailerID: "bun", Name: "bun", Price1000: 1000, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	list, total, err := db.ListProducts(ctx, ch, 0)
	if err != nil || total != 2 || len(list) != 2 || list[0].RetailerID != "bun" {
		t.Fatalf("list (by name, case-insensitive) = %+v, %d, %v", list, total, err)
	}
	if list, total, _ := db.ListProducts(ctx, ch, 1); len(list) != 1 || total != 2 {
		t.Fatalf("limited list: %d of %d", len(list), total)
	}
	loaf.Price1000, loaf.InStock, loaf.ImageURL = 9000, false, "https://cdn.example.com/loaf.jpg"
	if err := db.UpdateProduct(ctx, ch, p.ID, loaf); err != nil {
		t.Fatal(err)
	}
	if got, err := db.ProductByID(ctx, ch, p.ID); err != nil || got.ProductRecord != loaf {
		t.Fatalf("after update = %+v, %v", got, err)
	}
	clash := loaf
	clash.RetailerID = "bun"
	if err := db.UpdateProduct(ctx, ch, p.ID, clash); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("update to a taken retailer ID: %v", err)
	}
	if err := db.UpdateProduct(ctx, other, bun.ID, loaf); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update through another channel: %v", err)
	}
	if _, err := db.ProductByID(ctx, other, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("read through another channel: %v", err)
	}
	if in, err := db.InStockProducts(ctx, ch, 10); err != nil || len(in) != 0 {
		t.Fatalf("in stock = %+v, %v; want none (the loaf is out of stock, the bun never was in)", in, err)
	}
	byID, err := db.ProductsByRetailerID(ctx, ch, []string{"bun", "sourdough", "nope"})
	if err != nil || len(byID) != 2 || byID["bun"].ID != bun.ID {
		t.Fatalf("by retailer ID = %+v, %v", byID, err)
	}
	if err := db.DeleteProduct(ctx, other, bun.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete through another channel: %v", err)
	}
	if err := db.DeleteProduct(ctx, ch, bun.ID); err != nil {
		t.Fatal(err)
	}
	counts, err := db.CountProducts(ctx)
	if err != nil || counts[ch] != 1 || counts[other] != 1 {
		t.Fatalf("counts = %v, %v", counts, err)
	}
}

func TestImportProducts(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5001")
	if _, err := db.CreateProduct(ctx, ch, store.ProductRecord{RetailerID: "a", Name: "Old A", Price1000: 1, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	res, err := db.ImportProducts(ctx, ch, []store.ProductRecord{
		{RetailerID: "a", Name: "New A", Price1000: 2000, Currency: "USD", InStock: true},
		{RetailerID: "b", Name: "B", Price1000: 3000, Currency: "USD"},
	})
	if err != nil || res != (store.ProductImport{Added: 1, Updated: 1}) {
		t.Fatalf("import = %+v, %v", res, err)
	}
	list, _, _ := db.ListProducts(ctx, ch, 0)
	if len(list) != 2 || list[0].Name != "B" || list[1].Name != "New A" || list[1].Price1000 != 2000 || !list[1].InStock {
		t.Fatalf("after import: %+v", list)
	}
	// A record the database refuses rolls the whole import back.
	_, err = db.ImportProducts(ctx, ch, []store.ProductRecord{
		{RetailerID: "c", Name: "C", Price1000: 1, Currency: "USD"},
		{RetailerID: "d", Name: "D", Price1000: -1, Currency: "USD"},
	})
	if err == nil {
		t.Fatal("a negative price was imported")
	}
	if _, total, _ := db.ListProducts(ctx, ch, 0); total != 2 {
		t.Fatalf("a failed import left %d products, want 2", total)
	}
	if _, err := db.ImportProducts(ctx, 999, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown channel: %v", err)
	}
}

func TestPaymentPartnersDefault(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5001")
	other := liveChannel(t, db, "5002")
	if _, err := db.DefaultPaymentPartner(ctx, ch); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no partner yet: %v", err)
	}
	// The first partner is the default even when not asked.
	stripe, err := db.CreatePaymentPartner(ctx, ch, store.NewPaymentPartner{Kind: "stripe", Name: "Stripe", URL: "https://buy.stripe.com/a"})
	if err != nil || !stripe.IsDefault {
		t.Fatalf("first partner = %+v, %v", stripe, err)
	}
	paypal, err := db.CreatePaymentPartner(ctx, ch, store.NewPaymentPartner{Kind: "paypal", Name: "PayPal", URL: "https://paypal.me/x"})
	if err != nil || paypal.IsDefault {
		t.Fatalf("second partner = %+v, %v", paypal, err)
	}
	custom, err := db.CreatePaymentPartner(ctx, ch, store.NewPaymentPartner{Kind: "custom", Name: "Shop", URL: "https://x.example/{order_id}", Default: true})
	if err != nil || !custom.IsDefault {
		t.Fatalf("new default = %+v, %v", custom, err)
	}
	if _, err := db.CreatePaymentPartner(ctx, other, store.NewPaymentPartner{Kind: "stripe", Name: "Other", URL: "https://buy.stripe.com/b"}); err != nil {
		t.Fatal(err)
	}
	defaults := func() []int64 {
		t.Helper()
		ps, err := db.ListPaymentPartners(ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, p := range ps {
			if p.IsDefault {
				out = append(out, p.ID)
			}
		}
		return out
	}
	if d := defaults(); len(d) != 1 || d[0] != custom.ID {
		t.Fatalf("defaults = %v, want only %d", d, custom.ID)
	}
	if err := db.SetDefaultPaymentPartner(ctx, ch, paypal.ID); err != nil {
		t.Fatal(err)
	}
	if d := defaults(); len(d) != 1 || d[0] != paypal.ID {
		t.Fatalf("defaults = %v, want only %d", d, paypal.ID)
	}
	// The database itself refuses a second default.
	if _, err := db.W.ExecContext(ctx, "UPDATE payment_partners SET is_default = 1 WHERE id = ?", stripe.ID); err == nil {
		t.Fatal("two defaults were stored")
	}
	if err := db.SetDefaultPaymentPartner(ctx, other, paypal.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("default through another channel: %v", err)
	}
	// Deleting the default makes the oldest remaining partner the default.
	if err := db.DeletePaymentPartner(ctx, ch, paypal.ID); err != nil {
		t.Fatal(err)
	}
	if d := defaults(); len(d) != 1 || d[0] != stripe.ID {
		t.Fatalf("after deleting the default: %v, want %d", d, stripe.ID)
	}
	if err := db.DeletePaymentPartner(ctx, ch, paypal.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	got, err := db.DefaultPaymentPartner(ctx, ch)
	if err != nil || got.ID != stripe.ID {
		t.Fatalf("default = %+v, %v", got, err)
	}
	all, err := db.DefaultPaymentPartners(ctx)
	if err != nil || len(all) != 2 || all[ch].ID != stripe.ID {
		t.Fatalf("defaults of all channels = %+v, %v", all, err)
	}
}

// orderMessage stores a customer's order message and returns its
// conversation and message.
func orderMessage(t *testing.T, db *store.DB, channelID int64, waID, wamid string, at time.Time, payload string) (int64, int64) {
	t.Helper()
	a, err := db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: channelID, Messages: []store.InboundMessage{{
		WAMID: wamid, Phone: "+" + waID, WaID: waID, ProfileName: "Customer " + waID, Type: "order", Text: "Order: 1 item(s)",
		Payload: payload, Timestamp: at,
	}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("order message: %+v %v", a, err)
	}
	return a.NewMessages[0].ConversationID, a.NewMessages[0].MessageID
}

func TestOrdersAreSavedOnce(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5001")
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	conv, msg := orderMessage(t, db, ch, "15550001", "wamid.o1", at, `{"order":{}}`)
	inboundAt(t, db, ch, "15550001", "wamid.t1", "hello", at.Add(time.Minute))

	pending, err := db.UnreadOrderMessages(ctx, conv)
	if err != nil || len(pending) != 1 || pending[0].MessageID != msg || pending[0].ChannelID != ch || !pending[0].At.Equal(at) {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
	o := store.NewOrder{MessageID: msg, ConversationID: conv, ChannelID: ch, CatalogID: "cat", Note: "Pickup", Currency: "USD",
		Total1000: 20250, OrderedAt: at, Items: []store.OrderItem{
			{RetailerID: "sourdough", Quantity: 2, UnitPrice1000: 8500, Currency: "USD"},
			{RetailerID: "croissant", Quantity: 1, UnitPrice1000: 3250, Currency: "USD"},
		}}
	// Two derivations at once, or one after the other, make one order.
	for range 2 {
		if _, err := db.SaveOrders(ctx, []store.NewOrder{o, o}, 0); err != nil {
			t.Fatal(err)
		}
	}
	orders, err := db.ConversationOrders(ctx, conv)
	if err != nil || len(orders) != 1 {
		t.Fatalf("orders = %+v, %v", orders, err)
	}
	got := orders[0]
	if got.Status != store.OrderNew || got.Total1000 != 20250 || len(got.Items) != 2 || got.Items[1].RetailerID != "croissant" ||
		got.ContactPhone != "+15550001" || got.ChannelTitle == "" || got.Note != "Pickup" || !got.OrderedAt.Equal(at) {
		t.Fatalf("order = %+v", got)
	}
	if pending, _ := db.UnreadOrderMessages(ctx, conv); len(pending) != 0 {
		t.Fatalf("still pending after saving: %+v", pending)
	}
	// The orders page's scan sees the message once, then not again.
	scan, err := db.ScanOrderMessages(ctx, 10)
	if err != nil || len(scan) != 1 {
		t.Fatalf("scan = %+v, %v", scan, err)
	}
	if n, err := db.SaveOrders(ctx, []store.NewOrder{o}, scan[0].MessageID); err != nil || n != 0 {
		t.Fatalf("saving a known order again: %d new, %v", n, err)
	}
	if scan, _ := db.ScanOrderMessages(ctx, 10); len(scan) != 0 {
		t.Fatalf("scanned again: %+v", scan)
	}
}

func TestOrderStatusAndList(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5001")
	user, err := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: store.RoleAgent, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	var orders []store.NewOrder
	for i := range 5 {
		conv, msg := orderMessage(t, db, ch, fmt.Sprintf("1555000%d", i), fmt.Sprintf("wamid.o%d", i), base.Add(time.Duration(i)*time.Hour), `{}`)
		orders = append(orders, store.NewOrder{MessageID: msg, ConversationID: conv, ChannelID: ch, Currency: "USD", Total1000: int64(i+1) * 1000,
			OrderedAt: base.Add(time.Duration(i) * time.Hour), Items: []store.OrderItem{{RetailerID: "x", Quantity: i + 1, UnitPrice1000: 1000, Currency: "USD"}}})
	}
	if n, err := db.SaveOrders(ctx, orders, 0); err != nil || n != 5 {
		t.Fatalf("saved %d, %v", n, err)
	}
	page, next, err := db.ListOrders(ctx, store.OrderFilter{Limit: 2})
	if err != nil || len(page) != 2 || next == nil || page[0].Total1000 != 5000 || len(page[0].Items) != 1 {
		t.Fatalf("first page = %+v, %v, %v", page, next, err)
	}
	cur, err := store.ParseOrderCursor(next.String())
	if err != nil || cur != *next {
		t.Fatalf("cursor round trip: %+v, %v", cur, err)
	}
	seen := map[int64]bool{}
	for _, o := range page {
		seen[o.ID] = true
	}
	for next != nil {
		page, next, err = db.ListOrders(ctx, store.OrderFilter{Limit: 2, After: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page {
			if seen[o.ID] {
				t.Fatalf("order %d listed twice", o.ID)
			}
			seen[o.ID] = true
		}
	}
	if len(seen) != 5 {
		t.Fatalf("listed %d orders, want 5", len(seen))
	}

	first, err := db.ConversationOrders(ctx, orders[0].ConversationID)
	if err != nil || len(first) != 1 {
		t.Fatal(first, err)
	}
	id := first[0].ID
	if err := db.RecordPaymentLink(ctx, id, "https://pay.example/1", orders[0].MessageID, user.ID); err != nil {
		t.Fatal(err)
	}
	o, err := db.ConversationOrder(ctx, orders[0].ConversationID, id)
	if err != nil || o.Status != store.OrderLinkSent || o.PaymentLink != "https://pay.example/1" || o.StatusAt == nil {
		t.Fatalf("after the link = %+v, %v", o, err)
	}
	// A link may be sent again; then the order is paid, and stays paid.
	if err := db.RecordPaymentLink(ctx, id, "https://pay.example/2", orders[0].MessageID, user.ID); err != nil {
		t.Fatal(err)
	}
	active := []string{store.OrderNew, store.OrderLinkSent}
	if err := db.SetOrderStatus(ctx, id, active, store.OrderPaid, user.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.SetOrderStatus(ctx, id, active, store.OrderCancelled, user.ID); !errors.Is(err, store.ErrOrderState) {
		t.Fatalf("cancel a paid order: %v", err)
	}
	if err := db.RecordPaymentLink(ctx, id, "https://pay.example/3", 0, user.ID); !errors.Is(err, store.ErrOrderState) {
		t.Fatalf("link for a paid order: %v", err)
	}
	if err := db.SetOrderStatus(ctx, 9999, active, store.OrderPaid, user.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown order: %v", err)
	}
	if _, err := db.ConversationOrder(ctx, orders[1].ConversationID, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("order through another conversation: %v", err)
	}
	paid, _, err := db.ListOrders(ctx, store.OrderFilter{Status: store.OrderPaid})
	if err != nil || len(paid) != 1 || paid[0].ID != id {
		t.Fatalf("paid orders = %+v, %v", paid, err)
	}
	if _, _, err := db.ListOrders(ctx, store.OrderFilter{Status: "shipped"}); err == nil {
		t.Fatal("unknown status filter accepted")
	}
	counts, err := db.CountOrdersByStatus(ctx)
	if err != nil || counts[store.OrderNew] != 4 || counts[store.OrderPaid] != 1 {
		t.Fatalf("counts = %v, %v", counts, err)
	}
}
