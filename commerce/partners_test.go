package commerce

import (
	"net/url"
	"strings"
	"testing"
)

func TestCheckPartner(t *testing.T) {
	tests := []struct {
		name    string
		kind    PartnerKind
		in      string
		want    string
		problem string
	}{
		{"stripe", Stripe, " https://buy.stripe.com/test_6oE4gA0Qv9 ", "https://buy.stripe.com/test_6oE4gA0Qv9", ""},
		{"stripe keeps its query", Stripe, "https://buy.stripe.com/abc?prefilled_email=a%40b.c", "https://buy.stripe.com/abc?prefilled_email=a%40b.c", ""},
		{"stripe drops the fragment", Stripe, "https://buy.stripe.com/abc#x", "https://buy.stripe.com/abc", ""},
		{"stripe other host", Stripe, "https://pay.example.com/abc", "", "buy.stripe.com"},
		{"stripe http", Stripe, "http://buy.stripe.com/abc", "", "https://"},
		{"stripe home page", Stripe, "https://buy.stripe.com/", "", "home page"},
		{"stripe own reference", Stripe, "https://buy.stripe.com/abc?client_reference_id=x", "", "client_reference_id"},
		{"stripe placeholders", Stripe, "https://buy.stripe.com/{order_id}", "", "Custom link"},
		{"stripe empty", Stripe, "", "", "Enter the payment link"},
		{"razorpay page", Razorpay, "https://rzp.io/l/florbakery", "https://rzp.io/l/florbakery", ""},
		{"razorpay.me", Razorpay, "https://razorpay.me/@florbakery", "https://razorpay.me/@florbakery", ""},
		{"razorpay other host", Razorpay, "https://rzp.example/l/x", "", "rzp.io"},
		{"paypal name", PayPal, "FlorDeLis", "https://paypal.me/FlorDeLis", ""},
		{"paypal address", PayPal, "https://paypal.me/FlorDeLis", "https://paypal.me/FlorDeLis", ""},
		{"paypal www", PayPal, "https://www.paypal.me/FlorDeLis/", "https://paypal.me/FlorDeLis", ""},
		{"paypal.com/paypalme", PayPal, "https://www.paypal.com/paypalme/FlorDeLis", "https://paypal.me/FlorDeLis", ""},
		{"paypal with amount", PayPal, "https://paypal.me/FlorDeLis/10USD", "", "without an amount"},
		{"paypal symbols", PayPal, "flor-de-lis", "", "letters and digits"},
		{"paypal too long", PayPal, strings.Repeat("a", 21), "", "letters and digits"},
		{"paypal other site", PayPal, "https://example.com/FlorDeLis", "", "paypal.me"},
		{"custom", Custom, "https://pay.example.com/o/{order_id}?amount={amount}&cur={currency}&tel={phone}",
			"https://pay.example.com/o/{order_id}?amount={amount}&cur={currency}&tel={phone}", ""},
		{"custom amount only", Custom, "https://pay.example.com/checkout?total={amount}", "https://pay.example.com/checkout?total={amount}", ""},
		{"custom without order or amount", Custom, "https://pay.example.com/c?cur={currency}&tel={phone}", "", "{order_id} or {amount}"},
		{"custom unknown placeholder", Custom, "https://pay.example.com/{order}", "", "{order} is not a placeholder"},
		{"custom unclosed", Custom, "https://pay.example.com/{order_id", "", "without its }"},
		{"custom stray close", Custom, "https://pay.example.com/order_id}", "", "} without its {"},
		{"custom http", Custom, "http://pay.example.com/{order_id}", "", "https://"},
		{"custom placeholder in host", Custom, "https://{order_id}.example.com/", "", "not in its web address"},
		{"custom no host", Custom, "https:///{order_id}", "", "not in its web address"},
		{"unknown kind", PartnerKind("venmo"), "https://venmo.com/x", "", "Choose a payment partner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := CheckPartner(tt.kind, tt.in)
			if tt.problem == "" {
				if problem != "" || got != tt.want {
					t.Fatalf("CheckPartner = %q, %q; want %q", got, problem, tt.want)
				}
				return
			}
			if !strings.Contains(problem, tt.problem) || got != "" {
				t.Fatalf("CheckPartner = %q, %q; want a problem mentioning %q", got, problem, tt.problem)
			}
		})
	}
}

