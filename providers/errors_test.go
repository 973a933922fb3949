package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestClassifyMetaAndPlain(t *testing.T) {
	tests := []struct {
		name      string
		op        string
		code      int
		subcode   int
		status    int
		transient bool
		kind      ErrorKind
		retryable bool
		plain     string // substring of Plain()
	}{
		{name: "token expired", code: 190, subcode: 463, status: 401, kind: ErrorKindAuth, plain: "rejected the access token or it has expired"},
		{name: "token invalid", code: 190, status: 400, kind: ErrorKindAuth, plain: "access token"},
		{name: "no token", code: 104, status: 400, kind: ErrorKindAuth, plain: "access token"},
		{name: "outside 24h window", code: 131047, status: 400, kind: ErrorKindWindowClosed, plain: "24 hours"},
		{name: "outside 24h window (On-Premises 470)", code: 470, status: 400, kind: ErrorKindWindowClosed, plain: "24 hours"},
		{name: "throughput", code: 130429, status: 400, kind: ErrorKindThroughput, retryable: true, plain: "per-second"},
		{name: "pair rate", code: 131056, status: 400, kind: ErrorKindPairRate, retryable: true, plain: "this customer"},
		{name: "marketing not delivered", code: 131049, status: 400, kind: ErrorKindMarketingNotDelivered, plain: "marketing message"},
		{name: "undeliverable", code: 131026, status: 400, kind: ErrorKindUndeliverable, plain: "could not be delivered"},
		{name: "template parameter count", code: 132000, status: 400, kind: ErrorKindTemplateParams, plain: "do not match"},
		{name: "template missing", code: 132001, status: 404, kind: ErrorKindTemplateMissing, plain: "does not exist"},
		{name: "template paused", code: 132015, status: 400, kind: ErrorKindTemplateUnavailable, plain: "paused or disabled"},
		{name: "business ID wrong (100)", op: OpListBusinessAccounts, code: 100, status: 400, kind: ErrorKindInvalidParameter, plain: "Business Manager ID"},
		{name: "business ID wrong (100/33)", op: OpListBusinessAccounts, code: 100, subcode: 33, status: 400, kind: ErrorKindNotFound, plain: "Business Manager ID is wrong"},
		{name: "invalid parameter elsewhere", op: OpSendMessage, code: 100, status: 400, kind: ErrorKindInvalidParameter, plain: "did not accept part of the request"},
		{name: "app rate limit", code: 4, subcode: 2446079, status: 429, transient: true, kind: ErrorKindRateLimit, retryable: true, plain: "limit on API calls"},
		{name: "WABA rate limit", code: 80007, status: 429, kind: ErrorKindRateLimit, retryable: true, plain: "limit on API calls"},
		{name: "policy block", code: 368, status: 400, kind: ErrorKindAccountRestricted, plain: "restricted"},
		{name: "account locked", code: 131031, status: 400, kind: ErrorKindAccountRestricted, plain: "restricted"},
		{name: "permission", code: 200, subcode: 1349174, status: 403, kind: ErrorKindPermission, plain: "missing a permission"},
		{name: "permission 10", code: 10, status: 403, kind: ErrorKindPermission, plain: "permission"},
		{name: "not found", code: 803, status: 404, kind: ErrorKindNotFound, plain: "does not exist"},
		{name: "temporary 2", code: 2, status: 500, transient: true, kind: ErrorKindTemporary, retryable: true, plain: "temporary problem"},
		{name: "spam limit", code: 131048, status: 400, kind: ErrorKindSpamLimit, plain: "blocked or reported"},
		{name: "unsupported type", code: 131051, status: 400, kind: ErrorKindUnsupported, plain: "not supported"},
		{name: "no code, HTTP 502", status: 502, transient: true, kind: ErrorKindServer, retryable: true, plain: "HTTP 502"},
		{name: "no code, HTTP 401", status: 401, kind: ErrorKindAuth, plain: "access token"},
		{name: "no code, HTTP 429", status: 429, transient: true, kind: ErrorKindRateLimit, retryable: true, plain: "limit"},
		{name: "unknown code", code: 999999, status: 400, kind: ErrorKindUnknown, plain: "returned an error"},
		{name: "unknown code, transient", code: 999998, status: 400, transient: true, kind: ErrorKindUnknown, retryable: true, plain: "temporary problem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := ClassifyMeta(tt.code, tt.subcode, tt.status)
			if kind != tt.kind {
				t.Fatalf("ClassifyMeta(%d, %d, %d) = %q, want %q", tt.code, tt.subcode, tt.status, kind, tt.kind)
			}
			e := &Error{Provider: MetaCloud, Op: tt.op, Kind: kind, Code: tt.code, Subcode: tt.subcode,
				HTTPStatus: tt.status, Transient: tt.transient, Message: "provider text", TraceID: "TRACE1"}
			if got := e.Retryable(); got != tt.retryable {
				t.Errorf("Retryable() = %v, want %v", got, tt.retryable)
			}
			plain := e.Plain()
			if !strings.Contains(plain, tt.plain) {
				t.Errorf("Plain() = %q, want it to contain %q", plain, tt.plain)
			}
			if strings.Contains(plain, "TRACE1") {
				t.Errorf("Plain() leaks the trace ID: %q", plain)
			}
			if !strings.Contains(e.Error(), "TRACE1") {
				t.Errorf("Error() = %q, want the trace ID for logs", e.Error())
			}
		})
	}
}

