package messagebird

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"
)

// signatureVector is one of MessageBird's published signature test cases
// (testdata/signature_jwt_vectors.json, copied from the contracts with its
// BSD-2 licence beside it).
type signatureVector struct {
	Name      string  `json:"name"`
	Method    string  `json:"method"`
	Secret    string  `json:"secret"`
	URL       string  `json:"url"`
	Payload   *string `json:"payload"`
	Timestamp string  `json:"timestamp"`
	Token     string  `json:"token"`
	Valid     bool    `json:"valid"`
	Reason    string  `json:"reason"`
}

func loadVectors(t *testing.T) []signatureVector {
	t.Helper()
	raw, err := os.ReadFile("testdata/signature_jwt_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []signatureVector
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestVerifySignatureVectors(t *testing.T) {
	vs := loadVectors(t)
	if len(vs) != 43 {
		t.Fatalf("%d vectors, want MessageBird's 43", len(vs))
	}
	valid := 0
	for _, v := range vs {
		if v.Valid {
			valid++
		}
		t.Run(v.Name, func(t *testing.T) {
			now, err := time.Parse(time.RFC3339, v.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			var body []byte
			if v.Payload != nil {
				body = []byte(*v.Payload)
			}
			err = VerifySignature(v.Secret, v.Token, v.URL, body, now)
			if v.Valid && err != nil {
				t.Fatalf("valid vector refused: %v", err)
			}
			if !v.Valid {
				if err == nil {
					t.Fatalf("invalid vector accepted (%s)", v.Reason)
				}
				if !errors.Is(err, ErrSignatureInvalid) {
					t.Fatalf("error %v is not ErrSignatureInvalid", err)
				}
			}
		})
	}
	if valid != 23 {
		t.Fatalf("%d valid vectors, want 23", valid)
	}
}

func TestVerifySignatureMissingOrNoKey(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	if err := VerifySignature("key", "", "https://x.test/", nil, now); !errors.Is(err, ErrSignatureMissing) {
		t.Fatalf("missing token: %v", err)
	}
	tok, err := Sign("key", "https://x.test/", nil, now, "j")
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifySignature("", tok, "https://x.test/", nil, now); !errors.Is(err, ErrSignatureInvalid) {
		t.Fatalf("empty key accepted: %v", err)
	}
}

func TestSignRoundTrip(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":"message.created"}`)
	url := "https://desk.example/webhooks/7?x=1"
	tok, err := Sign("k3y", url, body, now, "id-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifySignature("k3y", tok, url, body, now.Add(30*time.Second)); err != nil {
		t.Fatalf("own signature refused: %v", err)
	}
	for name, check := range map[string]func() error{
		"other key":  func() error { return VerifySignature("other", tok, url, body, now) },
		"other url":  func() error { return VerifySignature("k3y", tok, url+"&y=2", body, now) },
		"other body": func() error { return VerifySignature("k3y", tok, url, []byte(`{}`), now) },
		"no body":    func() error { return VerifySignature("k3y", tok, url, nil, now) },
		"expired":    func() error { return VerifySignature("k3y", tok, url, body, now.Add(2*time.Minute)) },
		"too early":  func() error { return VerifySignature("k3y", tok, url, body, now.Add(-time.Minute)) },
	} {
		if err := check(); !errors.Is(err, ErrSignatureInvalid) {
			t.Errorf("%s: got %v, want ErrSignatureInvalid", name, err)
		}
	}
}
