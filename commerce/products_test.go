package commerce

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/store"
)

func TestCheckProduct(t *testing.T) {
	good := ProductInput{RetailerID: "sourdough-loaf", Name: "Sourdough loaf", Price: "8.50", Currency: "usd",
		ImageURL: "https://cdn.example.com/loaf.jpg", InStock: "1"}
	rec, errs := CheckProduct(good, "")
	want := store.ProductRecord{RetailerID: "sourdough-loaf", Name: "Sourdough loaf", Price1000: 8500, Currency: "USD",
		ImageURL: "https://cdn.example.com/loaf.jpg", InStock: true}
	if len(errs) > 0 || rec != want {
		t.Fatalf("CheckProduct = %+v, %v", rec, errs)
	}
	tests := []struct {
		name   string
		change func(*ProductInput)
		field  string
	}{
		{"no retailer ID", func(p *ProductInput) { p.RetailerID = " " }, FieldRetailerID},
		{"retailer ID with a space", func(p *ProductInput) { p.RetailerID = "sour dough" }, FieldRetailerID},
		{"long retailer ID", func(p *ProductInput) { p.RetailerID = strings.Repeat("x", 101) }, FieldRetailerID},
		{"no name", func(p *ProductInput) { p.Name = "" }, FieldName},
		{"name with a line break", func(p *ProductInput) { p.Name = "a\nb" }, FieldName},
		{"long name", func(p *ProductInput) { p.Name = strings.Repeat("é", 201) }, FieldName},
		{"bad price", func(p *ProductInput) { p.Price = "8,50" }, FieldPrice},
		{"too many decimals", func(p *ProductInput) { p.Price = "8.505" }, FieldPrice},
		{"no currency and no default", func(p *ProductInput) { p.Currency = "" }, FieldCurrency},
		{"unknown currency", func(p *ProductInput) { p.Currency = "ABC" }, FieldCurrency},
		{"ftp image", func(p *ProductInput) { p.ImageURL = "ftp://x/y.jpg" }, FieldImageURL},
		{"javascript image", func(p *ProductInput) { p.ImageURL = "javascript:alert(1)" }, FieldImageURL},
		{"relative image", func(p *ProductInput) { p.ImageURL = "/img.jpg" }, FieldImageURL},
		{"bad stock", func(p *ProductInput) { p.InStock = "maybe" }, FieldInStock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.change(&in)
			rec, errs := CheckProduct(in, "")
			if errs[tt.field] == "" || rec != (store.ProductRecord{}) {
				t.Fatalf("CheckProduct = %+v, %v; want a problem with %s", rec, errs, tt.field)
			}
		})
	}
	// The store's currency fills an empty one; an empty stock means in stock.
	rec, errs = CheckProduct(ProductInput{RetailerID: "a", Name: "A", Price: "1200"}, "JPY")
	if len(errs) > 0 || rec.Currency != "JPY" || rec.Price1000 != 1_200_000 || !rec.InStock {
		t.Fatalf("defaults: %+v, %v", rec, errs)
	}
}

func TestReadProductsCSV(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		products []store.ProductRecord
		errors   []LineError
	}{
		{
			name: "good file",
			csv: "retailer_id,name,price,currency,image_url,in_stock\n" +
				"sourdough-loaf,Sourdough loaf,8.50,USD,https://cdn.example.com/loaf.jpg,yes\n" +
				"croissant,\"Butter croissant, large\",3.25,,,no\n",
			products: []store.ProductRecord{
				{RetailerID: "sourdough-loaf", Name: "Sourdough loaf", Price1000: 8500, Currency: "USD", ImageURL: "https://cdn.example.com/loaf.jpg", InStock: true},
				{RetailerID: "croissant", Name: "Butter croissant, large", Price1000: 3250, Currency: "USD", InStock: false},
			},
		},
		{
			name: "columns in another order, semicolons, BOM, CRLF, blank lines",
			csv:  "\xef\xbb\xbfName;Retailer_ID;Price\r\nPão de queijo;pao;6\r\n\r\n;;\r\n",
			products: []store.ProductRecord{
				{RetailerID: "pao", Name: "Pão de queijo", Price1000: 6000, Currency: "USD", InStock: true},
			},
		},
		{
			name: "bad lines: nothing imported, every problem with its line",
			csv: "retailer_id,name,price,currency,image_url,in_stock\n" +
				"a,Alpha,1.00,USD,,yes\n" +
				"b,,2.00,USD,,yes\n" +
				"c,Gamma,2.5.0,USD,,yes\n" +
				"a,Alpha again,1.00,USD,,yes\n" +
				"d,Delta,1,XYZ,javascript:x,perhaps\n",
			errors: []LineError{
				{3, "name: Enter the product's name."},
				{4, `price: "2.5.0" is not a number like 8.50.`},
				{5, `retailer_id: "a" is already on line 2.`},
				{6, `currency: "XYZ" is not an ISO 4217 currency code. Use three letters, like USD, EUR, BRL or INR.`},
				{6, "image_url: The image address must be a web address starting with https:// or http://."},
				{6, `in_stock: Write yes or no for in stock, not "perhaps".`},
			},
		},
		{
			name:   "missing column",
			csv:    "retailer_id,name\na,Alpha\n",
			errors: []LineError{{1, `The column "price" is missing. The first line names the columns: retailer_id,name,price,currency,image_url,in_stock.`}},
		},
		{
			name:   "unknown column",
			csv:    "retailer_id,name,price,colour\na,A,1,red\n",
			errors: []LineError{{1, `Unknown column "colour". The columns are retailer_id, name, price, currency, image_url, in_stock.`}},
		},
		{
			name:   "too many fields",
			csv:    "retailer_id,name,price\na,A,1,extra\n",
			errors: []LineError{{2, "This line has 4 fields, but the header names 3 columns."}},
		},
		{
			name:   "unclosed quote",
			csv:    "retailer_id,name,price\na,\"A,1\nb,B,2\n",
			errors: []LineError{{2, `This line is not valid CSV: a quote (") is not closed or is in the middle of a field. Put fields with quotes or commas inside double quotes.`}},
		},
		{name: "empty file", csv: "", errors: []LineError{{1, "The file is empty. The first line names the columns: retailer_id,name,price,currency,image_url,in_stock."}}},
		{name: "header only", csv: "retailer_id,name,price\n", errors: []LineError{{2, "The file has a header but no products."}}},
		{name: "not UTF-8", csv: "retailer_id,name,price\na,Caf\xe9,1\n", errors: []LineError{{1, `The file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReadProductsCSV(strings.NewReader(tt.csv), "USD")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Products, tt.products) {
				t.Errorf("products =\n%+v\nwant\n%+v", res.Products, tt.products)
			}
			if !reflect.DeepEqual(res.Errors, tt.errors) {
				t.Errorf("errors =\n%+v\nwant\n%+v", res.Errors, tt.errors)
			}
		})
	}
}

func TestReadProductsCSVLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("retailer_id,name,price\n")
	for i := range 120 {
		fmt.Fprintf(&b, "p%d,,1\n", i)
	}
	res, err := ReadProductsCSV(strings.NewReader(b.String()), "USD")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != maxImportErrors || res.MoreErrors != 120-maxImportErrors || res.Products != nil {
		t.Fatalf("%d errors listed, %d more, %d products", len(res.Errors), res.MoreErrors, len(res.Products))
	}
	big := "retailer_id,name,price\n" + strings.Repeat("x", MaxImportBytes)
	if _, err := ReadProductsCSV(strings.NewReader(big), "USD"); !errors.Is(err, ErrImportTooLarge) {
		t.Fatalf("large file: %v", err)
	}
}
