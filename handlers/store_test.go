package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
)

// upload posts a file in a multipart form, as the import form does.
func upload(t *testing.T, c *http.Client, target, name string, data []byte) page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, target, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: b.String()}
}

// postHX posts a form as htmx does.
func (s *emailSite) postHX(c *http.Client, path string, form url.Values) page {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	return s.do(c, req)
}

func (s *inboxSite) channelID() int64 {
	s.t.Helper()
	c, err := s.db.ConversationFor(context.Background(), store.InboxViewer{Admin: true}, s.open)
	if err != nil {
		s.t.Fatal(err)
	}
	return c.ChannelID
}

func TestStoreIsForAdmins(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	ch := s.channelID()
	base := fmt.Sprintf("/channels/%d/store", ch)
	for _, path := range []string{"/store", "/store/orders", base, base + "/products", base + "/partners", base + "/products/1/edit"} {
		if p := s.get(agent, path); p.status != http.StatusForbidden {
			t.Errorf("agent GET %s: status %d, want 403", path, p.status)
		}
	}
	for _, path := range []string{base, base + "/products", base + "/products/import", base + "/products/1", base + "/products/1/delete",
		base + "/partners", base + "/partners/1/default", base + "/partners/1/delete"} {
		if p := s.post(agent, path, url.Values{"catalog_id": {"1"}}); p.status != http.StatusForbidden {
			t.Errorf("agent POST %s: status %d, want 403", path, p.status)
		}
	}
	if st, _ := s.db.StoreSettingsOf(context.Background(), ch); st.CatalogID != "" {
		t.Error("an agent's post changed the store settings")
	}
	admin := s.signIn(s.adminMail)
	if p := s.get(admin, "/store"); p.status != http.StatusOK || !strings.Contains(p.body, `data-testid="store-channels"`) {
		t.Fatalf("admin's store page: status %d\n%s", p.status, p.body)
	}
}

