package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Languages only change how the console reads: the console's default
// (Settings), which a user may override with their own (Account). Values
// are BCP 47 tags; "" means "not chosen". Callers check the tags.

const settingLanguage = "language"

// Languages are the languages that decide how a user reads the console.
type Languages struct {
	Console string // "" lets the browser decide
	User    string // "" follows Console
}

// LanguagesOf reads the console's and the user's language in one statement.
func (db *DB) LanguagesOf(ctx context.Context, userID int64) (Languages, error) {
	var l Languages
	err := db.R.QueryRowContext(ctx, `SELECT u.language,
		COALESCE((SELECT s.value FROM console_settings s WHERE s.name = ?), '')
		FROM users u WHERE u.id = ?`, settingLanguage, userID).Scan(&l.User, &l.Console)
	if errors.Is(err, sql.ErrNoRows) {
		return Languages{}, ErrNotFound
	}
	if err != nil {
		return Languages{}, fmt.Errorf("store: languages of user %d: %w", userID, err)
	}
	return l, nil
}

// ConsoleLanguage is the console's default language, "" when never set.
func (db *DB) ConsoleLanguage(ctx context.Context) (string, error) {
	var v string
	err := db.R.QueryRowContext(ctx, `SELECT value FROM console_settings WHERE name = ?`, settingLanguage).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: console language: %w", err)
	}
	return v, nil
}

// SetConsoleLanguage stores the console's default language.
func (db *DB) SetConsoleLanguage(ctx context.Context, lang string) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO console_settings (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		settingLanguage, lang, formatTime(time.Now()))
	if err != nil {
		return fmt.Errorf("store: set console language: %w", err)
	}
	return nil
}

// SetUserLanguage stores a user's own language; "" follows the console.
func (db *DB) SetUserLanguage(ctx context.Context, userID int64, lang string) error {
	res, err := db.W.ExecContext(ctx, `UPDATE users SET language = ?, updated_at = ? WHERE id = ?`, lang, formatTime(time.Now()), userID)
	if err != nil {
		return fmt.Errorf("store: set language of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
