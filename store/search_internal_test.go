package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
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

// TestSearchPlansAgree makes every search take each of searchSQL's plans
// and checks they find the same conversations in the same order, page by
// page, for an admin and for an agent of one department.
func TestSearchPlansAgree(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	exec := func(q string, args ...any) int64 {
		t.Helper()
		res, err := db.W.ExecContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	ts := formatTime(now)
	var channels []int64
	for i := range 2 {
		channels = append(channels, exec(`INSERT INTO channels (title, provider, business_id, waba_id, phone_number_id,
			access_token_enc, app_secret_enc, verify_token_enc, state, created_at, updated_at)
			VALUES (?, 'meta_cloud', 'b', 'w', ?, x'', x'', x'', 'connected', ?, ?)`, "Shop "+strconv.Itoa(i), "p"+strconv.Itoa(i), ts, ts))
	}
	dept := exec(`INSERT INTO departments (name, created_at) VALUES ('Sales', ?)`, ts)
	agent := exec(`INSERT INTO users (email, name, password_hash, role, created_at, updated_at)
		VALUES ('agent@example.test', 'Agent', 'x', 'agent', ?, ?)`, ts, ts)
	exec(`INSERT INTO user_departments (user_id, department_id) VALUES (?, ?)`, agent, dept)
	names := []string{"Ana Silva", "Bruno Costa", "Carla Silva", "Diana Rossi", "Ana Kim"}
	words := []string{"cake", "bread", "refund", "cake order", "Cakes today", "tracking"}
	for i := range 60 {
		contact := exec(`INSERT INTO contacts (phone, wa_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			"+35191000"+strconv.Itoa(1000+i), "35191000"+strconv.Itoa(1000+i), names[i%len(names)], ts, ts)
		var department any
		if i%3 == 0 {
			department = dept
		} else if i%3 == 1 {
			department = exec(`INSERT INTO departments (name, created_at) VALUES (?, ?)`, "Other "+strconv.Itoa(i), ts)
		}
		// Activity order is not id order, and some conversations share
		// their last activity.
		last := formatTime(now.Add(-time.Duration((i*37)%50) * time.Minute))
		conv := exec(`INSERT INTO conversations (channel_id, contact_id, department_id, last_message_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, channels[i%2], contact, department, last, ts, ts)
		for j := range i % 4 {
			exec(`INSERT INTO messages (conversation_id, direction, type, text, wa_timestamp, created_at)
				VALUES (?, 'in', 'text', ?, ?, ?)`, conv, words[(i+j)%len(words)], ts, ts)
		}
	}
	viewers := []InboxViewer{{Admin: true}, {UserID: agent}}
	list := func(v InboxViewer, search string) []int64 {
		t.Helper()
		var ids []int64
		f := ConversationFilter{Search: search, Limit: 7}
		for {
			cs, next, err := db.ListConversations(ctx, v, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			if next == nil {
				return ids
			}
			f.After = next
		}
	}
	defer func(m, c int) { fewMessageHits, fewContactHits = m, c }(fewMessageHits, fewContactHits)
	plans := []struct{ messages, contacts int }{
		{1 << 30, 1 << 30}, // from the matches
		{1, 1},             // in order, messages checked per conversation
		{1 << 30, 1},       // in order, among the conversations of the matches
	}
	for _, search := range []string{"cake", "Cake ", "silva", "ana", "cake order", "refund", "9100010", "nothing", "bre"} {
		for _, v := range viewers {
			var want []int64
			for i, p := range plans {
				fewMessageHits, fewContactHits = p.messages, p.contacts
				got := list(v, search)
				if i == 0 {
					want = got
					if len(want) == 0 && search != "nothing" {
						t.Errorf("search %q (admin %v) found nothing", search, v.Admin)
					}
					continue
				}
				if !slices.Equal(got, want) {
					t.Errorf("search %q (admin %v), plan %d: %v; plan 0: %v", search, v.Admin, i, got, want)
				}
			}
		}
	}
}
