package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tablePages are the pages whose main content is a table, as an admin
// with a filled store sees them (see fillEveryTable); ch is "/channels/N".
func tablePages(ch string) []string {
	return []string{
		"/channels",
		"/templates",
		ch + "/templates",
		ch, // forwarding's recent deliveries
		"/store",
		"/store/orders",
		ch + "/store/products",
		"/settings/users",
		"/settings/departments",
	}
}

// fillEveryTable puts content in every table of the console, the way an
// admin and a customer would: a department, a forward URL that receives the
// webhooks, the store's catalog with two products from a CSV file, a payment
// partner, and an order the customer places on the simulator's phone. The
// admin's browser ctx must be signed in with channel ch connected.
func fillEveryTable(t *testing.T, ctx, phone context.Context, s *server, ch string) {
	t.Helper()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(hook.Close)
	run(t, ctx, "add a department",
		chromedp.Navigate(s.URL+"/settings/departments"),
		chromedp.WaitVisible(byTestID("department-create"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="name"]`, "Bakery counter", chromedp.ByQuery),
		chromedp.Click(byTestID("department-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("departments-table"), chromedp.ByQuery),
	)
	run(t, ctx, "forward the webhooks",
		chromedp.Navigate(s.URL+ch+"/edit"),
		chromedp.WaitVisible(byTestID("channel-save"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="forward_url"]`, hook.URL+"/whatsapp", chromedp.ByQuery),
		chromedp.Click(byTestID("channel-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	run(t, ctx, "set up the store",
		chromedp.Navigate(s.URL+ch+"/store"),
		chromedp.WaitVisible(byTestID("store-settings-form"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("store-catalog-id"), "194800000000001", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("store-currency"), "usd", chromedp.ByQuery),
		chromedp.Click(byTestID("store-settings-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	csv := filepath.Join(t.TempDir(), "products.csv")
	if err := os.WriteFile(csv, []byte("retailer_id,name,price,currency,image_url,in_stock\n"+
		"sourdough-loaf,Sourdough loaf,8.50,USD,,yes\n"+
		"croissant,Butter croissant,3.25,USD,,yes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "import the products",
		chromedp.Navigate(s.URL+ch+"/store/products"),
		chromedp.WaitVisible(byTestID("product-import-form"), chromedp.ByQuery),
		chromedp.SetUploadFiles(byTestID("product-import-file"), []string{csv}, chromedp.ByQuery),
		chromedp.Click(byTestID("product-import-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("product-sourdough-loaf"), chromedp.ByQuery),
	)
	run(t, ctx, "add the payment partner",
		chromedp.Navigate(s.URL+ch+"/store/partners"),
		chromedp.WaitVisible(byTestID("partner-form"), chromedp.ByQuery),
		chromedp.Click(byTestID("partner-kind-stripe"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("partner-url"), "https://buy.stripe.com/test_bakery", chromedp.ByQuery),
		chromedp.Click(byTestID("partner-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("partner-default"), chromedp.ByQuery),
	)
	run(t, phone, "customer places an order",
		chromedp.Navigate(s.SimURL+"/"),
		chromedp.WaitVisible(byTestID("catalog-open"), chromedp.ByQuery),
		chromedp.Click(byTestID("catalog-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("catalog-qty-sourdough-loaf"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("catalog-qty-sourdough-loaf"), "2", chromedp.ByQuery),
		chromedp.SetValue(byTestID("catalog-qty-croissant"), "1", chromedp.ByQuery),
		chromedp.Click(byTestID("place-order"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("message-order"), chromedp.ByQuery),
	)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var orders, deliveries int
		run(t, ctx, "wait for the order and the forwarded webhooks",
			chromedp.Navigate(s.URL+"/store/orders"), chromedp.WaitReady("body", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll('[data-testid="orders-table"] tbody tr').length`, &orders),
			chromedp.Navigate(s.URL+ch), chromedp.WaitReady("body", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll('[data-testid="forward-attempts"] tbody tr').length`, &deliveries))
		if orders > 0 && deliveries > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s: %d orders listed, %d forwarded webhooks", orders, deliveries)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// TestTablesReadOnAPhone: on a 390 px phone every table page shows each
// row as a card whose cells, with their column's name, fit the screen; on
// a laptop the same pages keep their tables.
func TestTablesReadOnAPhone(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	inboxConnect(t, ctx, s)
	ch := strings.TrimPrefix(location(t, ctx), s.URL)
	phone := newBrowser(t)
	fillEveryTable(t, ctx, phone, s, ch)

	for _, v := range []viewport{desktopWidth, phoneWidth} {
		run(t, ctx, v.name, v.at())
		for _, p := range tablePages(ch) {
			var m struct {
				Tables   int      `json:"tables"`
				Rows     int      `json:"rows"`
				Cut      []string `json:"cut"`
				Unnamed  []string `json:"unnamed"`
				HeadShow bool     `json:"headShown"`
			}
			run(t, ctx, "open "+p, chromedp.Navigate(s.URL+p), chromedp.WaitReady("body", chromedp.ByQuery),
				chromedp.Sleep(100*time.Millisecond),
				chromedp.Evaluate(`(() => {
					const vw = document.documentElement.clientWidth;
					const tables = [...document.querySelectorAll("main .table-wrap > table")];
					const cut = [], unnamed = [];
					let rows = 0, headShown = false;
					for (const table of tables) {
						const head = table.tHead && table.tHead.getBoundingClientRect();
						if (head && head.height > 2) headShown = true;
						for (const tr of table.tBodies[0] ? table.tBodies[0].rows : []) {
							rows++;
							for (const td of tr.cells) {
								const r = td.getBoundingClientRect();
								const text = td.textContent.trim().replace(/\s+/g, " ").slice(0, 40);
								if (r.width > 0 && (r.right > vw + 1 || r.left < -1)) cut.push(text + " right=" + Math.round(r.right));
								if (text && td.colSpan === 1 && !td.dataset.label && !td.querySelector("a, button, form") && tr.cells.length > 1) unnamed.push(text);
							}
						}
					}
					return {tables: tables.length, rows, cut: cut.slice(0, 5), unnamed: unnamed.slice(0, 5), headShown};
				})()`, &m))
			if m.Tables == 0 || m.Rows == 0 {
				t.Errorf("%s at %s: no table with rows to check (%d tables, %d rows)", p, v.name, m.Tables, m.Rows)
				continue
			}
			if len(m.Cut) > 0 {
				t.Errorf("%s at %s: cells run off the %d px screen: %s", p, v.name, v.width, strings.Join(m.Cut, "; "))
			}
			if v == phoneWidth {
				if m.HeadShow {
					t.Errorf("%s at phone: still a table with a header row, not cards", p)
				}
				if len(m.Unnamed) > 0 {
					t.Errorf("%s at phone: cells without their column's name: %s", p, strings.Join(m.Unnamed, "; "))
				}
			} else if !m.HeadShow {
				t.Errorf("%s at desktop: the table lost its header row", p)
			}
			checkNoSideScroll(t, ctx, p+" at "+v.name)
		}
	}
}
