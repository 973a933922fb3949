package messagebird

import (
	"errors"
	"testing"
	"time"
)

// TestVerifyBirdSignature checks Bird's webhook signature against a value
// computed independently (Python's hmac and hashlib) from the scheme in the
// contracts: base64(HMAC-SHA256(key, ts + "\n" + URL + "\n" + SHA256(body))).
func TestVerifyBirdSignature(t *testing.T) {
	const (
		key  = "bird-signing-key"
		ts   = "1765100000"
		url  = "https://desk.example/webhooks/9?x=1"
		want = "kiBevG6QgkhEKYo8h02jjTutAN0hyy4heGmq4+FLe3I="
	)
	body := []byte(`{"event":"whatsapp.inbound"}`)
	now := time.Unix(1765100030, 0)
	if err := VerifyBirdSignature(key, want, ts, url, body, now); err != nil {
		t.Fatalf("genuine signature refused: %v", err)
	}
	if err := VerifyBirdSignature(key, want, "1765100000000", url, body, now); err == nil {
		t.Fatal("a signature for another timestamp string accepted")
	}
	for name, tc := range map[string]struct {
		key, sig, ts, url string
		body              []byte
		now               time.Time
	}{
		"other key":        {"other", want, ts, url, body, now},
		"other url":        {key, want, ts, url + "&y=2", body, now},
		"other body":       {key, want, ts, url, []byte(`{}`), now},
		"other timestamp":  {key, want, "1765100001", url, body, now},
		"stale":            {key, want, ts, url, body, now.Add(10 * time.Minute)},
		"from the future":  {key, want, ts, url, body, now.Add(-10 * time.Minute)},
		"not base64":       {key, "%%%", ts, url, body, now},
		"no signature":     {key, "", ts, url, body, now},
		"no timestamp":     {key, want, "", url, body, now},
		"timestamp a word": {key, want, "yesterday", url, body, now},
		"no key":           {"", want, ts, url, body, now},
	} {
		if err := VerifyBirdSignature(tc.key, tc.sig, tc.ts, tc.url, tc.body, tc.now); !errors.Is(err, ErrSignatureInvalid) {
			t.Errorf("%s: err = %v, want ErrSignatureInvalid", name, err)
		}
	}
}
