package commerce

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/store"
)

func TestParseOrder(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    ParsedOrder
		problem string
		err     bool
	}{
		{
			name: "Meta's shape",
			payload: `{"from":"16505551234","id":"wamid.1","timestamp":"1700000000","type":"order","order":{"catalog_id":"194800000000001",
				"text":"Pickup at 5","product_items":[{"product_retailer_id":"sourdough-loaf","quantity":2,"item_price":8.5,"currency":"USD"},
				{"product_retailer_id":"croissant","quantity":1,"item_price":3.25,"currency":"USD"}]}}`,
			want: ParsedOrder{CatalogID: "194800000000001", Note: "Pickup at 5", Currency: "USD", Total1000: 20250, Items: []store.OrderItem{
				{RetailerID: "sourdough-loaf", Quantity: 2, UnitPrice1000: 8500, Currency: "USD"},
				{RetailerID: "croissant", Quantity: 1, UnitPrice1000: 3250, Currency: "USD"},
			}},
		},
		{
			name:    "numbers as strings, lower-case currency",
			payload: `{"order":{"catalog_id":194800000000001,"product_items":[{"product_retailer_id":12,"quantity":"3","item_price":"0.1","currency":"eur"}]}}`,
			want: ParsedOrder{CatalogID: "194800000000001", Currency: "EUR", Total1000: 300,
				Items: []store.OrderItem{{RetailerID: "12", Quantity: 3, UnitPrice1000: 100, Currency: "EUR"}}},
		},
		{
			name:    "float prices are read exactly",
			payload: `{"order":{"product_items":[{"product_retailer_id":"a","quantity":3,"item_price":0.1,"currency":"USD"},{"product_retailer_id":"b","quantity":1,"item_price":0.2,"currency":"USD"}]}}`,
			want: ParsedOrder{Currency: "USD", Total1000: 500, Items: []store.OrderItem{
				{RetailerID: "a", Quantity: 3, UnitPrice1000: 100, Currency: "USD"},
				{RetailerID: "b", Quantity: 1, UnitPrice1000: 200, Currency: "USD"},
			}},
		},
		{
			name:    "several currencies: no total",
			payload: `{"order":{"product_items":[{"product_retailer_id":"a","quantity":1,"item_price":1,"currency":"USD"},{"product_retailer_id":"b","quantity":1,"item_price":1,"currency":"EUR"}]}}`,
			want: ParsedOrder{Items: []store.OrderItem{
				{RetailerID: "a", Quantity: 1, UnitPrice1000: 1000, Currency: "USD"},
				{RetailerID: "b", Quantity: 1, UnitPrice1000: 1000, Currency: "EUR"},
			}},
			problem: "several currencies",
		},
		{
			name:    "a bad line is left out and said",
			payload: `{"order":{"product_items":[{"product_retailer_id":"a","quantity":0,"item_price":1,"currency":"USD"},{"product_retailer_id":"b","quantity":2,"item_price":-1,"currency":"USD"},{"product_retailer_id":"c","quantity":1,"item_price":2,"currency":"USD"}]}}`,
			want: ParsedOrder{Currency: "USD", Total1000: 2000, Items: []store.OrderItem{
				{RetailerID: "c", Quantity: 1, UnitPrice1000: 2000, Currency: "USD"},
			}},
			problem: "item 1 has no valid quantity; item 2 has no valid price",
		},
		{name: "empty cart", payload: `{"order":{"product_items":[]}}`, want: ParsedOrder{}, problem: "the cart is empty"},
		{name: "not an order", payload: `{"type":"text","text":{"body":"hi"}}`, err: true},
		{name: "not JSON", payload: `{`, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOrder(tt.payload)
			if tt.err {
				if err == nil {
					t.Fatalf("ParseOrder = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.problem == "" && got.Problem != "" || !strings.Contains(got.Problem, tt.problem) {
				t.Errorf("problem = %q, want %q", got.Problem, tt.problem)
			}
			got.Problem = ""
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseOrder =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}
