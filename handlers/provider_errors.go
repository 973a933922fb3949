package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/providers"
)

// plainError is providers.Plain in the reader's language: what went wrong
// with a provider, in words an admin or agent can act on. Providers
// classify their errors (kind, code, operation); the words are chosen
// here, from the catalog's provider_errors area. Logs keep the English
// of providers.Plain and err.Error().
func plainError(ctx context.Context, err error) string {
	if err == nil {
		return ""
	}
	if pe, ok := providers.AsError(err); ok {
		return plainProviderError(ctx, pe)
	}
	var ve *providers.ValidationError
	if errors.As(err, &ve) {
		// wadesk's own checks before sending; their words are written
		// where they are made.
		msg := ve.Error()
		if msg == "" {
			return i18n.T(ctx, "provider_errors.invalid_request")
		}
		r, size := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[size:]
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		return msg
	}
	if errors.Is(err, context.Canceled) {
		return i18n.T(ctx, "provider_errors.cancelled")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return i18n.T(ctx, "provider_errors.timeout")
	}
	return i18n.T(ctx, "provider_errors.unknown")
}

// plainDeliveryFailure is providers.PlainDeliveryFailure in the reader's
// language: why a message the provider had accepted was not delivered.
func plainDeliveryFailure(ctx context.Context, provider providers.ProviderID, code int, title, details string) string {
	e := &providers.Error{Provider: provider, Op: providers.OpSendMessage, Code: code, Kind: providers.ClassifyMeta(code, 0, 0), Message: title, Details: details}
	switch e.Kind {
	case providers.ErrorKindUnknown, providers.ErrorKindInvalidParameter, providers.ErrorKindNotFound, providers.ErrorKindServer:
		return i18n.T(ctx, "provider_errors.not_delivered", "Says", errorSays(ctx, e))
	}
	return plainProviderError(ctx, e)
}

func errorProvider(ctx context.Context, e *providers.Error) string {
	switch e.Provider {
	case "", providers.MetaCloud, providers.CloudCompatible:
		return i18n.T(ctx, "provider_errors.meta")
	}
	return providerName(ctx, string(e.Provider))
}

// errorCode names the provider's error code, or the HTTP status without one.
func errorCode(ctx context.Context, e *providers.Error) string {
	switch {
	case e.Code != 0:
		return i18n.T(ctx, "provider_errors.code", "Provider", errorProvider(ctx, e), "Code", strconv.Itoa(e.Code))
	case e.HTTPStatus != 0:
		return i18n.T(ctx, "provider_errors.http_status", "Status", strconv.Itoa(e.HTTPStatus))
	}
	return ""
}

// errorSays quotes the provider's own words (not translated: they are
// the provider's), preferring the text meant for users.
func errorSays(ctx context.Context, e *providers.Error) string {
	for _, s := range []string{e.UserMessage, e.Details, e.Message} {
		if s = strings.TrimSpace(s); s != "" {
			return i18n.T(ctx, "provider_errors.says", "Provider", errorProvider(ctx, e), "Text", s)
		}
	}
	return ""
}

// ownTermsProviders word credential, account and billing problems in the
// provider's own terms (its console, its names for the credentials).
var ownTermsProviders = map[providers.ProviderID]bool{
	providers.Dialog360: true, providers.Twilio: true, providers.MessageBird: true, providers.Vonage: true, providers.Maytapi: true,
}

func plainProviderError(ctx context.Context, e *providers.Error) string {
	p := errorProvider(ctx, e)
	says := errorSays(ctx, e)
	if ownTermsProviders[e.Provider] {
		console := i18n.T(ctx, "provider_errors.console."+string(e.Provider)+".console")
		creds := i18n.T(ctx, "provider_errors.console."+string(e.Provider)+".credentials")
		own := func(id string) string {
			return i18n.T(ctx, "provider_errors.own."+id, "Provider", p, "Code", errorCode(ctx, e), "Console", console,
				"Credentials", creds, "Says", says)
		}
		switch e.Kind {
		case providers.ErrorKindAuth:
			return own("auth")
		case providers.ErrorKindPermission:
			return own("permission")
		case providers.ErrorKindNotFound:
			return own("not_found")
		case providers.ErrorKindInvalidParameter:
			return own("invalid_parameter")
		case providers.ErrorKindAccountRestricted:
			return own("account_restricted")
		case providers.ErrorKindNotRegistered:
			return own("not_registered")
		case providers.ErrorKindPayment:
			return own("payment")
		}
	}
	t := func(id string) string { return i18n.T(ctx, "provider_errors."+id, "Provider", p, "Says", says) }
	switch e.Kind {
	case providers.ErrorKindNetwork:
		return t("network")
	case providers.ErrorKindAuth:
		return t("auth")
	case providers.ErrorKindPermission:
		if e.Op == providers.OpCreateUploadSession || e.Op == providers.OpUpload {
			return t("permission_upload")
		}
		return t("permission")
	case providers.ErrorKindInvalidParameter:
		if e.Op == providers.OpListBusinessAccounts {
			return t("invalid_business_id")
		}
		return t("invalid_parameter")
	case providers.ErrorKindNotFound:
		if e.Op == providers.OpCreateUploadSession {
			return t("not_found_app")
		}
		if e.Op == providers.OpListBusinessAccounts {
			return t("not_found_business")
		}
		return t("not_found")
	case providers.ErrorKindRateLimit:
		return t("rate_limit")
	case providers.ErrorKindThroughput:
		return t("throughput")
	case providers.ErrorKindPairRate:
		return t("pair_rate")
	case providers.ErrorKindWindowClosed:
		return t("window_closed")
	case providers.ErrorKindMarketingNotDelivered:
		return t("marketing_not_delivered")
	case providers.ErrorKindMarketingOptOut:
		return t("marketing_opt_out")
	case providers.ErrorKindUndeliverable:
		return t("undeliverable")
	case providers.ErrorKindTemplateParams:
		return t("template_params")
	case providers.ErrorKindTemplateMissing:
		return t("template_missing")
	case providers.ErrorKindTemplateUnavailable:
		return t("template_unavailable")
	case providers.ErrorKindAccountRestricted:
		return t("account_restricted")
	case providers.ErrorKindSpamLimit:
		return t("spam_limit")
	case providers.ErrorKindPayment:
		return t("payment")
	case providers.ErrorKindNotRegistered:
		return t("not_registered")
	case providers.ErrorKindMedia:
		return t("media")
	case providers.ErrorKindUnsupported:
		return t("unsupported")
	case providers.ErrorKindTemporary:
		return t("temporary")
	case providers.ErrorKindServer:
		if e.HTTPStatus != 0 {
			return i18n.T(ctx, "provider_errors.server_status", "Status", strconv.Itoa(e.HTTPStatus))
		}
		return t("server")
	}
	if e.Transient {
		return t("transient")
	}
	return t("returned_error")
}
