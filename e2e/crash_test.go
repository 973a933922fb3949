package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWebhookCrashSafety checks the promise behind every 200 wadesk gives
// a webhook: the body is on disk. Each round fires signed webhooks at a
// real `wadesk serve` from many senders, kills the process with SIGKILL at
// a random moment, restarts it on the same data directory, and then checks
// that every acknowledged message is in the inbox exactly once, that
// nothing was invented, and that the database is sound. Meta's retries are
// replayed too: the deliveries cut off by the kill, and some that had
// already been acknowledged.
//
// The kill moments come from a seed printed at the start; set
// WADESK_CRASH_SEED to replay one. The rounds run for Cloud API webhooks
// (Meta's signature), for 360dialog's (the channel's secret header) and
// for Vonage's (its own body, signed with an HS256 JWT) and for
// Twilio's (form-encoded, signed over the URL and every parameter):
// the journal is the durability boundary for every provider.
func TestWebhookCrashSafety(t *testing.T) {
	seed := time.Now().UnixNano()
	if s := os.Getenv("WADESK_CRASH_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("WADESK_CRASH_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("seed %d (replay with WADESK_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x77ade5c))
	for _, pr := range []struct {
		p      hookProvider
		rounds int
	}{{metaHooks, 16}, {dialog360Hooks, 8}, {messagebirdHooks, 8}, {vonageHooks, 8}, {twilioHooks, 8}} {
		t.Run(pr.p.name, func(t *testing.T) {
			for round := range pr.rounds {
				// Mostly mid-load, sometimes right after the first requests.
				killAfter := time.Duration(10+rng.IntN(1500)) * time.Millisecond
				if rng.IntN(6) == 0 {
					killAfter = time.Duration(1+rng.IntN(20)) * time.Millisecond
				}
				t.Run(fmt.Sprintf("round%02d", round), func(t *testing.T) {
					crashRound(t, pr.p, round, killAfter)
				})
			}
		})
	}
}

func crashRound(t *testing.T, p hookProvider, round int, killAfter time.Duration) {
	const senders = 16
	dir := t.TempDir()
	channelID := createHookChannelFor(t, dir, p)
	first := launchWadesk(t, dir)
	prefix := fmt.Sprintf("wamid.crash.%d", round)
	path := "/webhooks/" + strconv.FormatInt(channelID, 10)

	sent := &wamidSet{m: map[string]int{}}
	acked := &wamidSet{m: map[string]int{}}
	var (
		next     atomic.Int64
		killed   atomic.Bool
		mu       sync.Mutex
		problems []string
		wg       sync.WaitGroup
	)
	client := hookClient(senders)
	for range senders {
		// Senders keep going through the kill, so that requests are in
		// flight when it lands; each stops at its first failure after it.
		wg.Go(func() {
			for {
				n := int(next.Add(1) - 1)
				m := newInboundText(prefix, n)
				sent.add(m.wamid, n)
				code, err := postHookAs(context.Background(), p, client, first.URL+path, p.payloadFor(m))
				switch {
				case err == nil && code == 200:
					acked.add(m.wamid, n)
				case err != nil && killed.Load():
					return // cut off by the kill: Meta would retry it
				default:
					// Any answer but 200, or a failure before the kill.
					mu.Lock()
					problems = append(problems, fmt.Sprintf("%s: status %d, err %v", m.wamid, code, err))
					mu.Unlock()
					if killed.Load() {
						return
					}
				}
			}
		})
	}
	time.Sleep(killAfter)
	killed.Store(true)
	first.kill()
	wg.Wait()
	client.CloseIdleConnections()
	if len(problems) > 0 {
		t.Errorf("%d deliveries were refused or failed before the kill, e.g. %s\n%s",
			len(problems), problems[0], first.log.String())
	}

	second := launchWadesk(t, dir)
	ro := openReadOnly(t, dir)
	atRestart := countRows(t, ro, `SELECT COUNT(*) FROM webhook_events WHERE state = 'new'`)
	took, left := waitProcessed(t, ro, 20*time.Second)
	if left > 0 {
		t.Fatalf("after the restart %d webhook_events are still 'new' after %v\n%s", left, took, second.log.String())
	}
	journaled := countRows(t, ro, `SELECT COUNT(*) FROM webhook_events`)
	if journaled < len(acked.m) || journaled > len(sent.m) {
		t.Errorf("webhook_events holds %d bodies; %d were acknowledged and %d sent", journaled, len(acked.m), len(sent.m))
	}
	found := checkMessages(t, ro, sent.m, acked.m, channelID, "after the restart")

	// Meta's retries: every delivery that got no 200, and a few that did.
	var retries []string
	for w := range sent.m {
		if _, ok := acked.m[w]; !ok {
			retries = append(retries, w)
		}
	}
	cutOff := len(retries)
	ackedSorted := slices.SortedFunc(maps.Keys(acked.m), func(a, b string) int { return acked.m[a] - acked.m[b] })
	for i := 0; i < len(ackedSorted) && i < 5; i++ {
		retries = append(retries, ackedSorted[i*len(ackedSorted)/5])
	}
	client = hookClient(4)
	for _, w := range retries {
		m := newInboundText(prefix, sent.m[w])
		code, err := postHookAs(context.Background(), p, client, second.URL+path, p.payloadFor(m))
		if err != nil || code != 200 {
			t.Errorf("re-delivering %s: status %d, err %v", w, code, err)
			continue
		}
		acked.add(w, sent.m[w])
	}
	client.CloseIdleConnections()
	if took, left := waitProcessed(t, ro, 20*time.Second); left > 0 {
		t.Fatalf("%d re-delivered webhook_events are still 'new' after %v", left, took)
	}
	checkMessages(t, ro, sent.m, acked.m, channelID, "after Meta's retries")
	if n := len(sent.m); len(acked.m) != n {
		t.Errorf("after the retries %d of %d sent messages are acknowledged", len(acked.m), n)
	}
	checkIntegrity(t, ro, "while running after the crash")
	ro.Close()

	if err := second.stop(); err != nil {
		t.Errorf("wadesk did not stop cleanly after the restart: %v\n%s", err, second.log.String())
	}
	after, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "wadesk.db")+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	checkIntegrity(t, after, "after the clean stop")

	t.Logf("round %2d: sent %5d, acked %5d, killed after %4v, journaled %5d (%4d new at restart), found %5d, drained in %v, retried %d (%d cut off by the kill)",
		round, len(sent.m), len(sent.m)-cutOff, killAfter, journaled, atRestart, found, took.Round(time.Millisecond), len(retries), cutOff)
}

// checkMessages asserts that each acknowledged wamid is in messages exactly
// once, that every message was sent (with what was sent), and that the
// contacts and conversations match the messages. It returns the number of
// messages.
func checkMessages(t *testing.T, db *sql.DB, sent, acked map[string]int, channelID int64, when string) int {
	t.Helper()
	var missing, doubled []string
	for w := range acked {
		switch n := countRows(t, db, `SELECT COUNT(*) FROM messages WHERE wamid = ?`, w); n {
		case 1:
		case 0:
			missing = append(missing, w)
		default:
			doubled = append(doubled, fmt.Sprintf("%s×%d", w, n))
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("%s: %d acknowledged messages are missing: %s", when, len(missing), sample(missing))
	}
	if len(doubled) > 0 {
		t.Errorf("%s: messages stored more than once: %s", when, sample(doubled))
	}

	rows, err := db.Query(`SELECT m.wamid, m.direction, m.type, m.text, c.phone, c.wa_id, v.channel_id
		FROM messages m JOIN conversations v ON v.id = m.conversation_id JOIN contacts c ON c.id = v.contact_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	total := 0
	customers := map[string]bool{}
	var invented, wrong []string
	for rows.Next() {
		var wamid, direction, typ, text, phone, waID string
		var ch int64
		if err := rows.Scan(&wamid, &direction, &typ, &text, &phone, &waID, &ch); err != nil {
			t.Fatal(err)
		}
		total++
		n, ok := sent[wamid]
		if !ok {
			invented = append(invented, wamid)
			continue
		}
		m := newInboundText(strings.TrimSuffix(wamid, "."+strconv.Itoa(n)), n)
		customers[m.from] = true
		if direction != "in" || typ != "text" || text != m.body || waID != m.from || phone != "+"+m.from || ch != channelID {
			wrong = append(wrong, fmt.Sprintf("%s: direction %q type %q text %q contact %q/%q channel %d",
				wamid, direction, typ, text, phone, waID, ch))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(invented) > 0 {
		t.Errorf("%s: messages that were never sent: %s", when, sample(invented))
	}
	if len(wrong) > 0 {
		t.Errorf("%s: messages stored wrongly: %s", when, sample(wrong))
	}
	if all := countRows(t, db, `SELECT COUNT(*) FROM messages`); all != total {
		t.Errorf("%s: %d messages, %d of them in a conversation with a contact", when, all, total)
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM contacts`); n != len(customers) {
		t.Errorf("%s: %d contacts for messages from %d customers", when, n, len(customers))
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM conversations`); n != len(customers) {
		t.Errorf("%s: %d conversations for messages from %d customers on one channel", when, n, len(customers))
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM webhook_events WHERE state = 'dead'`); n > 0 {
		var e string
		db.QueryRow(`SELECT error FROM webhook_events WHERE state = 'dead' LIMIT 1`).Scan(&e)
		t.Errorf("%s: %d well-formed webhook bodies were marked dead, e.g. %q", when, n, e)
	}
	return total
}

func checkIntegrity(t *testing.T, db *sql.DB, when string) {
	t.Helper()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil {
		t.Fatalf("integrity_check %s: %v", when, err)
	}
	if res != "ok" {
		t.Errorf("integrity_check %s: %s", when, res)
	}
}

// sample lists up to 5 items and how many more there are.
func sample(items []string) string {
	if len(items) <= 5 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:5], ", "), len(items)-5)
}
