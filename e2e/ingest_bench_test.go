package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Load shape for BenchmarkIngest.
const (
	ingestSenders = 64
	ingestWarmUp  = time.Second
	ingestMeasure = 5 * time.Second
)

// BenchmarkIngest measures how many signed webhooks wadesk acknowledges per
// second — each 200 meaning the body is committed to disk with
// synchronous=FULL — against a bare net/http server in the same run that
// only reads the body and answers 200. Both run as their own processes; the
// load generator is this process, on loopback, with keep-alive connections.
//
// The run is one fixed measurement whatever b.N is: it lasts well over the
// default -benchtime, so the framework calls it once, and should it call
// again (a long -benchtime) the first measurement is reported again. ns/op
// is replaced by wadesk's time per acknowledged webhook at full load; B/op
// and allocs/op with -benchmem describe the load generator, not wadesk.
//
// It prints ingest_rps=<wadesk acks/s> and ingest_ratio=<wadesk/bare> on
// their own lines for Cloud API webhooks, and ingest_360dialog_rps= and
// ingest_360dialog_ratio= for 360dialog's (same envelope, authenticated by
// the channel's secret header instead of a signature). It fails on any answer other than 200, and when the
// journal does not hold exactly one row per 200.
func BenchmarkIngest(b *testing.B) {
	if ingestMeasured == nil {
		m := measureIngest(b)
		ingestMeasured = &m
	}
	m := ingestMeasured
	b.ReportMetric(m.rps, "acks/s")
	b.ReportMetric(m.bareRPS, "bare-req/s")
	b.ReportMetric(m.ratio, "ratio")
	b.ReportMetric(m.p99ms, "p99-ms")
	b.ReportMetric(m.rssMB, "peak-RSS-MB")
	if m.rps > 0 {
		b.ReportMetric(1e9/m.rps, "ns/op")
	}
}

// ingestMetrics is what BenchmarkIngest reports.
type ingestMetrics struct {
	rps, bareRPS, ratio, p99ms, rssMB float64
}

// ingestMeasured keeps the one measurement of this process.
var ingestMeasured *ingestMetrics

func measureIngest(b *testing.B) ingestMetrics {
	// Other work on the machine skews both numbers; the load average says
	// how busy it was.
	loadavg, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("ingest: %d senders, %v warm-up, %v measured; single-message webhooks (Meta-signed; then 360dialog's secret header) on loopback; %d CPUs, load average %s\n",
		ingestSenders, ingestWarmUp, ingestMeasure, runtime.NumCPU(), bytes.Join(bytes.Fields(loadavg)[:min(3, len(bytes.Fields(loadavg)))], []byte(" ")))

	// (b) the baseline, then (a) wadesk: one after the other, so that the
	// two never compete for the CPU.
	bare := launchBare(b)
	bareRes := generateLoad(bare.cmd.Process.Pid, bare.URL+"/webhooks/1", newBenchBodies("wamid.bare").body, metaHooks)
	bareRes.rss, _ = procStatus(bare.cmd.Process.Pid, "VmHWM")
	if err := bare.stop(); err != nil {
		b.Errorf("bare server: %v", err)
	}
	fmt.Println(bareRes.line("bare"))

	// (a) wadesk, default settings (synchronous=FULL), with Cloud API
	// webhooks (Meta's signature), then with 360dialog's (the channel's
	// secret header), each against the same baseline.
	res, ratio := measureWadesk(b, metaHooks, "wamid.bench", bareRes)
	fmt.Printf("ingest_rps=%.0f\n", res.rps())
	fmt.Printf("ingest_ratio=%.3f\n", ratio)
	res360, ratio360 := measureWadesk(b, dialog360Hooks, "wamid.bench360", bareRes)
	fmt.Printf("ingest_360dialog_rps=%.0f\n", res360.rps())
	fmt.Printf("ingest_360dialog_ratio=%.3f\n", ratio360)
	// One webhook in ten carries a file, which wadesk fetches in the
	// background (from a media API in this process) while the load goes on.
	resMedia, ratioMedia := measureWadeskMedia(b, bareRes)
	fmt.Printf("ingest_media_rps=%.0f\n", resMedia.rps())
	fmt.Printf("ingest_media_ratio=%.3f\n", ratioMedia)
	return ingestMetrics{rps: res.rps(), bareRPS: bareRes.rps(), ratio: ratio,
		p99ms: ms(res.pct(0.99)), rssMB: float64(res.rss) / (1 << 20)}
}

