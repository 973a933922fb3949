package health

import (
	"errors"
	"fmt"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// finding is what one check concluded.
type finding struct {
	// transient: the provider could not be asked; keep the state.
	transient bool
	state     string
	// reason is the plain-words state reason shown on the channel page and
	// in alert emails.
	reason string
	// action says what an admin should do about a disconnection.
	action string
}

// assess maps a provider's answer to a channel state. title names the
// channel in the advice.
func assess(provider providers.ProviderID, title string, pn providers.PhoneNumber, err error, now time.Time) finding {
	if err != nil {
		return assessError(provider, title, err, now)
	}
	return assessNumber(pn)
}

func unreachable(now time.Time) finding {
	return finding{
		transient: true,
		reason:    fmt.Sprintf("Could not reach the provider at %s UTC; will try again.", now.UTC().Format("15:04")),
	}
}

func assessError(provider providers.ProviderID, title string, err error, now time.Time) finding {
	pe, ok := providers.AsError(err)
	if !ok {
		var ve *providers.ValidationError
		if errors.As(err, &ve) {
			// wadesk's own data is incomplete (a missing number ID, say).
			return finding{state: store.ChannelNeedsAttention, reason: providers.Plain(err)}
		}
		// A timeout, or anything else that did not come from the provider.
		return unreachable(now)
	}
	who := providerWord(provider)
	switch pe.Kind {
	case providers.ErrorKindAuth:
		code := ""
		if pe.Code != 0 {
			code = fmt.Sprintf(" (error %d)", pe.Code)
		}
		return finding{
			state:  store.ChannelDisconnected,
			reason: who + " rejected the access token" + code + ": it has expired or was revoked, so wadesk can no longer send or receive messages on this number.",
			action: tokenAdvice(provider, title),
		}
	case providers.ErrorKindNotFound:
		return finding{
			state:  store.ChannelDisconnected,
			reason: who + " no longer shows this number to wadesk's access token: the number was deleted, or the token lost access to its WhatsApp Business Account.",
			action: "In Meta Business Settings, check that the system user still has access to the WhatsApp Business Account of this number. " +
				"If the number moved to another account, connect it again as a new channel in wadesk and delete this one.",
		}
	case providers.ErrorKindNetwork, providers.ErrorKindServer, providers.ErrorKindTemporary,
		providers.ErrorKindRateLimit, providers.ErrorKindThroughput:
		return unreachable(now)
	case providers.ErrorKindPermission, providers.ErrorKindAccountRestricted, providers.ErrorKindPayment,
		providers.ErrorKindNotRegistered:
		return finding{state: store.ChannelNeedsAttention, reason: pe.Plain()}
	}
	if pe.Retryable() {
		return unreachable(now)
	}
	return finding{state: store.ChannelNeedsAttention, reason: "The last check failed: " + pe.Plain()}
}

// disconnectedStatuses are number statuses under which no message flows.
var disconnectedStatuses = map[string]string{
	"BANNED": "Open WhatsApp Manager to see why WhatsApp banned the number, and request a review there if you think it is a mistake.",
	"DISCONNECTED": "Open WhatsApp Manager, check the phone number and register it again. " +
		"wadesk notices within minutes when it works again.",
	"UNLINKED": "Open WhatsApp Manager, check the phone number and register it again. " +
		"wadesk notices within minutes when it works again.",
	providers.PhoneLoggedOut: "Open the channel in wadesk, press Pair again and scan the QR code with WhatsApp on the phone (Settings → Linked devices). " +
		"wadesk notices within minutes when it works again.",
	"DELETED": "If the number still belongs to you, add it to a WhatsApp Business Account again and connect it as a new channel in wadesk.",
	"MIGRATED": "If you want to keep using the number with wadesk, connect it again as a new channel from the account it moved to, " +
		"and delete this one.",
}

func assessNumber(pn providers.PhoneNumber) finding {
	ok, why := pn.Usable()
	if action, down := disconnectedStatuses[pn.Status]; down {
		return finding{state: store.ChannelDisconnected, reason: why, action: action}
	}
	if !ok {
		return finding{state: store.ChannelNeedsAttention, reason: why}
	}
	switch pn.Status {
	case "FLAGGED", "RESTRICTED", "RATE_LIMITED":
		return finding{state: store.ChannelNeedsAttention, reason: why}
	}
	if pn.QualityRating == "RED" {
		return finding{state: store.ChannelNeedsAttention,
			reason: "The quality rating of this number is low. Customers have been blocking or reporting its messages."}
	}
	if why != "" && pn.AccountMode != "SANDBOX" {
		// A status wadesk does not know.
		return finding{state: store.ChannelNeedsAttention, reason: why}
	}
	return finding{state: store.ChannelConnected, reason: why}
}

// providerWord names a provider in a sentence.
func providerWord(p providers.ProviderID) string {
	switch p {
	case "", providers.MetaCloud, providers.CloudCompatible:
		return "Meta"
	}
	if d, ok := providers.Describe(p); ok {
		return d.Name
	}
	return string(p)
}

func tokenAdvice(p providers.ProviderID, title string) string {
	where := "Channels → " + title + " → Edit"
	if p == providers.MetaCloud || p == "" {
		return "Create a new access token for your system user in Meta Business Settings (Users → System users → Generate new token, " +
			"with the whatsapp_business_management and whatsapp_business_messaging permissions), then paste it under " + where +
			". wadesk checks the channel again and emails you when it works."
	}
	return "Create a new access token or API key with " + providerWord(p) + " and paste it under " + where +
		". wadesk checks the channel again and emails you when it works."
}

// Diagnosis is a one-off reading of a provider's answer about a channel's
// number, for `wadesk doctor`: the state the channel would get, the
// reason in plain words, what to do, and whether the provider could be
// asked at all.
type Diagnosis struct {
	State, Reason, Action string
	Unreachable           bool
}

// Diagnose reads the provider's answer (or error) about a channel's
// number the way the periodic check does, without recording anything.
func Diagnose(provider providers.ProviderID, title string, pn providers.PhoneNumber, err error) Diagnosis {
	f := assess(provider, title, pn, err, time.Now())
	return Diagnosis{State: f.state, Reason: f.reason, Action: f.action, Unreachable: f.transient}
}
