package handlers

import (
	"context"
	"errors"
	"testing"

	"github.com/wadesk/wadesk/providers"
)

// TestPlainErrorReadsAsTheProvidersEnglish: the catalog's provider error
// words say in English exactly what providers.Plain says (which logs
// keep), for every kind, provider and special operation.
func TestPlainErrorReadsAsTheProvidersEnglish(t *testing.T) {
	kinds := []providers.ErrorKind{providers.ErrorKindUnknown, providers.ErrorKindAuth, providers.ErrorKindPermission,
		providers.ErrorKindInvalidParameter, providers.ErrorKindNotFound, providers.ErrorKindRateLimit, providers.ErrorKindThroughput,
		providers.ErrorKindPairRate, providers.ErrorKindWindowClosed, providers.ErrorKindMarketingNotDelivered,
		providers.ErrorKindMarketingOptOut, providers.ErrorKindUndeliverable, providers.ErrorKindTemplateParams,
		providers.ErrorKindTemplateMissing, providers.ErrorKindTemplateUnavailable, providers.ErrorKindAccountRestricted,
		providers.ErrorKindSpamLimit, providers.ErrorKindPayment, providers.ErrorKindNotRegistered, providers.ErrorKindMedia,
		providers.ErrorKindUnsupported, providers.ErrorKindTemporary, providers.ErrorKindServer, providers.ErrorKindNetwork}
	provs := []providers.ProviderID{"", providers.MetaCloud, providers.Dialog360, providers.Twilio, providers.MessageBird,
		providers.Vonage, providers.Maytapi, providers.CloudCompatible}
	ops := []string{providers.OpSendMessage, providers.OpUpload, providers.OpCreateUploadSession, providers.OpListBusinessAccounts}
	ctx := context.Background()
	n := 0
	for _, k := range kinds {
		for _, p := range provs {
			for _, op := range ops {
				for _, e := range []*providers.Error{
					{Provider: p, Kind: k, Op: op},
					{Provider: p, Kind: k, Op: op, Code: 131047, Message: "Re-engagement message", Transient: true},
					{Provider: p, Kind: k, Op: op, HTTPStatus: 503, Details: "try later"},
				} {
					n++
					if got, want := plainError(ctx, e), e.Plain(); got != want {
						t.Errorf("%s/%s/%s: catalog says %q, providers.Plain %q", p, k, op, got, want)
					}
				}
			}
		}
	}
	for _, err := range []error{errors.New("boom"), context.Canceled, context.DeadlineExceeded,
		&providers.ValidationError{Err: errors.New("the caption is too long")}} {
		if got, want := plainError(ctx, err), providers.Plain(err); got != want {
			t.Errorf("%v: catalog says %q, providers.Plain %q", err, got, want)
		}
	}
	if got, want := plainDeliveryFailure(ctx, "", 131026, "Message undeliverable", ""), providers.PlainDeliveryFailure("", 131026, "Message undeliverable", ""); got != want {
		t.Errorf("delivery failure: catalog says %q, providers %q", got, want)
	}
	if n < 100 {
		t.Fatalf("only %d cases", n)
	}
}
