package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// InboxSeed describes a synthetic inbox for benchmarks: conversations of
// customers on several channels and departments, with a history of
// messages each.
type InboxSeed struct {
	Conversations           int
	MessagesPerConversation int
	Channels                int
	Departments             int
	// Agents are created one per department, round robin.
	Agents int
	// PasswordHash is every seeded user's password hash.
	PasswordHash string
	// One conversation in UnreadEvery (at random) has unread messages, one
	// in ResolvedEvery is resolved, one in AssignedEvery is assigned (to an
	// agent of its department, or the admin); 0 means none.
	UnreadEvery, ResolvedEvery, AssignedEvery int
}

// SeededInbox is what SeedInbox created.
type SeededInbox struct {
	AdminEmail    string
	AgentEmails   []string
	ChannelIDs    []int64
	DepartmentIDs []int64
	// Words are the words the messages are made of, most frequent first;
	// Names the customers' first names.
	Words []string
	Names []string
}

var seedWords = strings.Fields(`hello thanks order delivery price please when today tomorrow can you
	the my is it a for with to of and we have available size colour cake bread coffee open close hours
	refund invoice address payment card cash pickup shop store week weekend saturday sunday monday morning
	evening receipt discount voucher gift box chocolate lemon vanilla strawberry almond gluten vegan menu
	table booking reservation birthday wedding party catering quote urgent late missing broken wrong
	replacement tracking courier parcel label return exchange stock restock email phone call message`)

var seedFirst = strings.Fields(`Ana Bruno Carla Diego Elena Farid Gina Hugo Inês João Kira Luca Marta Nuno
	Olga Pedro Rita Sara Tomás Ugo Vera Wen Xavi Yara Zoë Ahmed Björn Chloé Dara Emil`)

var seedLast = strings.Fields(`Silva Santos Costa Pereira Oliveira Rossi Müller Garcia Novak Kim Sato
	Haddad Dubois Jensen Moreau Lopez Okafor Tanaka Weber Kowalski`)

