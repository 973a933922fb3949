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

// A search with fewer matching messages and contacts than these is read
// from its matches (see searchSQL). Counting up to them costs well under a
// millisecond. Contacts count for more: each is looked up once per
// channel, and a name is shared by many conversations.
// (Variables so that a test can make every search take each plan.)
var (
	fewMessageHits = 10000
	fewContactHits = 1000
)

// countUpTo counts the rows of the matches query (one column, one
// argument), reading at most n of them.
func (db *DB) countUpTo(ctx context.Context, matches, arg string, n int) (int, error) {
	var hits int
	err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+matches+` LIMIT ?)`, arg, n).Scan(&hits)
	return hits, err
}

const (
	messageMatches = `SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?`
	contactMatches = `SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?`
)

// searchSQL is how the inbox list finds the conversations of a parsed
// search: those whose contact's name or number matches, or one of whose
// messages does. It returns the list's FROM clause (conversations c,
// channels ch, contacts ct) with its arguments, and a condition on c with
// its arguments. Every plan selects the same conversations; they differ in
// the work SQLite does, which depends on how many messages and contacts
// match:
//
//   - few matches: the conversations of the matches are read first (each
//     match costs a lookup) and sorted. Reading the list in its order
//     instead would walk every conversation when nothing matches.
//   - many matching messages: the list is read in its order, as without a
//     search, and each conversation's messages (from the
//     messages_conversation index) are checked against the set of matching
//     message ids, built once; the page stops the reading. The unary +
//     keeps SQLite from walking the whole set of matches for every
//     conversation instead.
//   - otherwise (many contacts, few messages): the list is read in its
//     order among the conversations of the matches.
func (db *DB) searchSQL(ctx context.Context, q searchQuery) (from string, fromArgs []any, cond string, condArgs []any, err error) {
	messages, err := db.countUpTo(ctx, messageMatches, q.messages, fewMessageHits)
	if err != nil {
		return "", nil, "", nil, fmt.Errorf("store: count search matches: %w", err)
	}
	contacts := 0
	if q.contacts != "" {
		if contacts, err = db.countUpTo(ctx, contactMatches, q.contacts, fewContactHits); err != nil {
			return "", nil, "", nil, fmt.Errorf("store: count search matches: %w", err)
		}
	}
	if messages < fewMessageHits && contacts < fewContactHits {
		// CROSS JOIN keeps the matches the outer loop. Conversations are
		// found by contact through the (channel_id, contact_id) key, one
		// look-up per channel.
		hits := `SELECT m.conversation_id AS id FROM messages m WHERE m.id IN (` + messageMatches + `)`
		fromArgs = []any{q.messages}
		if q.contacts != "" {
			hits += ` UNION SELECT c2.id FROM channels ch2 JOIN conversations c2 ON c2.channel_id = ch2.id
				WHERE c2.contact_id IN (` + contactMatches + `)`
			fromArgs = append(fromArgs, q.contacts)
		}
		return ` FROM (` + hits + `) hit CROSS JOIN conversations c ON c.id = hit.id
			JOIN channels ch ON ch.id = c.channel_id JOIN contacts ct ON ct.id = c.contact_id`, fromArgs, "", nil, nil
	}
	cond = `c.id IN (SELECT m.conversation_id FROM messages m WHERE m.id IN (` + messageMatches + `))`
	if messages >= fewMessageHits {
		cond = `EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND +m.id IN (` + messageMatches + `))`
	}
	if q.contacts == "" {
		return conversationFrom, nil, ` AND ` + cond, []any{q.messages}, nil
	}
	return conversationFrom, nil, ` AND (c.contact_id IN (` + contactMatches + `) OR ` + cond + `)`,
		[]any{q.contacts, q.messages}, nil
}

// SearchHit is the newest message of a conversation that a search found.
type SearchHit struct {
	MessageID int64
	Text      string
}

// SearchHits returns, for each of the conversations (those the inbox list
// shows for a search), the newest of its messages that the search finds.
// A conversation found only by its contact's name or number has none.
func (db *DB) SearchHits(ctx context.Context, conversationIDs []int64, search string) (map[int64]SearchHit, error) {
	q, ok := parseSearch(search)
	if !ok || len(conversationIDs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(conversationIDs)+1)
	for _, id := range conversationIDs {
		args = append(args, id)
	}
	args = append(args, q.messages)
	rows, err := db.R.QueryContext(ctx, `SELECT m.conversation_id, m.id, m.text FROM messages m
		WHERE m.id IN (SELECT MAX(h.id) FROM messages h
			WHERE h.conversation_id IN (?`+strings.Repeat(", ?", len(conversationIDs)-1)+`)
			AND h.id IN (`+messageMatches+`)
			GROUP BY h.conversation_id)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search hits: %w", err)
	}
	defer rows.Close()
	hits := make(map[int64]SearchHit, len(conversationIDs))
	for rows.Next() {
		var conv int64
		var h SearchHit
		if err := rows.Scan(&conv, &h.MessageID, &h.Text); err != nil {
			return nil, fmt.Errorf("store: search hits: %w", err)
		}
		hits[conv] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search hits: %w", err)
	}
	return hits, nil
}