// measureWadesk runs wadesk on a fresh data directory with one channel of
// provider p, loads it with p's webhooks, checks that the journal holds
// one row per 200, and returns the load's result and its ratio to bare.
func measureWadesk(b *testing.B, p hookProvider, prefix string, bareRes loadResult) (loadResult, float64) {
	label := "wadesk"
	if p.id != metaHooks.id {
		label = p.name
	}
	return measureWadeskWith(b, p, label, bareRes, newBenchBodies(prefix).body, func(dir string) *process { return launchWadesk(b, dir) })
}

// measureWadeskWith is measureWadesk with the bodies sent and the way
// wadesk is started given.
func measureWadeskWith(b *testing.B, p hookProvider, label string, bareRes loadResult, body func(n int) []byte, start func(dir string) *process) (loadResult, float64) {
	dir := b.TempDir()
	channelID := createHookChannelFor(b, dir, p)
	wd := start(dir)
	pid := wd.cmd.Process.Pid
	res := generateLoad(pid, wd.URL+"/webhooks/"+strconv.FormatInt(channelID, 10), body, p)
	// Durability: one journal row per 200, counted while wadesk still runs.
	ro := openReadOnly(b, dir)
	journaled := countRows(b, ro, `SELECT COUNT(*) FROM webhook_events`)
	backlog := countRows(b, ro, `SELECT COUNT(*) FROM webhook_events WHERE state = 'new'`)
	drained, left := waitProcessed(b, ro, 60*time.Second)
	messages := countRows(b, ro, `SELECT COUNT(*) FROM messages`)
	dead := countRows(b, ro, `SELECT COUNT(*) FROM webhook_events WHERE state = 'dead'`)
	procCPUAfter, _ := procCPU(pid)
	res.rss, _ = procStatus(pid, "VmHWM")
	ro.Close()
	if err := wd.stop(); err != nil {
		b.Errorf("wadesk did not stop cleanly: %v\n%s", err, wd.log.String())
	}
	fmt.Println(res.line(label))

	ratio := 0.0
	if bareRes.rps() > 0 {
		ratio = res.rps() / bareRes.rps()
	}
	fmt.Printf("ingest: %s journal: %d rows for %d 200s; %d still 'new' when the load stopped, processed in %v (%d left), %d messages, %d dead\n",
		p.name, journaled, res.ok, backlog, drained.Round(time.Millisecond), left, messages, dead)
	if drained > 500*time.Millisecond && left == 0 {
		fmt.Printf("ingest: processor catching up after the load: %.0f events/s (%v CPU from the end of the load to the stop)\n",
			float64(backlog)/drained.Seconds(), (procCPUAfter - res.cpuEnd).Round(10*time.Millisecond))
	}
	fmt.Printf("ingest: targets (reported, not asserted): >= 5000 acks/s: %v; ratio >= 0.20: %v; p99 <= 20ms: %v; peak RSS <= 150 MB: %v\n",
		res.rps() >= 5000, ratio >= 0.20, res.pct(0.99) <= 20*time.Millisecond, res.rss <= 150<<20)

	if res.failed > 0 || bareRes.failed > 0 {
		b.Fatalf("non-200 answers: wadesk %d (e.g. %s), bare %d (e.g. %s)\n%s",
			res.failed, res.firstFailure, bareRes.failed, bareRes.firstFailure, wd.log.String())
	}
	if journaled != res.ok {
		b.Fatalf("webhook_events holds %d rows for %d acknowledged webhooks", journaled, res.ok)
	}
	if left == 0 && messages != res.ok {
		b.Errorf("%d messages stored for %d acknowledged single-message webhooks", messages, res.ok)
	}
	return res, ratio
}

// loadResult is what one server did under generateLoad.
type loadResult struct {
	ok, failed   int // answers over the whole run, warm-up included
	firstFailure string
	measured     int             // 200s completed inside the measured window
	latencies    []time.Duration // of 200s sent inside the window, sorted
	cpu          time.Duration   // the server's CPU time inside the window
	cpuEnd       time.Duration   // the server's CPU time when the window closed
	rss          int64           // the server's peak resident set, bytes
}

func (r loadResult) rps() float64 { return float64(r.measured) / ingestMeasure.Seconds() }

// pct is the p-th latency quantile (nearest rank).
func (r loadResult) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(p*float64(len(r.latencies))+0.999999) - 1
	return r.latencies[max(0, min(i, len(r.latencies)-1))]
}

