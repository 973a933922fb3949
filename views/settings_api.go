package views

import "time"

// APIKeysView is Settings → API keys.
type APIKeysView struct {
	Keys []APIKeyRow
	// NewKey is the key just created, shown this once.
	NewKey     string
	NewKeyName string
	Name       string
	Send, Read bool
	Errors     Errors
}

// APIKeyRow is one key (never the key itself).
type APIKeyRow struct {
	ID        int64
	Name      string
	Prefix    string
	Scopes    []string
	CreatedAt time.Time
	LastUsed  *time.Time
	Revoked   *time.Time
}
