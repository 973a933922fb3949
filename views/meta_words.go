package views

import (
	"context"
	"strings"

	"github.com/wadesk/wadesk/i18n"
)

// Meta reports a number's state in codes ("CONNECTED", "NOT_VERIFIED",
// quality "GREEN"). The console shows words a shop owner understands and
// keeps the code in the badge's title for whoever talks to Meta support.

// qualityWords names Meta's quality rating of a number.
func qualityWords(ctx context.Context, code string) string {
	switch strings.ToUpper(code) {
	case "GREEN":
		return i18n.T(ctx, "words.meta.high_quality")
	case "YELLOW":
		return i18n.T(ctx, "words.meta.medium_quality")
	case "RED":
		return i18n.T(ctx, "words.meta.low_quality")
	case "NA", "UNKNOWN", "":
		return i18n.T(ctx, "words.meta.not_rated_yet")
	}
	return humanCode(code)
}

// numberStatusWords names the status of a phone number at Meta.
func numberStatusWords(ctx context.Context, code string) string {
	switch strings.ToUpper(code) {
	case "CONNECTED", "LINKED":
		return i18n.T(ctx, "words.meta.connected")
	case "DISCONNECTED", "UNLINKED":
		return i18n.T(ctx, "words.meta.disconnected")
	case "PENDING":
		return i18n.T(ctx, "words.meta.waiting_for_meta")
	case "UNVERIFIED":
		return i18n.T(ctx, "words.meta.not_verified")
	case "FLAGGED":
		return i18n.T(ctx, "words.meta.flagged_quality_is_low")
	case "RESTRICTED":
		return i18n.T(ctx, "words.meta.restricted_by_meta")
	case "BANNED":
		return i18n.T(ctx, "words.meta.banned_by_meta")
	case "DELETED":
		return i18n.T(ctx, "words.meta.deleted")
	case "MIGRATED":
		return i18n.T(ctx, "words.meta.moved_to_another_account")
	case "RATE_LIMITED":
		return i18n.T(ctx, "words.meta.sending_too_fast")
	}
	return humanCode(code)
}

// codeVerificationWords names whether the number proved it is the
// business's (the code sent by SMS or call).
func codeVerificationWords(ctx context.Context, code string) string {
	switch strings.ToUpper(code) {
	case "VERIFIED":
		return i18n.T(ctx, "words.meta.number_verified")
	case "NOT_VERIFIED", "UNVERIFIED":
		return i18n.T(ctx, "words.meta.number_not_verified")
	case "EXPIRED":
		return i18n.T(ctx, "words.meta.verification_expired")
	}
	return humanCode(code)
}

// metaCodeTitle is the hover text that keeps Meta's code.
func metaCodeTitle(ctx context.Context, code string) string {
	if code == "" {
		return ""
	}
	return i18n.T(ctx, "words.meta.code_title", "Code", code)
}

// humanCode turns an unknown SOME_CODE into "Some code".
func humanCode(code string) string {
	s := strings.ToLower(strings.ReplaceAll(code, "_", " "))
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
