package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestDiskFullLosesNoAcknowledgedWebhook runs `wadesk serve` on a small
// tmpfs data directory, fills the disk while signed webhooks arrive, frees
// it again, and checks that every webhook wadesk acknowledged ends up in
// the inbox exactly once and that none became a dead letter: a full disk
// stalls processing (retried with back-off), it does not drop events.
//
// It needs to mount a tmpfs (root, or a container that allows it) and is
// skipped with a message otherwise.
func TestDiskFullLosesNoAcknowledgedWebhook(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", data).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root): %v: %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", data).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", data, err, out)
		}
	})
	channelID := createHookChannel(t, data)
	srv := launchWadesk(t, data)
	path := srv.URL + "/webhooks/" + strconv.FormatInt(channelID, 10)

	sent := &wamidSet{m: map[string]int{}}
	acked := &wamidSet{m: map[string]int{}}
	var (
		next     atomic.Int64
		refused  atomic.Int64
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		client   = hookClient(4)
		prefix   = "wamid.diskfull"
		mu       sync.Mutex
		failures []string
	)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := int(next.Add(1) - 1)
				m := newInboundText(prefix, n)
				sent.add(m.wamid, n)
				code, err := postHook(context.Background(), client, path, m.payload())
				switch {
				case err == nil && code == 200:
					acked.add(m.wamid, n)
				case err == nil && code == 503:
					refused.Add(1) // not acknowledged: Meta retries it
				default:
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s: status %d, err %v", m.wamid, code, err))
					mu.Unlock()
				}
				time.Sleep(2 * time.Millisecond)
			}
		})
	}
	time.Sleep(700 * time.Millisecond)
	beforeFull := len(acked.m)
	filler := filepath.Join(data, "filler")
	fillDisk(t, filler)
	time.Sleep(4 * time.Second) // webhooks keep coming while the disk is full
	// Alive, but not ready: liveness and readiness tell the two apart.
	if code, body := probe(t, srv.URL+"/healthz"); code != 200 {
		t.Errorf("/healthz with a full disk = %d %q; wadesk is alive, it should say ok", code, body)
	}
	if code, body := probe(t, srv.URL+"/readyz"); code != 503 || !strings.Contains(body, "disk: ") || !strings.Contains(body, "webhook journal: webhooks cannot be stored") {
		t.Errorf("/readyz with a full disk = %d:\n%s\nwant 503 naming the disk and the journal", code, body)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	client.CloseIdleConnections()
	if len(failures) > 0 {
		t.Errorf("%d deliveries failed other than with 503, e.g. %s", len(failures), failures[0])
	}

	ro := openReadOnly(t, data)
	took, left := waitProcessed(t, ro, 60*time.Second)
	if left > 0 {
		t.Fatalf("after the disk was freed %d webhook_events are still 'new' after %v\n%s", left, took, srv.log.String())
	}
	found := checkMessages(t, ro, sent.m, acked.m, channelID, "after the disk was freed")
	t.Logf("sent %d, acknowledged %d (%d before the disk filled), refused with 503 %d, stored %d, drained %v after freeing",
		len(sent.m), len(acked.m), beforeFull, refused.Load(), found, took.Round(time.Millisecond))
	if code, body := probe(t, srv.URL+"/readyz"); code != 200 {
		t.Errorf("/readyz after the disk was freed = %d:\n%s", code, body)
	}
	if refused.Load() == 0 {
		t.Errorf("no webhook was refused while the disk was full: the test did not fill it\n%s", srv.log.String())
	}
	if err := srv.stop(); err != nil {
		t.Errorf("wadesk did not stop cleanly: %v\n%s", err, srv.log.String())
	}
}

// probe GETs a health URL and returns its status and body.
func probe(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// fillDisk writes path until the file system has no room left.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, size := range []int{1 << 20, 4 << 10, 512} {
		buf := make([]byte, size)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
}
