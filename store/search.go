package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrNoFTS5 means the program was built without SQLite's FTS5, which the
// inbox search needs.
var ErrNoFTS5 = errors.New("store: SQLite was built without FTS5: build with -tags sqlite_fts5, as the Makefile does")

// requireFTS5 fails unless the linked SQLite has FTS5. mattn/go-sqlite3
// compiles it in only with the sqlite_fts5 build tag; without it the
// search migration would fail with a bare "no such module: fts5".
func requireFTS5(ctx context.Context, db *sql.DB) error {
	var on bool
	if err := db.QueryRowContext(ctx, "SELECT sqlite_compileoption_used('ENABLE_FTS5')").Scan(&on); err != nil {
		return fmt.Errorf("store: check for FTS5: %w", err)
	}
	if !on {
		return ErrNoFTS5
	}
	return nil
}

// searchQuery is what a user typed in the inbox search, made into FTS5
// queries that cannot fail: every word is a double-quoted string, so FTS5's
// operators (OR, NOT, NEAR, *, ^, column filters, parentheses) are plain
// words, and every word must match.
type searchQuery struct {
	// messages matches message text word by word (unicode61); the last
	// word also matches words it begins, since people search as they type.
	messages string
	// contacts matches any part of a contact's name or number (trigram);
	// "" when no word is long enough for it (three characters).
	contacts string
}

// minTrigramRunes is the shortest string a trigram index can find.
const minTrigramRunes = 3

// parseSearch builds the queries for text; ok is false when text holds
// nothing searchable (only spaces or punctuation), which matches nothing.
func parseSearch(text string) (q searchQuery, ok bool) {
	// Control characters (a NUL among them) are never part of a word.
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	fields := strings.Fields(text)
	var words []string
	for _, f := range fields {
		// The unicode61 tokenizer keeps letters, numbers and private-use
		// characters and splits on everything else; a field with none of
		// them would be an empty phrase.
		if strings.IndexFunc(f, isWordRune) >= 0 {
			words = append(words, f)
		}
	}
	if len(words) == 0 {
		return searchQuery{}, false
	}
	var m strings.Builder
	for i, w := range words {
		if i > 0 {
			m.WriteByte(' ')
		}
		m.WriteString(quoteFTS(w))
		// The last word also matches words it begins, unless a space
		// after it says it is complete.
		if i == len(words)-1 && !unicode.IsSpace(lastRune(text)) {
			m.WriteByte('*')
		}
	}
	q.messages = m.String()

	// Numbers are typed in many ways (+1 650-555-1234, (650) 555 1234);
	// contacts.phone is E.164, so a query made only of digits and phone
	// punctuation is searched as its digits run together.
	var parts []string
	if digits, isPhone := phoneDigits(text); isPhone {
		parts = []string{digits}
	} else {
		parts = words
	}
	var c strings.Builder
	for _, w := range parts {
		if utf8.RuneCountInString(w) < minTrigramRunes {
			continue
		}
		if c.Len() > 0 {
			c.WriteByte(' ')
		}
		c.WriteString(quoteFTS(w))
	}
	q.contacts = c.String()
	return q, true
}

// quoteFTS makes s an FTS5 string: inside double quotes everything is
// literal, and a double quote is written twice.
func quoteFTS(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// phoneDigits returns the digits of text when text looks like a phone
// number: digits with spaces and + - ( ) . only, at least three digits.
func phoneDigits(text string) (string, bool) {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsSpace(r) || strings.ContainsRune("+-().", r):
		default:
			return "", false
		}
	}
	return b.String(), b.Len() >= minTrigramRunes
}

// searchCondition is the SQL condition (on conversations c) and its
// arguments for a parsed search: the contact's name or number matches, or
// one of the conversation's messages does.
func searchCondition(q searchQuery) (string, []any) {
	messages := `c.id IN (SELECT m.conversation_id FROM messages m
		WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?))`
	if q.contacts == "" {
		return ` AND ` + messages, []any{q.messages}
	}
	return ` AND (c.contact_id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?) OR ` + messages + `)`,
		[]any{q.contacts, q.messages}
}