func (r loadResult) line(name string) string {
	return fmt.Sprintf("ingest: %-6s %8.0f req/s  p50 %6.2fms  p99 %6.2fms  p99.9 %6.2fms  max %6.2fms  server CPU %4.2f cores  peak RSS %5.1f MB  non-200 %d",
		name, r.rps(), ms(r.pct(0.50)), ms(r.pct(0.99)), ms(r.pct(0.999)), ms(r.pct(1)),
		r.cpu.Seconds()/ingestMeasure.Seconds(), float64(r.rss)/(1<<20), r.failed)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// generateLoad sends signed single-message webhooks to url from
// ingestSenders workers for the warm-up and then the measured window.
func generateLoad(pid int, url string, bodyOf func(n int) []byte, p hookProvider) loadResult {
	client := hookClient(ingestSenders)
	defer client.CloseIdleConnections()
	start := time.Now()
	from, until := start.Add(ingestWarmUp), start.Add(ingestWarmUp+ingestMeasure)
	var (
		next atomic.Int64
		mu   sync.Mutex
		res  loadResult
		wg   sync.WaitGroup
	)
	for range ingestSenders {
		wg.Go(func() {
			var lat []time.Duration
			ok, failed, measured := 0, 0, 0
			first := ""
			for {
				t0 := time.Now()
				if t0.After(until) {
					break
				}
				body := bodyOf(int(next.Add(1)))
				code, err := postHookAs(context.Background(), p, client, url, body)
				t1 := time.Now()
				if err != nil || code != 200 {
					failed++
					if first == "" {
						first = fmt.Sprintf("status %d, err %v", code, err)
					}
					continue
				}
				ok++
				if !t0.Before(from) && !t0.After(until) {
					lat = append(lat, t1.Sub(t0))
				}
				if !t1.Before(from) && !t1.After(until) {
					measured++
				}
			}
			mu.Lock()
			res.ok += ok
			res.failed += failed
			res.measured += measured
			res.latencies = append(res.latencies, lat...)
			if res.firstFailure == "" {
				res.firstFailure = first
			}
			mu.Unlock()
		})
	}
	time.Sleep(time.Until(from))
	cpu0, _ := procCPU(pid)
	time.Sleep(time.Until(until))
	cpu1, _ := procCPU(pid)
	res.cpu, res.cpuEnd = cpu1-cpu0, cpu1
	wg.Wait()
	slices.Sort(res.latencies)
	return res
}

// benchBodies makes unique webhook bodies cheaply: the JSON for each
// customer is built once around a placeholder wamid.
type benchBodies struct {
	prefix        string
	before, after [hookCustomers][]byte
}

func newBenchBodies(prefix string) *benchBodies {
	const placeholder = "wamid.PLACEHOLDER"
	t := &benchBodies{prefix: prefix + "."}
	for c := range hookCustomers {
		m := newInboundText(prefix, c)
		m.wamid = placeholder
		p := m.payload()
		i := bytes.Index(p, []byte(placeholder))
		t.before[c], t.after[c] = p[:i], p[i+len(placeholder):]
	}
	return t
}

func (t *benchBodies) body(n int) []byte {
	c := n % hookCustomers
	b := make([]byte, 0, len(t.before[c])+len(t.prefix)+20+len(t.after[c]))
	b = append(b, t.before[c]...)
	b = append(b, t.prefix...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, t.after[c]...)
}

// bareServerEnv makes the test binary run runBareServer instead of tests.
const bareServerEnv = "WADESK_E2E_BARE_SERVER"

// launchBare re-runs this test binary as the baseline server process. Its
// stdin is a pipe from this process: when it closes, the server exits.
func launchBare(tb testing.TB) *process {
	tb.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), bareServerEnv+"=1")
	cmd.Stdin = r
	p := launch(tb, cmd)
	r.Close()
	tb.Cleanup(func() { w.Close() })
	return p
}

// runBareServer is the baseline: net/http reading the whole body (up to
// 4 MB, as wadesk allows) and answering 200. It serves until interrupted or
// until its stdin closes.
func runBareServer() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare server:", err)
		return 1
	}
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			if _, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20)); err != nil {
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				return
			}
			w.WriteHeader(http.StatusOK)
		}),
	}
	stop, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	go func() {
		io.Copy(io.Discard, os.Stdin)
		srv.Close()
	}()
	go func() {
		<-stop.Done()
		srv.Close()
	}()
	fmt.Printf("bare server: listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "bare server:", err)
		return 1
	}
	return 0
}
