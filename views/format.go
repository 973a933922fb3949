package views

import (
	"strconv"
	"strings"
	"time"
)

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// isoTime is a machine-readable timestamp for <time datetime>.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func lower(s string) string { return strings.ToLower(s) }

func joinList(items []string) string { return strings.Join(items, ", ") }

// fieldLabels names the form fields whose name does not read well as words.
var fieldLabels = map[string]string{
	"access_token": "Access token", "app_secret": "App secret", "app_id": "App ID",
	"business_id": "Business Manager ID", "phone_number_id": "Phone number",
	"department_id": "Department", "alert_emails": "Alert emails", "forward_url": "Forward URL",
	"catalog_id": "Catalog ID", "retailer_id": "Content ID", "image_url": "Image URL",
	"payment_template": "Payment message template", "tls_mode": "Security (TLS)",
	"from_address": "From address", "current": "Current password", "confirm": "Confirm password",
	"url": "Payment link URL", "kind": "Partner", "header_format": "Header type",
	"header_text": "Header text", "header_example": "Header example", "header_handle": "Header media",
	"code_expiry": "Code expiry", "otp_type": "Code delivery", "otp_text": "Copy-code button text",
	"autofill_text": "Autofill button text", "package_name": "Android package name",
	"signature_hash": "App signature hash", "website_1": "First website", "website_2": "Second website",
	"vertical": "Category",
}

// fieldLabel names a form field for the error summary: from fieldLabels,
// else from its name ("body_example_2" reads "Body example 2"; a button's
// index counts from 1 as the form shows it).
func fieldLabel(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	if rest, ok := strings.CutPrefix(name, "button_"); ok {
		part, idx, found := strings.Cut(rest, "_")
		if n, err := strconv.Atoi(idx); found && err == nil {
			return "Button " + strconv.Itoa(n+1) + " " + strings.ReplaceAll(part, "_", " ")
		}
	}
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '.' || r == '[' || r == ']' || r == '-' })
	if len(words) == 0 {
		return name
	}
	for i, w := range words {
		switch w {
		case "id", "url", "tls":
			words[i] = strings.ToUpper(w)
		}
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ")
}
