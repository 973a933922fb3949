package providers

// IsBusinessScopedUserID reports whether a recipient is a business-scoped
// user ID (BSUID) rather than a phone number: two letters (the country),
// a dot, then letters and digits, e.g. US.13491208655302741918, or a
// parent BSUID such as US.ENT.11815799212886844830 (Meta,
// "Business-scoped user IDs", updated Nov 5, 2026). A phone number never
// holds a letter.
func IsBusinessScopedUserID(s string) bool {
	if len(s) < 4 || s[2] != '.' || !upper(s[0]) || !upper(s[1]) {
		return false
	}
	for i := 3; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || upper(c) || c >= 'a' && c <= 'z' || c == '.') {
			return false
		}
	}
	return true
}

func upper(c byte) bool { return c >= 'A' && c <= 'Z' }
