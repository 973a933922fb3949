package views

import "strings"

// Meta reports a number's state in codes ("CONNECTED", "NOT_VERIFIED",
// quality "GREEN"). The console shows words a shop owner understands and
// keeps the code in the badge's title for whoever talks to Meta support.

// qualityWords names Meta's quality rating of a number.
func qualityWords(code string) string {
	switch strings.ToUpper(code) {
	case "GREEN":
		return "High quality"
	case "YELLOW":
		return "Medium quality"
	case "RED":
		return "Low quality"
	case "NA", "UNKNOWN", "":
		return "Not rated yet"
	}
	return humanCode(code)
}

// numberStatusWords names the status of a phone number at Meta.
func numberStatusWords(code string) string {
	switch strings.ToUpper(code) {
	case "CONNECTED", "LINKED":
		return "Connected"
	case "DISCONNECTED", "UNLINKED":
		return "Disconnected"
	case "PENDING":
		return "Waiting for Meta"
	case "UNVERIFIED":
		return "Not verified"
	case "FLAGGED":
		return "Flagged: quality is low"
	case "RESTRICTED":
		return "Restricted by Meta"
	case "BANNED":
		return "Banned by Meta"
	case "DELETED":
		return "Deleted"
	case "MIGRATED":
		return "Moved to another account"
	case "RATE_LIMITED":
		return "Sending too fast"
	}
	return humanCode(code)
}

// codeVerificationWords names whether the number proved it is the
// business's (the code sent by SMS or call).
func codeVerificationWords(code string) string {
	switch strings.ToUpper(code) {
	case "VERIFIED":
		return "Number verified"
	case "NOT_VERIFIED", "UNVERIFIED":
		return "Number not verified"
	case "EXPIRED":
		return "Verification expired"
	}
	return humanCode(code)
}

// metaCodeTitle is the hover text that keeps Meta's code.
func metaCodeTitle(code string) string {
	if code == "" {
		return ""
	}
	return "Meta's code: " + code
}

// humanCode turns an unknown SOME_CODE into "Some code".
func humanCode(code string) string {
	s := strings.ToLower(strings.ReplaceAll(code, "_", " "))
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