// SeedInbox fills db with a synthetic inbox, fast: departments, channels
// and users through the store, then contacts, conversations and messages
// in one transaction of prepared statements. It is deterministic.
func SeedInbox(tb testing.TB, db *store.DB, cfg InboxSeed) SeededInbox {
	tb.Helper()
	ctx := context.Background()
	out := SeededInbox{AdminEmail: "admin@seed.test", Words: seedWords, Names: seedFirst}
	for i := range cfg.Departments {
		d, err := db.CreateDepartment(ctx, fmt.Sprintf("Department %d", i+1))
		if err != nil {
			tb.Fatal(err)
		}
		out.DepartmentIDs = append(out.DepartmentIDs, d.ID)
	}
	admin, err := db.CreateUser(ctx, store.NewUser{Email: out.AdminEmail, Name: "Seed Admin", Role: store.RoleAdmin, PasswordHash: cfg.PasswordHash})
	if err != nil {
		tb.Fatal(err)
	}
	agentsOf := map[int64][]int64{}
	for i := range cfg.Agents {
		nu := store.NewUser{Email: fmt.Sprintf("agent%d@seed.test", i+1), Name: fmt.Sprintf("Seed Agent %d", i+1),
			Role: store.RoleAgent, PasswordHash: cfg.PasswordHash}
		var dept int64
		if len(out.DepartmentIDs) > 0 {
			dept = out.DepartmentIDs[i%len(out.DepartmentIDs)]
			nu.DepartmentIDs = []int64{dept}
		}
		u, err := db.CreateUser(ctx, nu)
		if err != nil {
			tb.Fatal(err)
		}
		out.AgentEmails = append(out.AgentEmails, nu.Email)
		agentsOf[dept] = append(agentsOf[dept], u.ID)
	}
	for i := range cfg.Channels {
		phone := fmt.Sprintf("90%04d", i+1)
		ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: fmt.Sprintf("Channel %d", i+1), Provider: "meta_cloud",
			BusinessID: "seed", WABAID: "seed", PhoneNumberID: phone, DisplayPhoneNumber: "+1 555 " + phone,
			Secrets: store.ChannelSecrets{AccessToken: "seed-token", AppSecret: "seed-secret", VerifyToken: "seed-verify"}})
		if err != nil {
			tb.Fatal(err)
		}
		if err := db.ActivateChannel(ctx, ch.ID); err != nil {
			tb.Fatal(err)
		}
		out.ChannelIDs = append(out.ChannelIDs, ch.ID)
	}
	if len(out.ChannelIDs) == 0 {
		tb.Fatal("storetest: SeedInbox needs at least one channel")
	}

	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	const layout = "2006-01-02T15:04:05.000000000Z" // the store's
	ts := func(t time.Time) string { return t.UTC().Format(layout) }
	// Word i is picked with a probability falling with i, as in real text.
	word := func() string {
		r := rng.Float64()
		return seedWords[int(r*r*float64(len(seedWords)))]
	}
	text := func() string {
		n := 3 + rng.IntN(10)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ")
	}

	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			tb.Fatal(err)
		}
		return st
	}
	contact := prep(`INSERT INTO contacts (phone, wa_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`)
	conversation := prep(`INSERT INTO conversations (channel_id, contact_id, department_id, assignee_id, status, last_inbound_at,
		last_message_at, unread_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	message := prep(`INSERT INTO messages (conversation_id, wamid, direction, type, text, wa_timestamp, status, status_rank, created_at)
		VALUES (?, ?, ?, 'text', ?, ?, ?, ?, ?)`)
	defer contact.Close()
	defer conversation.Close()
	defer message.Close()

	wamid := 0
	for i := range cfg.Conversations {
		waID := fmt.Sprintf("1555%08d", i)
		name := seedFirst[rng.IntN(len(seedFirst))] + " " + seedLast[rng.IntN(len(seedLast))]
		var contactID int64
		created := ts(now.Add(-100 * 24 * time.Hour))
		if err := contact.QueryRowContext(ctx, "+"+waID, waID, name, created, created).Scan(&contactID); err != nil {
			tb.Fatalf("seed contact %d: %v", i, err)
		}
		last := now.Add(-time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		var dept, assignee any
		var deptID int64
		if n := len(out.DepartmentIDs); n > 0 && i%(n+1) != n {
			deptID = out.DepartmentIDs[i%(n+1)]
			dept = deptID
		}
		if cfg.AssignedEvery > 0 && rng.IntN(cfg.AssignedEvery) == 0 {
			if agents := agentsOf[deptID]; len(agents) > 0 {
				assignee = agents[rng.IntN(len(agents))]
			} else {
				assignee = admin.ID
			}
		}
		status := store.ConversationOpen
		if cfg.ResolvedEvery > 0 && rng.IntN(cfg.ResolvedEvery) == 0 {
			status = store.ConversationResolved
		}
		unread := 0
		if cfg.UnreadEvery > 0 && rng.IntN(cfg.UnreadEvery) == 0 {
			unread = 1 + rng.IntN(3)
		}
		msgs := cfg.MessagesPerConversation
		first := last.Add(-time.Duration(msgs) * 2 * time.Minute)
		lastInbound := last
		if msgs%2 == 0 {
			lastInbound = last.Add(-2 * time.Minute)
		}
		var convID int64
		if err := conversation.QueryRowContext(ctx, out.ChannelIDs[i%len(out.ChannelIDs)], contactID, dept, assignee, status,
			ts(lastInbound), ts(last), unread, ts(first), ts(last)).Scan(&convID); err != nil {
			tb.Fatalf("seed conversation %d: %v", i, err)
		}
		for m := range msgs {
			at := ts(last.Add(-time.Duration(msgs-1-m) * 2 * time.Minute))
			dir, st, rank := "in", "", 0
			if (msgs-1-m)%2 == 1 {
				dir, st, rank = "out", "read", store.StatusRank("read")
			}
			wamid++
			if _, err := message.ExecContext(ctx, convID, fmt.Sprintf("wamid.seed.%d", wamid), dir, text(), at, st, rank, at); err != nil {
				tb.Fatalf("seed message %d: %v", wamid, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	// No ANALYZE: wadesk does not run it either, so the plans measured are
	// the ones a real database gets.
	return out
}
