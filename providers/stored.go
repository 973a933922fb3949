package providers

import (
	"encoding/json"
	"strings"
)

// storedInboundFormat marks an inbound message stored in wadesk's
// provider-neutral form.
const storedInboundFormat = "wadesk.inbound/1"

// storedInbound is how an inbound message is kept: the neutral message,
// whose Raw is the provider's own message object, kept for audit and
// reprocessing.
type storedInbound struct {
	Format  string         `json:"format"`
	Message InboundMessage `json:"message"`
}

// EncodeInbound is the stored form of m: provider-neutral, so a photo
// from any provider is read back (and shown) the same way.
func EncodeInbound(m InboundMessage) (string, error) {
	b, err := json.Marshal(storedInbound{Format: storedInboundFormat, Message: m})
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// DecodeInbound reads a message stored by EncodeInbound; ok is false for
// anything else (such as a provider's message object stored by an older
// wadesk).
func DecodeInbound(payload string) (m InboundMessage, ok bool) {
	if !strings.HasPrefix(payload, `{"format":"`+storedInboundFormat+`"`) {
		return InboundMessage{}, false
	}
	var s storedInbound
	if err := json.Unmarshal([]byte(payload), &s); err != nil || s.Format != storedInboundFormat {
		return InboundMessage{}, false
	}
	return s.Message, true
}