func TestNetworkError(t *testing.T) {
	cause := fmt.Errorf("dial tcp 127.0.0.1:1: connect: connection refused")
	e := NewNetworkError(MetaCloud, OpSendMessage, cause)
	wrapped := fmt.Errorf("cloudapi: send message: %w", e)
	got, ok := AsError(wrapped)
	if !ok {
		t.Fatal("AsError did not find the provider error")
	}
	if got.Kind != ErrorKindNetwork || !got.Retryable() {
		t.Errorf("kind %q retryable %v, want network and retryable", got.Kind, got.Retryable())
	}
	if want := "Could not reach the provider"; !strings.Contains(got.Plain(), want) {
		t.Errorf("Plain() = %q, want %q", got.Plain(), want)
	}
	if !errors.Is(wrapped, cause) {
		t.Error("the network cause is not reachable with errors.Is")
	}
	if !IsRetryable(wrapped) {
		t.Error("IsRetryable(wrapped network error) = false")
	}
}

func TestErrorStringCarriesDetail(t *testing.T) {
	e := &Error{Provider: MetaCloud, Kind: ErrorKindAuth, Code: 190, Subcode: 463, HTTPStatus: 401,
		Message: "Session has expired", Details: "more", TraceID: "AbC"}
	s := e.Error()
	for _, want := range []string{"meta_cloud", "190", "463", "HTTP 401", "Session has expired", "more", "AbC"} {
		if !strings.Contains(s, want) {
			t.Errorf("Error() = %q, missing %q", s, want)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	pair := &Error{Kind: ErrorKindPairRate}
	for attempt, want := range []time.Duration{time.Second, 4 * time.Second, 16 * time.Second, 64 * time.Second} {
		if got := pair.RetryDelay(attempt); got != want {
			t.Errorf("pair rate RetryDelay(%d) = %v, want %v (4^X seconds)", attempt, got, want)
		}
	}
	if got := pair.RetryDelay(50); got != time.Hour {
		t.Errorf("RetryDelay(50) = %v, want the one-hour cap", got)
	}
	tput := &Error{Kind: ErrorKindThroughput}
	if got := tput.RetryDelay(2); got != 8*time.Second {
		t.Errorf("throughput RetryDelay(2) = %v, want 8s", got)
	}
	rl := &Error{Kind: ErrorKindRateLimit}
	if got := rl.RetryDelay(0); got != time.Minute {
		t.Errorf("rate limit RetryDelay(0) = %v, want 1m", got)
	}
}

func TestPlainHelper(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("x: %w", &Error{Kind: ErrorKindAuth}), "access token"},
		{fmt.Errorf("x: %w", &ValidationError{Err: errors.New("the text is empty")}), "The text is empty."},
		{fmt.Errorf("x: %w", context.Canceled), "cancelled"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "too long"},
		{io.ErrUnexpectedEOF, "Something went wrong"},
	}
	for _, tt := range tests {
		if got := Plain(tt.err); !strings.Contains(got, tt.want) || (tt.want == "" && got != "") {
			t.Errorf("Plain(%v) = %q, want it to contain %q", tt.err, got, tt.want)
		}
	}
}

