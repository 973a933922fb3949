package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// freeAddr is a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	return strings.TrimPrefix(closedLoopbackURL(t), "http://")
}

// TestDemoRestartKeepsReceivingMessages: the admin connects the demo's
// number, the demo is stopped and started again on the same data
// directory, and a customer's message still reaches the inbox: the
// simulator kept its webhook subscription in the data directory.
func TestDemoRestartKeepsReceivingMessages(t *testing.T) {
	data := t.TempDir()
	addr, simAddr := freeAddr(t), freeAddr(t)
	demo := func() *process {
		return launch(t, exec.Command(binary, "demo", "--addr", addr, "--sim-addr", simAddr, "--data", data))
	}
	first := demo()
	s := &server{URL: first.URL, Data: data, SimURL: "http://" + simAddr, log: first.log}
	ctx := newBrowser(t)
	inboxConnect(t, ctx, s)
	db := openDBReadOnly(t, data)
	waitMessages := func(want int, when string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			n := countRows(t, db, `SELECT COUNT(*) FROM messages WHERE direction = 'in'`)
			if n == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d customer messages stored, want %d\n%s", when, n, want, s.log.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": "351912340001", "name": "Rita", "text": "before the restart"})
	waitMessages(1, "before the restart")
	if err := first.stop(); err != nil {
		t.Fatalf("the demo did not stop cleanly: %v\n%s", err, first.log.String())
	}
	if _, err := os.Stat(filepath.Join(data, "simulator.json")); err != nil {
		t.Fatalf("the simulator kept no state in the data directory: %v", err)
	}

	second := demo()
	s.URL, s.log = second.URL, second.log
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": "351912340001", "name": "Rita", "text": "after the restart"})
	waitMessages(2, "after the restart")
}
