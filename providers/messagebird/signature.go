package messagebird

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// SignatureHeader carries MessageBird's webhook signature: a JWT signed
// with the account's signing key (HS256, HS384 or HS512), with the claims
// iss "MessageBird", nbf, exp, jti, url_hash (hex SHA-256 of the full
// request URL) and, when the request has a body, payload_hash (hex SHA-256
// of the body). The scheme and its 43 test vectors come from MessageBird's
// published Go SDK (contracts: messagebird/signature_jwt_reference.json).
const SignatureHeader = "MessageBird-Signature-JWT"

// issuer is the iss claim every MessageBird signature carries.
const issuer = "MessageBird"

// signatureLeeway is the clock difference allowed on nbf and exp. The
// published vectors are checked at their exact receive time, so a second is
// enough to absorb clock skew without accepting a token a minute stale.
const signatureLeeway = time.Second

// signatureMethods are the signing methods MessageBird uses; "none" and
// asymmetric methods are refused before any key is used.
var signatureMethods = []string{jwt.SigningMethodHS256.Alg(), jwt.SigningMethodHS384.Alg(), jwt.SigningMethodHS512.Alg()}

// signatureClaims are the claims of a MessageBird-Signature-JWT.
type signatureClaims struct {
	jwt.RegisteredClaims
	URLHash     string `json:"url_hash"`
	PayloadHash string `json:"payload_hash,omitempty"`
}

// Errors VerifySignature returns, wrapped with the detail.
var (
	ErrSignatureMissing = errors.New("no MessageBird-Signature-JWT header")
	ErrSignatureInvalid = errors.New("invalid MessageBird signature")
)

// VerifySignature checks a MessageBird-Signature-JWT token for a request to
// fullURL (scheme, host, path and query exactly as MessageBird called it)
// with body, received at now, against signingKey. Hash claims are compared
// in constant time.
func VerifySignature(signingKey, token, fullURL string, body []byte, now time.Time) error {
	if token == "" {
		return ErrSignatureMissing
	}
	if signingKey == "" {
		return fmt.Errorf("%w: no signing key is set for the channel", ErrSignatureInvalid)
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods(signatureMethods),
		jwt.WithIssuer(issuer),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithLeeway(signatureLeeway),
	)
	var claims signatureClaims
	_, err := parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) {
		return []byte(signingKey), nil
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSignatureInvalid, err)
	}
	if claims.URLHash == "" || !hashEqual(claims.URLHash, []byte(fullURL)) {
		return fmt.Errorf("%w: claim url_hash does not match the request URL", ErrSignatureInvalid)
	}
	switch {
	case claims.PayloadHash == "" && len(body) > 0:
		return fmt.Errorf("%w: claim payload_hash is not set but the request has a body", ErrSignatureInvalid)
	case claims.PayloadHash != "" && len(body) == 0:
		return fmt.Errorf("%w: claim payload_hash is set but the request has no body", ErrSignatureInvalid)
	case claims.PayloadHash != "" && !hashEqual(claims.PayloadHash, body):
		return fmt.Errorf("%w: claim payload_hash does not match the body", ErrSignatureInvalid)
	}
	return nil
}

// hashEqual reports whether claim is the hex SHA-256 of data, in constant
// time.
func hashEqual(claim string, data []byte) bool {
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(claim), []byte(want)) == 1
}

// Sign returns a MessageBird-Signature-JWT for a request to fullURL with
// body, valid from now for a minute: what MessageBird sends, for the
// simulator and tests.
func Sign(signingKey, fullURL string, body []byte, now time.Time, jti string) (string, error) {
	u := sha256.Sum256([]byte(fullURL))
	claims := signatureClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
			ID:        jti,
		},
		URLHash: hex.EncodeToString(u[:]),
	}
	if len(body) > 0 {
		p := sha256.Sum256(body)
		claims.PayloadHash = hex.EncodeToString(p[:])
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(signingKey))
}
