package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestParseSearch(t *testing.T) {
	tests := []struct {
		in                 string
		messages, contacts string
		ok                 bool
	}{
		{"pizza", `"pizza"*`, `"pizza"`, true},
		{"pizza ", `"pizza"`, `"pizza"`, true},
		{"Big pizza", `"Big" "pizza"*`, `"Big" "pizza"`, true},
		{`say "hi"`, `"say" """hi"""*`, `"say" """hi"""`, true},
		{"a OR b", `"a" "OR" "b"*`, ``, true},
		{"NEAR(a b)", `"NEAR(a" "b)"*`, `"NEAR(a"`, true},
		{"+1 (650) 555-1234", `"+1" "(650)" "555-1234"*`, `"16505551234"`, true},
		{"12", `"12"*`, ``, true},
		{"tab\there\x00nul", `"tab" "here" "nul"*`, `"tab" "here" "nul"`, true},
		{`" * - ( )`, ``, ``, false},
		{"🍕🍕", ``, ``, false},
		{"", ``, ``, false},
	}
	for _, tt := range tests {
		q, ok := parseSearch(tt.in)
		if ok != tt.ok || q.messages != tt.messages || q.contacts != tt.contacts {
			t.Errorf("parseSearch(%q) = %q, %q, %v; want %q, %q, %v", tt.in, q.messages, q.contacts, ok, tt.messages, tt.contacts, tt.ok)
		}
	}
}

// TestSearchMigrationIndexesExistingRows builds a database as it was before
// the search migration, with a conversation in it, and opens it: the
// migration indexes what was there.
func TestSearchMigrationIndexesExistingRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wadesk.db")
	raw, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	now := formatTime(time.Now())
	stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`}
	for _, m := range ms {
		if m.version >= 7 {
			break
		}
		stmts = append(stmts, m.sql, `INSERT INTO schema_migrations VALUES (`+strconv.Itoa(m.version)+`, '`+m.name+`', '`+now+`')`)
	}
	stmts = append(stmts,
		`INSERT INTO channels (id, title, provider, business_id, waba_id, phone_number_id, access_token_enc, app_secret_enc,
			verify_token_enc, state, created_at, updated_at) VALUES (1, 'Shop', 'meta_cloud', 'b', 'w', 'p', x'', x'', x'', 'connected', '`+now+`', '`+now+`')`,
		`INSERT INTO contacts (id, phone, wa_id, name, created_at, updated_at) VALUES (1, '+351910000001', '351910000001', 'Inês Old', '`+now+`', '`+now+`')`,
		`INSERT INTO conversations (id, channel_id, contact_id, last_message_at, created_at, updated_at) VALUES (1, 1, 1, '`+now+`', '`+now+`', '`+now+`')`,
		`INSERT INTO messages (conversation_id, direction, type, text, wa_timestamp, created_at) VALUES (1, 'in', 'text', 'Bom dia, tem pastéis?', '`+now+`', '`+now+`')`,
	)
	for _, s := range stmts {
		if _, err := raw.ExecContext(ctx, s); err != nil {
			t.Fatalf("%.60s: %v", s, err)
		}
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"pasteis", "ines", "910000"} {
		got, _, err := db.ListConversations(ctx, InboxViewer{Admin: true}, ConversationFilter{Search: q})
		if err != nil || len(got) != 1 || got[0].ID != 1 {
			t.Errorf("search %q after the migration: %+v, %v", q, got, err)
		}
	}
}