func TestStoreProducts(t *testing.T) {
	s := startInboxSite(t)
	admin := s.signIn(s.adminMail)
	ctx := context.Background()
	ch := s.channelID()
	base := fmt.Sprintf("/channels/%d/store/products", ch)

	p := s.post(admin, base, url.Values{"name": {"Sourdough loaf"}, "retailer_id": {"sourdough-loaf"}, "price": {"8.50"}, "currency": {"usd"}, "in_stock": {"1"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("add: status %d\n%s", p.status, p.body)
	}
	p = s.get(admin, base)
	if !strings.Contains(p.body, "USD 8.50") || !strings.Contains(p.body, `data-testid="product-sourdough-loaf"`) {
		t.Fatalf("list:\n%s", p.body)
	}
	tests := []struct {
		name  string
		form  url.Values
		field string
		keep  string
	}{
		{"same retailer ID", url.Values{"name": {"Another"}, "retailer_id": {"sourdough-loaf"}, "price": {"1"}, "currency": {"USD"}}, "retailer_id", "Another"},
		{"comma price", url.Values{"name": {"Rye <bread>"}, "retailer_id": {"rye"}, "price": {"4,50"}, "currency": {"EUR"}}, "price", "Rye &lt;bread&gt;"},
		{"no currency anywhere", url.Values{"name": {"Rye"}, "retailer_id": {"rye"}, "price": {"4.50"}}, "currency", "rye"},
		{"javascript image", url.Values{"name": {"Rye"}, "retailer_id": {"rye"}, "price": {"4.50"}, "currency": {"EUR"}, "image_url": {"javascript:alert(1)"}}, "image_url", "javascript:alert(1)"},
		{"missing name", url.Values{"retailer_id": {"rye"}, "price": {"4.50"}, "currency": {"EUR"}}, "name", "4.50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.post(admin, base, tt.form)
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `data-testid="error-`+tt.field+`"`) || !strings.Contains(p.body, tt.keep) {
				t.Fatalf("status %d, want 422 with an error for %s keeping %q\n%s", p.status, tt.field, tt.keep, p.body)
			}
		})
	}
	if _, total, _ := s.db.ListProducts(ctx, ch, 0); total != 1 {
		t.Fatalf("%d products after refused adds, want 1", total)
	}

	// The store's currency fills an empty one.
	if err := s.db.SaveStoreSettings(ctx, store.StoreSettings{ChannelID: ch, Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	if p := s.post(admin, base, url.Values{"name": {"Rye"}, "retailer_id": {"rye"}, "price": {"4.5"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add with the store currency: %d\n%s", p.status, p.body)
	}
	byID, _ := s.db.ProductsByRetailerID(ctx, ch, []string{"rye", "sourdough-loaf"})
	rye := byID["rye"]
	if rye.Currency != "EUR" || rye.Price1000 != 4500 || rye.InStock {
		t.Fatalf("rye = %+v", rye)
	}
	edit := fmt.Sprintf("%s/%d", base, rye.ID)
	if p := s.get(admin, edit+"/edit"); p.status != http.StatusOK || !strings.Contains(p.body, `value="4.50"`) {
		t.Fatalf("edit page: %d\n%s", p.status, p.body)
	}
	if p := s.post(admin, edit, url.Values{"name": {"Rye"}, "retailer_id": {"sourdough-loaf"}, "price": {"5"}, "currency": {"EUR"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("rename to a taken retailer ID: %d", p.status)
	}
	if p := s.post(admin, edit, url.Values{"name": {"Rye loaf"}, "retailer_id": {"rye"}, "price": {"5"}, "currency": {"EUR"}, "in_stock": {"1"}}); p.status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", p.status, p.body)
	}
	if got, _ := s.db.ProductByID(ctx, ch, rye.ID); got.Name != "Rye loaf" || got.Price1000 != 5000 || !got.InStock {
		t.Fatalf("after update: %+v", got)
	}
	if p := s.post(admin, edit+"/delete", nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.status)
	}
	if p := s.get(admin, edit+"/edit"); p.status != http.StatusNotFound {
		t.Fatalf("deleted product's edit page: %d", p.status)
	}
	if p := s.get(admin, fmt.Sprintf("/channels/%d/store/products/%d/edit", ch+100, byID["sourdough-loaf"].ID)); p.status != http.StatusNotFound {
		t.Fatalf("product through an unknown channel: %d", p.status)
	}
}

func TestStoreProductImport(t *testing.T) {
	s := startInboxSite(t)
	admin := s.signIn(s.adminMail)
	ctx := context.Background()
	ch := s.channelID()
	target := fmt.Sprintf("%s/channels/%d/store/products/import", s.url, ch)

	bad := "retailer_id,name,price,currency,image_url,in_stock\n" +
		"croissant,Butter croissant,3.25,USD,,yes\n" +
		"loaf,,8.50,USD,,yes\n" +
		"cake,Cake,1.2.3,USD,,yes\n"
	p := upload(t, admin, target, "products.csv", []byte(bad))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Line 3:") || !strings.Contains(p.body, "Line 4:") ||
		strings.Contains(p.body, "Line 2:") || !strings.Contains(p.body, "Nothing was imported") {
		t.Fatalf("bad file: status %d\n%s", p.status, p.body)
	}
	if _, total, _ := s.db.ListProducts(ctx, ch, 0); total != 0 {
		t.Fatalf("a refused file imported %d products", total)
	}
	good := "retailer_id,name,price,currency,image_url,in_stock\n" +
		"croissant,Butter croissant,3.25,USD,https://cdn.example.com/c.jpg,yes\n" +
		"sourdough-loaf,Sourdough loaf,8.50,USD,,no\n"
	if p := upload(t, admin, target, "products.csv", []byte(good)); p.status != http.StatusSeeOther {
		t.Fatalf("good file: status %d\n%s", p.status, p.body)
	}
	// Upsert by retailer ID: one update, one new.
	again := "retailer_id,name,price\ncroissant,Croissant,3.50\npao,Pão de queijo,6\n"
	if err := s.db.SaveStoreSettings(ctx, store.StoreSettings{ChannelID: ch, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	if p := upload(t, admin, target, "more.csv", []byte(again)); p.status != http.StatusSeeOther {
		t.Fatalf("second file: status %d\n%s", p.status, p.body)
	}
	list, total, _ := s.db.ListProducts(ctx, ch, 0)
	if total != 3 {
		t.Fatalf("%d products, want 3: %+v", total, list)
	}
	byID, _ := s.db.ProductsByRetailerID(ctx, ch, []string{"croissant"})
	if c := byID["croissant"]; c.Name != "Croissant" || c.Price1000 != 3500 {
		t.Fatalf("croissant not updated: %+v", c)
	}
	huge := append([]byte("retailer_id,name,price\n"), bytes.Repeat([]byte("x"), 3<<20)...)
	if p := upload(t, admin, target, "huge.csv", huge); p.status != http.StatusRequestEntityTooLarge || !strings.Contains(p.body, "larger than 2 MB") {
		t.Fatalf("huge file: status %d\n%.500s", p.status, p.body)
	}
}

func TestStorePartners(t *testing.T) {
	s := startInboxSite(t)
	admin := s.signIn(s.adminMail)
	ctx := context.Background()
	ch := s.channelID()
	base := fmt.Sprintf("/channels/%d/store/partners", ch)
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"no kind", url.Values{"url": {"https://buy.stripe.com/x"}}, "Choose a payment partner."},
		{"stripe elsewhere", url.Values{"kind": {"stripe"}, "url": {"https://evil.example/x"}}, "buy.stripe.com"},
		{"custom unknown placeholder", url.Values{"kind": {"custom"}, "url": {"https://pay.example.com/{total}"}}, "{total} is not a placeholder"},
		{"custom without order", url.Values{"kind": {"custom"}, "url": {"https://pay.example.com/{phone}"}}, "{order_id} or {amount}"},
		{"http", url.Values{"kind": {"custom"}, "url": {"http://pay.example.com/{order_id}"}}, "must start with https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.post(admin, base, tt.form)
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, tt.want) {
				t.Fatalf("status %d, want 422 with %q\n%s", p.status, tt.want, p.body)
			}
			if u := tt.form.Get("url"); !strings.Contains(p.body, `value="`+strings.ReplaceAll(u, "&", "&amp;")+`"`) {
				t.Errorf("the form lost the link %q", u)
			}
		})
	}
	if p := s.post(admin, base, url.Values{"kind": {"stripe"}, "url": {"https://buy.stripe.com/test_abc"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add stripe: %d\n%s", p.status, p.body)
	}
	if p := s.post(admin, base, url.Values{"kind": {"paypal"}, "name": {"PayPal"}, "url": {"FlorDeLis"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add paypal: %d\n%s", p.status, p.body)
	}
	ps, _ := s.db.ListPaymentPartners(ctx, ch)
	if len(ps) != 2 || !ps[0].IsDefault || ps[0].Kind != "stripe" || ps[0].Name != "Stripe payment link" || ps[1].URL != "https://paypal.me/FlorDeLis" {
		t.Fatalf("partners = %+v", ps)
	}
	p := s.get(admin, base)
	if !strings.Contains(p.body, "https://buy.stripe.com/test_abc?client_reference_id=wadesk-1042") || !strings.Contains(p.body, "https://paypal.me/FlorDeLis/12.50USD") {
		t.Fatalf("examples missing:\n%s", p.body)
	}
	if p := s.post(admin, fmt.Sprintf("%s/%d/default", base, ps[1].ID), nil); p.status != http.StatusSeeOther {
		t.Fatalf("make default: %d", p.status)
	}
	if d, _ := s.db.DefaultPaymentPartner(ctx, ch); d.ID != ps[1].ID {
		t.Fatalf("default = %+v", d)
	}
	if p := s.post(admin, fmt.Sprintf("%s/%d/default", base, 999), nil); p.status != http.StatusNotFound {
		t.Fatalf("unknown partner: %d", p.status)
	}
	if p := s.post(admin, fmt.Sprintf("%s/%d/delete", base, ps[1].ID), nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.status)
	}
	if d, _ := s.db.DefaultPaymentPartner(ctx, ch); d.ID != ps[0].ID {
		t.Fatalf("after deleting the default, default = %+v", d)
	}
}

// orderIn stores a customer's order message in a conversation's contact
// and channel.
func (s *inboxSite) orderIn(waID, wamid string, at time.Time, items string) {
	s.t.Helper()
	payload := `{"from":"` + waID + `","id":"` + wamid + `","type":"order","order":{"catalog_id":"194800000000001","text":"Pickup at 5","product_items":[` + items + `]}}`
	a, err := s.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: s.channelID(), Messages: []store.InboundMessage{{
		WAMID: wamid, Phone: "+" + waID, WaID: waID, Type: "order", Text: "Order", Payload: metaStored(s.t, payload), Timestamp: at,
	}}}})
	if err != nil || len(a.NewMessages) != 1 {
		s.t.Fatalf("order: %+v %v", a, err)
	}
}

const cartItems = `{"product_retailer_id":"sourdough-loaf","quantity":2,"item_price":8.5,"currency":"USD"},{"product_retailer_id":"croissant","quantity":1,"item_price":3.25,"currency":"USD"}`

func TestInboxOrders(t *testing.T) {
	s := startInboxSite(t)
	ctx := context.Background()
	agent := s.signIn(s.agentEmail)
	ch := s.channelID()
	if _, err := s.db.CreateProduct(ctx, ch, store.ProductRecord{RetailerID: "sourdough-loaf", Name: "Sourdough loaf", Price1000: 8500, Currency: "USD", InStock: true}); err != nil {
		t.Fatal(err)
	}
	// Olga (no department, visible to the agent) orders; so does Sue
	// (Support: not the agent's).
	s.orderIn("15550001", "wamid.order1", time.Now().Add(-time.Minute), cartItems)
	s.orderIn("15550003", "wamid.order3", time.Now().Add(-47*time.Hour), cartItems)
	ordersPath := fmt.Sprintf("/inbox/%d/orders", s.open)

	p := s.get(agent, ordersPath)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Sourdough loaf") || !strings.Contains(p.body, "croissant") ||
		!strings.Contains(p.body, "USD 20.25") || !strings.Contains(p.body, "USD 17.00") || strings.Contains(p.body, "<html") {
		t.Fatalf("orders panel: status %d\n%s", p.status, p.body)
	}
	if !strings.Contains(p.body, "No payment partner is set up") || strings.Contains(p.body, `data-testid="order-send-link"`) {
		t.Fatalf("without a partner the panel offers a link:\n%s", p.body)
	}
	orders, err := s.db.ConversationOrders(ctx, s.open)
	if err != nil || len(orders) != 1 {
		t.Fatalf("orders = %+v, %v", orders, err)
	}
	o := orders[0]
	act := func(c *http.Client, conv, order int64, action string) page {
		return s.postHX(c, fmt.Sprintf("/inbox/%d/orders/%d/%s", conv, order, action), nil)
	}
	if p := act(agent, s.open, o.ID, "payment-link"); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "No payment partner is set up") {
		t.Fatalf("link without a partner: %d\n%s", p.status, p.body)
	}
	if _, err := s.db.CreatePaymentPartner(ctx, ch, store.NewPaymentPartner{Kind: "stripe", Name: "Stripe", URL: "https://buy.stripe.com/test_abc"}); err != nil {
		t.Fatal(err)
	}
	p = act(agent, s.open, o.ID, "payment-link")
	const link = "https://buy.stripe.com/test_abc?client_reference_id=wadesk-"
	if p.status != http.StatusOK || !strings.Contains(p.body, "Payment link sent") || !strings.Contains(p.body, link) {
		t.Fatalf("send link: %d\n%s", p.status, p.body)
	}
	msgs, _ := s.db.ConversationMessages(ctx, s.open, 0)
	last := msgs[len(msgs)-1]
	if last.Direction != "out" || last.Type != "text" || !strings.Contains(last.Text, link+strconv.FormatInt(o.ID, 10)) || !strings.Contains(last.Text, "USD 20.25") {
		t.Fatalf("queued message = %+v", last)
	}
	if got, _ := s.db.ConversationOrder(ctx, s.open, o.ID); got.Status != store.OrderLinkSent || got.PaymentLink != link+strconv.FormatInt(o.ID, 10) {
		t.Fatalf("order after the link = %+v", got)
	}
	// Without htmx the page comes back with a message.
	if p := s.post(agent, fmt.Sprintf("/inbox/%d/orders/%d/paid", s.open, o.ID), nil); p.status != http.StatusSeeOther || p.location != fmt.Sprintf("/inbox/%d", s.open) {
		t.Fatalf("mark paid: %d %s", p.status, p.location)
	}
	if p := act(agent, s.open, o.ID, "cancel"); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "already paid") {
		t.Fatalf("cancel a paid order: %d\n%s", p.status, p.body)
	}
	if p := act(agent, s.open, o.ID, "payment-link"); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "This order is paid") {
		t.Fatalf("link for a paid order: %d\n%s", p.status, p.body)
	}
	// The agent cannot see Sue's conversation, nor reach her order
	// through a conversation they can see.
	if p := s.get(agent, fmt.Sprintf("/inbox/%d/orders", s.support)); p.status != http.StatusNotFound {
		t.Fatalf("agent reads another department's orders: %d", p.status)
	}
	sue, _ := s.db.ConversationOrders(ctx, s.support)
	if len(sue) != 0 {
		// Not derived yet: nobody who may see it has looked.
		t.Fatalf("Sue's order derived early: %+v", sue)
	}
	admin := s.signIn(s.adminMail)
	if p := s.get(admin, fmt.Sprintf("/inbox/%d/orders", s.support)); p.status != http.StatusOK {
		t.Fatalf("admin reads Sue's orders: %d", p.status)
	}
	sue, _ = s.db.ConversationOrders(ctx, s.support)
	if len(sue) != 1 {
		t.Fatalf("Sue's orders = %+v", sue)
	}
	for _, action := range []string{"payment-link", "paid", "cancel"} {
		if p := act(agent, s.support, sue[0].ID, action); p.status != http.StatusNotFound {
			t.Errorf("agent %s on another department's order: %d", action, p.status)
		}
		if p := act(agent, s.open, sue[0].ID, action); p.status != http.StatusNotFound {
			t.Errorf("agent %s on Sue's order through Olga's conversation: %d", action, p.status)
		}
	}
	if got, _ := s.db.ConversationOrder(ctx, s.support, sue[0].ID); got.Status != store.OrderNew {
		t.Fatalf("Sue's order changed: %+v", got)
	}

	// Sue wrote 47 hours ago: the window is closed, so the link needs the
	// payment link template.
	if p := act(admin, s.support, sue[0].ID, "payment-link"); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "no payment link template is chosen") {
		t.Fatalf("closed window without a template: %d\n%s", p.status, p.body)
	}
	tpl, err := s.db.SaveTemplate(ctx, ch, store.TemplateRecord{ProviderTemplateID: "t1", Name: "pay_link", Language: "en_US", Category: "UTILITY",
		Status: "APPROVED", ComponentsJSON: `[{"type":"BODY","text":"Your order is ready. Pay here: {{1}}"}]`})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.SaveStoreSettings(ctx, store.StoreSettings{ChannelID: ch, PaymentTemplateName: tpl.Name, PaymentTemplateLanguage: tpl.Language}); err != nil {
		t.Fatal(err)
	}
	p = act(admin, s.support, sue[0].ID, "payment-link")
	if p.status != http.StatusOK {
		t.Fatalf("closed window with a template: %d\n%s", p.status, p.body)
	}
	msgs, _ = s.db.ConversationMessages(ctx, s.support, 0)
	if last := msgs[len(msgs)-1]; last.Type != "template" || last.Text != "pay_link" {
		t.Fatalf("queued message = %+v", last)
	}
	job, err := s.db.OutboxJobByID(ctx, msgs[len(msgs)-1].ID)
	if err != nil || !strings.Contains(string(job.Request), link+strconv.FormatInt(sue[0].ID, 10)) {
		t.Fatalf("the template does not carry the link: %s, %v", job.Request, err)
	}
}

