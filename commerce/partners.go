package commerce

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// PartnerKind is a kind of payment partner.
type PartnerKind string

// Payment partners wadesk builds links for.
const (
	// Stripe is a Stripe Payment Link (https://buy.stripe.com/...). The
	// link's price is set in Stripe; wadesk adds the order as
	// client_reference_id, which Stripe reports with the payment.
	Stripe PartnerKind = "stripe"
	// Razorpay is a Razorpay payment page or link (rzp.io, razorpay.me,
	// pages.razorpay.com). It is sent as it is; the message names the
	// order and its amount.
	Razorpay PartnerKind = "razorpay"
	// PayPal is a PayPal.me address; the link asks for the order's amount
	// in its currency (https://paypal.me/name/8.50USD).
	PayPal PartnerKind = "paypal"
	// Custom is the business's own URL template with placeholders.
	Custom PartnerKind = "custom"
)

// PartnerKinds lists the kinds in the order forms show them.
var PartnerKinds = []PartnerKind{Stripe, Razorpay, PayPal, Custom}

// Label is the kind's name for people.
func (k PartnerKind) Label() string {
	switch k {
	case Stripe:
		return "Stripe payment link"
	case Razorpay:
		return "Razorpay"
	case PayPal:
		return "PayPal.me"
	case Custom:
		return "Custom link"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k PartnerKind) Valid() bool {
	for _, v := range PartnerKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Placeholders of a custom link template.
const (
	PlaceholderOrderID  = "{order_id}"
	PlaceholderAmount   = "{amount}"
	PlaceholderCurrency = "{currency}"
	PlaceholderPhone    = "{phone}"
)

var placeholders = []string{PlaceholderOrderID, PlaceholderAmount, PlaceholderCurrency, PlaceholderPhone}

// MaxLinkLength bounds partner URLs and the links built from them.
const MaxLinkLength = 2000

// razorpayHosts are the addresses Razorpay serves payment pages and links on.
var razorpayHosts = map[string]bool{"rzp.io": true, "razorpay.me": true, "pages.razorpay.com": true, "razorpay.com": true}

// CheckPartner checks what an admin entered for a partner of this kind and
// returns it normalized (a PayPal.me name becomes its https://paypal.me
// address), or a plain-words problem.
func CheckPartner(kind PartnerKind, raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		switch kind {
		case PayPal:
			return "", "Enter your PayPal.me name or address, like https://paypal.me/FlorDeLis."
		case Custom:
			return "", "Enter your payment link with placeholders, like https://pay.example.com/checkout?order={order_id}&amount={amount}."
		}
		return "", "Enter the payment link."
	}
	if len(raw) > MaxLinkLength {
		return "", fmt.Sprintf("The link is too long: at most %d characters.", MaxLinkLength)
	}
	switch kind {
	case Stripe:
		u, problem := fixedLink(raw)
		if problem != "" {
			return "", problem
		}
		if u.Host != "buy.stripe.com" {
			return "", "A Stripe payment link starts with https://buy.stripe.com/. Copy it from Stripe → Payment Links."
		}
		if u.Query().Has("client_reference_id") {
			return "", "Remove client_reference_id from the link: wadesk sets it to the order number."
		}
		return u.String(), ""
	case Razorpay:
		u, problem := fixedLink(raw)
		if problem != "" {
			return "", problem
		}
		if !razorpayHosts[u.Host] {
			return "", "A Razorpay link starts with https://rzp.io/, https://razorpay.me/ or https://pages.razorpay.com/. Copy it from the Razorpay Dashboard."
		}
		return u.String(), ""
	case PayPal:
		name, problem := paypalName(raw)
		if problem != "" {
			return "", problem
		}
		return "https://paypal.me/" + name, ""
	case Custom:
		if problem := checkTemplate(raw); problem != "" {
			return "", problem
		}
		return raw, ""
	}
	return "", "Choose a payment partner."
}

// fixedLink parses a partner's own https link.
func fixedLink(raw string) (*url.URL, string) {
	if strings.ContainsAny(raw, "{}") {
		return nil, "This link has placeholders; choose Custom link to use them."
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return nil, "This is not a web address. Paste the whole link, starting with https://."
	}
	if u.Scheme != "https" {
		return nil, "The link must start with https://, so that customers pay over a secure connection."
	}
	if strings.Trim(u.Path, "/") == "" {
		return nil, "This is the partner's home page, not a payment link. Paste the link of your payment page."
	}
	u.Fragment, u.RawFragment = "", ""
	u.Host = strings.ToLower(u.Host)
	return u, ""
}

// paypalName takes a PayPal.me name or address and returns the name.
func paypalName(raw string) (string, string) {
	name := raw
	if strings.Contains(raw, "/") || strings.Contains(raw, ".") {
		u, err := url.Parse(raw)
		if err != nil || !strings.EqualFold(u.Scheme, "https") {
			return "", "Enter your PayPal.me name, or its address starting with https://paypal.me/."
		}
		path := strings.Trim(u.Path, "/")
		switch strings.ToLower(u.Host) {
		case "paypal.me", "www.paypal.me":
		case "paypal.com", "www.paypal.com":
			const prefix = "paypalme/"
			if len(path) <= len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix) {
				return "", "Enter your PayPal.me address, like https://paypal.me/FlorDeLis."
			}
			path = path[len(prefix):]
		default:
			return "", "A PayPal.me address starts with https://paypal.me/."
		}
		if strings.Contains(path, "/") {
			return "", "Enter only your PayPal.me address, without an amount: wadesk adds each order's amount."
		}
		name = path
	}
	if name == "" || len(name) > 20 || !alnum(name) {
		return "", "A PayPal.me name has 1 to 20 letters and digits, without spaces or symbols."
	}
	return name, ""
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// checkTemplate checks a custom link template.
func checkTemplate(t string) string {
	rest, ok := strings.CutPrefix(t, "https://")
	if !ok {
		return "The link must start with https://, so that customers pay over a secure connection."
	}
	hostEnd := strings.IndexAny(rest, "/?#")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	if host := rest[:hostEnd]; host == "" || strings.ContainsAny(host, "{}") {
		return "Placeholders can be used in the path or the query of the link, not in its web address (host)."
	}
	used := map[string]bool{}
	for i := 0; i < len(t); {
		open := strings.IndexAny(t[i:], "{}")
		if open < 0 {
			break
		}
		open += i
		if t[open] == '}' {
			return "The link has a } without its {. Placeholders are written like {order_id}."
		}
		end := strings.IndexByte(t[open:], '}')
		if end < 0 {
			return "The link has a { without its }. Placeholders are written like {order_id}."
		}
		ph := t[open : open+end+1]
		if !knownPlaceholder(ph) {
			return fmt.Sprintf("%s is not a placeholder wadesk knows. Use {order_id}, {amount}, {currency} or {phone}.", ph)
		}
		used[ph] = true
		i = open + end + 1
	}
	if !used[PlaceholderOrderID] && !used[PlaceholderAmount] {
		return "The link must contain {order_id} or {amount}, so that each order gets its own link."
	}
	sample := fillTemplate(t, LinkOrder{ID: 1042, Amount1000: 12500, Currency: "USD", Phone: "+16505551234"})
	u, err := url.Parse(sample)
	if err != nil || u.Host == "" || u.User != nil {
		return "This is not a valid web address, even with the placeholders filled in."
	}
	return ""
}

func knownPlaceholder(ph string) bool {
	for _, p := range placeholders {
		if p == ph {
			return true
		}
	}
	return false
}

// LinkOrder is what a payment link is built for.
type LinkOrder struct {
	ID         int64
	Amount1000 int64
	Currency   string
	// Phone is the customer's number in E.164 (+16505551234).
	Phone string
}

// Reference is the order's reference given to payment partners.
func (o LinkOrder) Reference() string { return "wadesk-" + strconv.FormatInt(o.ID, 10) }

// Partner is a configured payment partner.
type Partner struct {
	Kind PartnerKind
	// URL is what CheckPartner returned.
	URL string
}

// BuildLink builds the payment link of an order. It is a pure function:
// the same partner and order always give the same link.
func BuildLink(p Partner, o LinkOrder) (string, error) {
	if o.ID <= 0 {
		return "", errors.New("commerce: payment link: the order has no number")
	}
	if o.Amount1000 <= 0 {
		return "", errors.New("the order has nothing to pay (its total is zero)")
	}
	if !IsCurrency(o.Currency) {
		return "", errors.New("the order's currency is unknown, so no amount can be asked for")
	}
	var link string
	switch p.Kind {
	case Stripe:
		u, err := url.Parse(p.URL)
		if err != nil {
			return "", fmt.Errorf("the Stripe link is not valid: %w", err)
		}
		q := u.Query()
		q.Set("client_reference_id", o.Reference())
		u.RawQuery = q.Encode()
		link = u.String()
	case Razorpay:
		link = p.URL
	case PayPal:
		link = strings.TrimRight(p.URL, "/") + "/" + Decimal(o.Amount1000, o.Currency) + o.Currency
	case Custom:
		link = fillTemplate(p.URL, o)
	default:
		return "", fmt.Errorf("commerce: payment link: unknown partner %q", p.Kind)
	}
	if len(link) > MaxLinkLength {
		return "", fmt.Errorf("the payment link would be longer than %d characters", MaxLinkLength)
	}
	return link, nil
}

// fillTemplate replaces each placeholder with its URL-escaped value.
func fillTemplate(t string, o LinkOrder) string {
	return strings.NewReplacer(
		PlaceholderOrderID, escape(strconv.FormatInt(o.ID, 10)),
		PlaceholderAmount, escape(Decimal(o.Amount1000, o.Currency)),
		PlaceholderCurrency, escape(o.Currency),
		PlaceholderPhone, escape(o.Phone),
	).Replace(t)
}

// escape makes a value safe in any part of a URL, path or query: spaces
// become %20 (not +, which a path keeps as a plus), and + becomes %2B (not
// left as is, which a query reads as a space).
func escape(v string) string {
	return strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
}
