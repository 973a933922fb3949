package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TLS modes of the outgoing mail connection.
const (
	// MailTLSStartTLS connects in plain text and upgrades with STARTTLS
	// before anything secret is sent (usually port 587). It is the default.
	MailTLSStartTLS = "starttls"
	// MailTLSImplicit speaks TLS from the first byte (usually port 465).
	MailTLSImplicit = "tls"
	// MailTLSNone sends everything unencrypted; only for a relay on the same
	// machine or a trusted network.
	MailTLSNone = "none"
)

// DefaultMailPort is the submission port used until settings are saved.
const DefaultMailPort = 587

// MailSettings is how wadesk sends email. The password is not part of it:
// read it with MailPassword when connecting.
type MailSettings struct {
	Host        string
	Port        int
	Username    string
	HasPassword bool
	FromAddress string
	TLSMode     string
	// UpdatedAt is zero when the settings were never saved.
	UpdatedAt time.Time
}

// Configured reports whether enough is set to send email.
func (m MailSettings) Configured() bool {
	return m.Host != "" && m.FromAddress != ""
}

// Addr is host:port, as shown in messages about the connection.
func (m MailSettings) Addr() string {
	return fmt.Sprintf("%s:%d", m.Host, m.Port)
}

// mailSettingsID is the only row of mail_settings.
const mailSettingsID = 1

// MailSettings returns the outgoing mail settings, or the defaults (port
// 587, STARTTLS, nothing else set) when they were never saved.
func (db *DB) MailSettings(ctx context.Context) (MailSettings, error) {
	var m MailSettings
	var updated string
	err := db.R.QueryRowContext(ctx, `SELECT host, port, username, password_enc IS NOT NULL, from_address,
		tls_mode, updated_at FROM mail_settings WHERE id = ?`, mailSettingsID).
		Scan(&m.Host, &m.Port, &m.Username, &m.HasPassword, &m.FromAddress, &m.TLSMode, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return MailSettings{Port: DefaultMailPort, TLSMode: MailTLSStartTLS}, nil
	}
	if err != nil {
		return MailSettings{}, fmt.Errorf("store: mail settings: %w", err)
	}
	if m.UpdatedAt, err = parseTime(updated); err != nil {
		return MailSettings{}, fmt.Errorf("store: mail settings: %w", err)
	}
	return m, nil
}

// MailPassword decrypts the stored SMTP password ("" when there is none).
func (db *DB) MailPassword(ctx context.Context) (string, error) {
	var sealed []byte
	err := db.R.QueryRowContext(ctx, "SELECT password_enc FROM mail_settings WHERE id = ?", mailSettingsID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: mail password: %w", err)
	}
	if len(sealed) == 0 {
		return "", nil
	}
	pw, err := db.open(sealed, "mail_settings", mailSettingsID, "smtp password")
	if err != nil {
		return "", fmt.Errorf("store: mail password: %w", err)
	}
	return pw, nil
}

// MailSettingsUpdate is what the settings page saves. The password is
// write-only: nil keeps the stored one. Without a username no password is
// kept at all, since wadesk only signs in when a username is set.
type MailSettingsUpdate struct {
	Host        string
	Port        int
	Username    string
	Password    *string
	FromAddress string
	TLSMode     string
}

// SaveMailSettings stores the outgoing mail settings.
func (db *DB) SaveMailSettings(ctx context.Context, up MailSettingsUpdate) error {
	switch up.TLSMode {
	case MailTLSStartTLS, MailTLSImplicit, MailTLSNone:
	default:
		return fmt.Errorf("store: save mail settings: unknown TLS mode %q", up.TLSMode)
	}
	if up.Port < 1 || up.Port > 65535 {
		return fmt.Errorf("store: save mail settings: port %d out of range", up.Port)
	}
	user := strings.TrimSpace(up.Username)
	var sealed []byte
	if user != "" && up.Password != nil && *up.Password != "" {
		var err error
		if sealed, err = db.seal(*up.Password, "mail_settings", mailSettingsID, "smtp password"); err != nil {
			return fmt.Errorf("store: save mail settings: %w", err)
		}
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_settings (id, host, port, username, from_address, tls_mode, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET host = excluded.host, port = excluded.port, username = excluded.username,
			from_address = excluded.from_address, tls_mode = excluded.tls_mode, updated_at = excluded.updated_at`,
			mailSettingsID, strings.TrimSpace(up.Host), up.Port, user, strings.TrimSpace(up.FromAddress), up.TLSMode, now)
		if err != nil {
			return err
		}
		switch {
		case user == "":
			_, err = tx.ExecContext(ctx, "UPDATE mail_settings SET password_enc = NULL WHERE id = ?", mailSettingsID)
		case sealed != nil:
			_, err = tx.ExecContext(ctx, "UPDATE mail_settings SET password_enc = ? WHERE id = ?", sealed, mailSettingsID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save mail settings: %w", err)
	}
	return nil
}