func TestInboxProductMessages(t *testing.T) {
	s := startInboxSite(t)
	ctx := context.Background()
	agent := s.signIn(s.agentEmail)
	ch := s.channelID()
	form := fmt.Sprintf("/inbox/%d/products", s.open)
	if p := s.get(agent, form); p.status != http.StatusOK || !strings.Contains(p.body, "No catalog ID is set") {
		t.Fatalf("no catalog: %d\n%s", p.status, p.body)
	}
	if p := s.postHX(agent, form, url.Values{"mode": {"single"}, "product": {"a"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "No catalog ID is set") {
		t.Fatalf("send without a catalog: %d\n%s", p.status, p.body)
	}
	if err := s.db.SaveStoreSettings(ctx, store.StoreSettings{ChannelID: ch, CatalogID: "194800000000001", Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	var recs []store.ProductRecord
	for i := range 32 {
		recs = append(recs, store.ProductRecord{RetailerID: fmt.Sprintf("p%02d", i), Name: fmt.Sprintf("Product %02d", i), Price1000: 1000, Currency: "USD", InStock: i != 31})
	}
	if _, err := s.db.ImportProducts(ctx, ch, recs); err != nil {
		t.Fatal(err)
	}
	p := s.get(agent, form)
	if !strings.Contains(p.body, `data-testid="product-single-form"`) || !strings.Contains(p.body, "Product 00 · USD 1.00") || strings.Contains(p.body, "Product 31") {
		t.Fatalf("form:\n%s", p.body)
	}
	count := func() int {
		msgs, _ := s.db.ConversationMessages(ctx, s.open, 0)
		return len(msgs)
	}
	before := count()
	if p := s.postHX(agent, form, url.Values{"mode": {"single"}, "product": {"p31"}, "body": {"keep me"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "out of stock") || !strings.Contains(p.body, "keep me") {
		t.Fatalf("out of stock product: %d\n%s", p.status, p.body)
	}
	if p := s.postHX(agent, form, url.Values{"mode": {"single"}, "product": {"p01"}, "body": {"Fresh today"}}); p.status != http.StatusOK || !strings.Contains(p.body, "Product sent.") {
		t.Fatalf("single product: %d\n%s", p.status, p.body)
	}
	list := url.Values{"mode": {"list"}, "header": {"Our menu"}, "body": {"Pick what you like"}, "section_1": {"Breads"}, "section_2": {"Cakes"}}
	for i := range 31 {
		list.Set(fmt.Sprintf("p.p%02d", i), fmt.Sprint(1+i%2))
	}
	if p := s.postHX(agent, form, list); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "at most 30 products") ||
		!strings.Contains(p.body, `value="Breads"`) {
		t.Fatalf("31 products: %d\n%s", p.status, p.body)
	}
	list.Del("p.p30")
	list.Set("section_3", "Empty")
	if p := s.postHX(agent, form, list); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "This section has no products") {
		t.Fatalf("empty titled section: %d\n%s", p.status, p.body)
	}
	list.Del("section_3")
	list.Set("p.p31", "1") // out of stock
	if p := s.postHX(agent, form, list); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "p31") {
		t.Fatalf("out of stock in a list: %d\n%s", p.status, p.body)
	}
	list.Del("p.p31")
	if p := s.postHX(agent, form, list); p.status != http.StatusOK || !strings.Contains(p.body, "Product list sent (30 products).") {
		t.Fatalf("product list: %d\n%s", p.status, p.body)
	}
	if n := count(); n != before+2 {
		t.Fatalf("%d messages queued, want 2", n-before)
	}
	msgs, _ := s.db.ConversationMessages(ctx, s.open, 0)
	job, err := s.db.OutboxJobByID(ctx, msgs[len(msgs)-1].ID)
	if err != nil {
		t.Fatal(err)
	}
	var sent providers.OutboundMessage
	if err := json.Unmarshal(job.Request, &sent); err != nil || sent.Interactive == nil || sent.Interactive.Type != providers.InteractiveProductList ||
		len(sent.Interactive.Sections) != 2 || sent.Interactive.CatalogID != "194800000000001" {
		t.Fatalf("queued request = %s, %v", job.Request, err)
	}
	// Outside the window product messages are refused, on the server too.
	admin := s.signIn(s.adminMail)
	supportForm := fmt.Sprintf("/inbox/%d/products", s.support)
	if p := s.get(admin, supportForm); !strings.Contains(p.body, "only be sent inside the 24-hour window") {
		t.Fatalf("closed window form:\n%s", p.body)
	}
	if p := s.postHX(admin, supportForm, url.Values{"mode": {"single"}, "product": {"p01"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("forged product message outside the window: %d", p.status)
	}
	if msgs, _ := s.db.ConversationMessages(ctx, s.support, 0); len(msgs) != 1 {
		t.Fatalf("something was queued outside the window: %d messages", len(msgs))
	}
	if p := s.postHX(agent, supportForm, url.Values{"mode": {"single"}, "product": {"p01"}}); p.status != http.StatusNotFound {
		t.Fatalf("agent sends to another department's conversation: %d", p.status)
	}
}

func TestStoreSettingsWithProvider(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	ctx := context.Background()
	commerceAt := func() providers.CommerceSettings {
		t.Helper()
		srv := httptest.NewServer(site.sim.Handler())
		defer srv.Close()
		client, err := cloudapi.New(cloudapi.Config{BaseURL: srv.URL, Token: simulator.DefaultConfig().AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		cs, err := client.GetCommerceSettings(ctx, tplPhone)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	if p := site.post(admin, site.path("/templates/sync"), nil); p.status != http.StatusSeeOther {
		t.Fatalf("template sync: %d", p.status)
	}
	page := site.get(admin, site.path("/store"))
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="cart_enabled" value="1" checked`) ||
		!strings.Contains(page.body, "order_ready (en_US)  — The template must take exactly one value") {
		t.Fatalf("settings page: %d\n%s", page.status, page.body)
	}
	for _, tt := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"catalog not a number", url.Values{"catalog_id": {"cat-1"}, "currency": {"USD"}}, "catalog_id"},
		{"currency not ISO", url.Values{"catalog_id": {"1948"}, "currency": {"usd1"}}, "currency"},
		{"currency unknown", url.Values{"catalog_id": {"1948"}, "currency": {"ABC"}}, "currency"},
		{"template not approved", url.Values{"catalog_id": {"1948"}, "payment_template": {"nope|en_US"}}, "payment_template"},
		{"template that cannot carry links", url.Values{"catalog_id": {"1948"}, "payment_template": {"order_ready|en_US"}}, "payment_template"},
		{"marketing template", url.Values{"catalog_id": {"1948"}, "payment_template": {"weekend_offer|en_US"}}, "payment_template"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("commerce_known", "1")
			tt.form.Set("was_cart", "1")
			tt.form.Set("was_catalog", "1")
			p := site.post(admin, site.path("/store"), tt.form)
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `data-testid="error-`+tt.field+`"`) ||
				!strings.Contains(p.body, `value="`+tt.form.Get("catalog_id")+`"`) {
				t.Fatalf("status %d, want 422 with an error for %s\n%s", p.status, tt.field, p.body)
			}
		})
	}
	if cs := commerceAt(); !cs.CartEnabled || !cs.CatalogVisible {
		t.Fatalf("refused forms changed the provider: %+v", cs)
	}
	// Turning the cart off reaches the provider; the catalog ID and
	// currency are kept in wadesk.
	p := site.post(admin, site.path("/store"), url.Values{"commerce_known": {"1"}, "was_cart": {"1"}, "was_catalog": {"1"},
		"catalog_visible": {"1"}, "catalog_id": {"194800000000001"}, "currency": {"eur"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", p.status, p.body)
	}
	if cs := commerceAt(); cs.CartEnabled || !cs.CatalogVisible {
		t.Fatalf("provider settings = %+v, want cart off, catalog on", cs)
	}
	st, err := site.db.StoreSettingsOf(ctx, site.channel.ID)
	if err != nil || st.CatalogID != "194800000000001" || st.Currency != "EUR" {
		t.Fatalf("stored settings = %+v, %v", st, err)
	}
	// A token the provider refuses: the page says so in plain words and the
	// form keeps its input; nothing is saved.
	if err := site.db.SetChannelSecrets(ctx, site.channel.ID, store.ChannelSecrets{AccessToken: "EAAexpired", AppSecret: "x", VerifyToken: "verify-token"}); err != nil {
		t.Fatal(err)
	}
	p = site.get(admin, site.path("/store"))
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-testid="commerce-problem"`) || !strings.Contains(p.body, "access token") {
		t.Fatalf("settings page with a bad token: %d\n%s", p.status, p.body)
	}
	p = site.post(admin, site.path("/store"), url.Values{"commerce_known": {"1"}, "was_cart": {"0"}, "was_catalog": {"1"},
		"cart_enabled": {"1"}, "catalog_visible": {"1"}, "catalog_id": {"555"}, "currency": {"BRL"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "did not accept the cart and catalog switches") ||
		!strings.Contains(p.body, `value="555"`) || !strings.Contains(p.body, `value="BRL"`) {
		t.Fatalf("save with a bad token: %d\n%s", p.status, p.body)
	}
	if st, _ := site.db.StoreSettingsOf(ctx, site.channel.ID); st.CatalogID != "194800000000001" {
		t.Fatalf("a refused save changed the settings: %+v", st)
	}
}

func TestStoreOrdersPage(t *testing.T) {
	s := startInboxSite(t)
	ctx := context.Background()
	admin := s.signIn(s.adminMail)
	if p := s.get(admin, "/store/orders"); p.status != http.StatusOK || !strings.Contains(p.body, `data-testid="orders-empty"`) {
		t.Fatalf("no orders yet: %d\n%s", p.status, p.body)
	}
	// 51 customers order; nobody opened their conversations, so the orders
	// page makes the orders itself.
	base := time.Now().Add(-2 * time.Hour)
	for i := range 51 {
		s.orderIn(fmt.Sprintf("1777000%04d", i), fmt.Sprintf("wamid.bulk%d", i), base.Add(time.Duration(i)*time.Second), cartItems)
	}
	p := s.get(admin, "/store/orders")
	if p.status != http.StatusOK || strings.Count(p.body, `data-testid="order-total">USD 20.25<`) != 50 || !strings.Contains(p.body, `data-testid="orders-more"`) {
		t.Fatalf("first page: %d, %d orders\n%.3000s", p.status, strings.Count(p.body, `data-testid="order-total"`), p.body)
	}
	more := regexpMore.FindStringSubmatch(p.body)
	if more == nil {
		t.Fatal("no link to older orders")
	}
	p = s.get(admin, strings.ReplaceAll(more[1], "&amp;", "&"))
	if n := strings.Count(p.body, `data-testid="order-total"`); n != 1 || strings.Contains(p.body, `data-testid="orders-more"`) {
		t.Fatalf("second page has %d orders\n%s", n, p.body)
	}
	// The newest order links to its conversation; once paid it moves to
	// the Paid tab.
	orders, _, err := s.db.ListOrders(ctx, store.OrderFilter{Limit: 1})
	if err != nil || len(orders) != 1 {
		t.Fatal(orders, err)
	}
	newest := orders[0]
	if !strings.Contains(s.get(admin, "/store/orders").body, fmt.Sprintf(`href="/inbox/%d"`, newest.ConversationID)) {
		t.Error("the order does not link to its conversation")
	}
	if p := s.postHX(admin, fmt.Sprintf("/inbox/%d/orders/%d/paid", newest.ConversationID, newest.ID), nil); p.status != http.StatusOK {
		t.Fatalf("mark paid: %d", p.status)
	}
	p = s.get(admin, "/store/orders?status=paid")
	if n := strings.Count(p.body, `data-testid="order-total"`); n != 1 || !strings.Contains(p.body, fmt.Sprintf(`data-testid="order-%d"`, newest.ID)) {
		t.Fatalf("paid tab has %d orders\n%s", n, p.body)
	}
	if n := strings.Count(s.get(admin, "/store/orders?status=new").body, `data-testid="order-total"`); n != 50 {
		t.Fatalf("new tab has %d orders, want 50", n)
	}
	if p := s.get(admin, "/store/orders?status=bogus&after=garbage"); p.status != http.StatusOK {
		t.Fatalf("junk filters: %d", p.status)
	}
	if p := s.get(admin, "/store"); !strings.Contains(p.body, `data-testid="store-new-orders"`) || !strings.Contains(p.body, ">50<") {
		t.Fatalf("store page counts:\n%s", p.body)
	}
}

var regexpMore = regexp.MustCompile(`href="(/store/orders\?[^"]+)" role="button" class="secondary outline" data-testid="orders-more"`)
