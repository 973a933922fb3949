package handlers

import "testing"

// TestSafeNext: a post-login redirect never leaves the site, however the
// other host is written (browsers drop tabs and newlines from a Location
// and read a backslash as a slash).
func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ next, want string }{
		{"", "/inbox"},
		{"/inbox/42", "/inbox/42"},
		{"/channels/3?tab=health", "/channels/3?tab=health"},
		{"/inbox?q=a%20b", "/inbox?q=a%20b"},
		{"//evil.example", "/inbox"},
		{"https://evil.example/", "/inbox"},
		{"evil.example", "/inbox"},
		{"/\t/evil.example", "/inbox"},   // next=/%09/evil.example
		{"/\n/evil.example", "/inbox"},   // newline
		{"/\r\n/evil.example", "/inbox"}, // CR LF
		{"\t//evil.example", "/inbox"},
		{"/ /evil.example", "/inbox"},
		{"/\\evil.example", "/inbox"},
		{"\\\\evil.example", "/inbox"},
		{"/\\/evil.example", "/inbox"},
		{"/inbox\\..\\..\\evil", "/inbox"},
		{"/%09/evil.example", "/inbox"}, // encoded twice in the query
		{"/%2F%2Fevil.example", "/inbox"},
		{"/%2fevil.example", "/inbox"},
		{"/%5Cevil.example", "/inbox"},
		{"/%5c%5cevil.example", "/inbox"},
		{"/%0a/evil.example", "/inbox"},
		{"/%zz", "/inbox"},
		{"/\x7f/evil.example", "/inbox"},
		{"/\x00/evil.example", "/inbox"},
		{"javascript:alert(1)", "/inbox"},
		{"/javascript:alert(1)", "/javascript:alert(1)"}, // a path on this site
		{"///evil.example", "/inbox"},
		{"/\u3000/evil.example", "/\u3000/evil.example"}, // not dropped by browsers: stays a path here
	} {
		if got := safeNext(c.next); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.next, got, c.want)
		}
	}
}