func TestBuildLink(t *testing.T) {
	order := LinkOrder{ID: 42, Amount1000: 20250, Currency: "USD", Phone: "+16505551234"}
	tests := []struct {
		name    string
		partner Partner
		order   LinkOrder
		want    string
		err     string
	}{
		{"stripe adds the reference", Partner{Stripe, "https://buy.stripe.com/test_abc"}, order,
			"https://buy.stripe.com/test_abc?client_reference_id=wadesk-42", ""},
		{"stripe keeps other parameters", Partner{Stripe, "https://buy.stripe.com/abc?prefilled_email=a%40b.c"}, order,
			"https://buy.stripe.com/abc?client_reference_id=wadesk-42&prefilled_email=a%40b.c", ""},
		{"razorpay as it is", Partner{Razorpay, "https://rzp.io/l/flor"}, order, "https://rzp.io/l/flor", ""},
		{"paypal amount and currency", Partner{PayPal, "https://paypal.me/FlorDeLis"}, order, "https://paypal.me/FlorDeLis/20.25USD", ""},
		{"paypal yen has no decimals", Partner{PayPal, "https://paypal.me/Sakura"},
			LinkOrder{ID: 7, Amount1000: 1_500_000, Currency: "JPY"}, "https://paypal.me/Sakura/1500JPY", ""},
		{"custom fills and escapes", Partner{Custom, "https://pay.example.com/o/{order_id}?a={amount}&c={currency}&p={phone}"}, order,
			"https://pay.example.com/o/42?a=20.25&c=USD&p=%2B16505551234", ""},
		{"custom escapes in the path too", Partner{Custom, "https://pay.example.com/{phone}/{amount}"},
			LinkOrder{ID: 1, Amount1000: 1000, Currency: "EUR", Phone: "+44 20&x=1"},
			"https://pay.example.com/%2B44%2020%26x%3D1/1.00", ""},
		{"custom placeholder twice", Partner{Custom, "https://pay.example.com/{order_id}?ref={order_id}"}, order,
			"https://pay.example.com/42?ref=42", ""},
		{"zero total", Partner{Stripe, "https://buy.stripe.com/abc"}, LinkOrder{ID: 1, Currency: "USD"}, "", "nothing to pay"},
		{"no currency", Partner{PayPal, "https://paypal.me/x"}, LinkOrder{ID: 1, Amount1000: 1000}, "", "currency is unknown"},
		{"no order number", Partner{PayPal, "https://paypal.me/x"}, LinkOrder{Amount1000: 1000, Currency: "USD"}, "", "no number"},
		{"unknown partner", Partner{"venmo", "https://venmo.com/x"}, order, "", "unknown partner"},
		{"too long", Partner{Custom, "https://pay.example.com/" + strings.Repeat("x", MaxLinkLength) + "{order_id}"}, order, "", "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildLink(tt.partner, tt.order)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("BuildLink = %q, %v; want an error mentioning %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("BuildLink = %q, %v; want %q", got, err, tt.want)
			}
			if _, err := url.Parse(got); err != nil {
				t.Fatalf("the link does not parse: %v", err)
			}
		})
	}
}

// Every accepted partner builds a link for an ordinary order.
func TestCheckedPartnersBuildLinks(t *testing.T) {
	for _, in := range []struct {
		kind PartnerKind
		raw  string
	}{
		{Stripe, "https://buy.stripe.com/abc"},
		{Razorpay, "https://pages.razorpay.com/flor"},
		{PayPal, "flor"},
		{Custom, "https://x.example/{order_id}"},
	} {
		u, problem := CheckPartner(in.kind, in.raw)
		if problem != "" {
			t.Fatalf("%s %q: %s", in.kind, in.raw, problem)
		}
		link, err := BuildLink(Partner{in.kind, u}, LinkOrder{ID: 9, Amount1000: 1000, Currency: "EUR", Phone: "+351911"})
		if err != nil || !strings.HasPrefix(link, "https://") {
			t.Errorf("%s: link %q, %v", in.kind, link, err)
		}
	}
}
