package views

import "strings"

// insecureWebhook reports whether a webhook URL is plain http, which Meta
// does not deliver to: it wants a public HTTPS URL.
func insecureWebhook(u string) bool { return strings.HasPrefix(strings.ToLower(u), "http://") }