func TestPlainDeliveryFailure(t *testing.T) {
	for _, tt := range []struct {
		code           int
		title, details string
		want           string // substring
	}{
		{131047, "Re-engagement message", "Message failed to send because more than 24 hours have passed", "More than 24 hours have passed since the customer's last message"},
		{470, "", "", "More than 24 hours"},
		{131026, "Message undeliverable", "", "could not be delivered"},
		{131049, "", "", "limit how many marketing messages"},
		{130429, "Rate limit hit", "", "per-second limit"},
		{131056, "", "", "Too many messages were sent to this customer"},
		{132000, "Number of parameters does not match", "body: expected 2, got 1", "Meta says: body: expected 2, got 1"},
		{132001, "Template does not exist", "", "does not exist in this language"},
		{131053, "Media upload error", "Unsupported file type", "Meta says: Unsupported file type"},
		{999, "Mystery", "Something odd happened", "WhatsApp did not deliver this message. (Meta says: Something odd happened)"},
		{0, "", "", "WhatsApp did not deliver this message."},
	} {
		got := PlainDeliveryFailure(MetaCloud, tt.code, tt.title, tt.details)
		if !strings.Contains(got, tt.want) {
			t.Errorf("PlainDeliveryFailure(%d, %q, %q) = %q, want it to contain %q", tt.code, tt.title, tt.details, got, tt.want)
		}
	}
}

// TestPlainInTheProvidersOwnTerms: a refused credential or a missing
// resource is worded in the channel's provider's terms, never Meta's.
func TestPlainInTheProvidersOwnTerms(t *testing.T) {
	for _, c := range []struct {
		e          Error
		want, nope string
	}{
		{Error{Provider: Twilio, Kind: ErrorKindAuth, Code: 20003, HTTPStatus: 401}, "Twilio refused this channel's credentials (Twilio error 20003). Check the Account SID and Auth Token", "Meta"},
		{Error{Provider: MessageBird, Kind: ErrorKindAuth, HTTPStatus: 401}, "refused this channel's credentials (HTTP 401). Check the access key", "Meta "},
		{Error{Provider: Vonage, Kind: ErrorKindAuth}, "Check the application ID and private key", "access token"},
		{Error{Provider: Dialog360, Kind: ErrorKindAuth}, "360dialog refused this channel's credentials. Check the channel's API key", "system-user"},
		{Error{Provider: Maytapi, Kind: ErrorKindNotFound}, "Maytapi does not know what was asked for", "access token"},
		{Error{Provider: Twilio, Kind: ErrorKindPermission, Message: "denied"}, "Twilio does not let these credentials do this", "whatsapp_business_management"},
		{Error{Provider: Vonage, Kind: ErrorKindPayment}, "Vonage refused the message because of the account's balance or billing", "Meta Business Settings"},
		{Error{Provider: MetaCloud, Kind: ErrorKindAuth}, "system-user access token", "Twilio"},
	} {
		got := c.e.Plain()
		if !strings.Contains(got, c.want) || strings.Contains(got, c.nope) {
			t.Errorf("%s %s: %q, want %q without %q", c.e.Provider, c.e.Kind, got, c.want, c.nope)
		}
	}
}
