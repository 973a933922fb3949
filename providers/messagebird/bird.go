package messagebird

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Bird's newer platform signs webhook subscriptions differently from the
// Conversations API (contracts README, from docs.bird.com
// "verifying-a-webhook-subscription"): the base64 HMAC-SHA256, keyed with
// the subscription's signing key, of the request timestamp, a newline, the
// full request URL, a newline and the raw SHA-256 of the body.
//
// Only this check is implemented for Bird. Of Bird's workspace Channels API
// the contracts give only the resource path
// (/workspaces/{workspaceId}/channels/{channelId}/messages). Bird's pages
// (docs.bird.com api/channels-api, read 2026-12-07, not in the contracts)
// add: host api.bird.com, "Authorization: AccessKey …", a send body of
// {receiver: {contacts: [{identifierValue}]}, body: {type: "text", text:
// {text}}} or {template: …} answered 202, and webhook subscriptions for the
// "channels" service with events whatsapp.inbound and whatsapp.outbound
// filtered by channelId. The delivered event's body was not found, so no
// webhook parser, simulator, client or wizard step is built on it: a Bird
// Channels API channel cannot be connected in wadesk.
const (
	BirdSignatureHeader = "messagebird-signature"
	BirdTimestampHeader = "messagebird-request-timestamp"
	// BirdMaxSkew is how far the timestamp may be from the receive time.
	// The timestamp's format (Unix seconds here, milliseconds accepted) and
	// any tolerance Bird applies are not confirmed.
	BirdMaxSkew = 5 * time.Minute
)

// VerifyBirdSignature checks a Bird webhook signature (base64) made with
// signingKey for a request to fullURL with body, sent at timestamp and
// received at now. The comparison is constant-time.
func VerifyBirdSignature(signingKey, signature, timestamp, fullURL string, body []byte, now time.Time) error {
	if signingKey == "" || signature == "" || timestamp == "" {
		return fmt.Errorf("%w: Bird signature, timestamp or signing key missing", ErrSignatureInvalid)
	}
	sent, err := birdTime(timestamp)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSignatureInvalid, err)
	}
	if d := now.Sub(sent); d > BirdMaxSkew || d < -BirdMaxSkew {
		return fmt.Errorf("%w: timestamp %s is %v from now", ErrSignatureInvalid, timestamp, d.Round(time.Second))
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil {
		return fmt.Errorf("%w: signature is not base64", ErrSignatureInvalid)
	}
	if !hmac.Equal(got, BirdSignature(signingKey, timestamp, fullURL, body)) {
		return fmt.Errorf("%w: Bird signature does not match", ErrSignatureInvalid)
	}
	return nil
}

// BirdSignature is the raw HMAC Bird sends (base64-encoded) for a request.
func BirdSignature(signingKey, timestamp, fullURL string, body []byte) []byte {
	sum := sha256.Sum256(body)
	mac := hmac.New(sha256.New, []byte(signingKey))
	mac.Write([]byte(timestamp + "\n" + fullURL + "\n"))
	mac.Write(sum[:])
	return mac.Sum(nil)
}

// birdTime reads a Unix timestamp in seconds or milliseconds.
func birdTime(ts string) (time.Time, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, fmt.Errorf("timestamp %q is not a Unix time", ts)
	}
	if n > 1e12 {
		return time.UnixMilli(n), nil
	}
	return time.Unix(n, 0), nil
}
