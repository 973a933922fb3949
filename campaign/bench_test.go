package campaign_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/costs"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// Load shape for BenchmarkCampaign.
const (
	benchRecipients = 100000
	benchLatency    = 150 * time.Millisecond // the simulator's answer time, as Meta's over the internet
)

// BenchmarkCampaign measures a 100,000-recipient campaign (an uploaded
// list of numbers, so contacts and conversations are made as it is sent)
// through the real store, campaign runner and outbox sender against the
// Graph API simulator, which answers each send after 150 ms and enforces
// the number's throughput (130429 above it) and the pair rate (131056).
// It runs at the default 80 messages a second and at 1,000 (a number Meta
// upgraded), each for a fixed stretch after which the campaign is
// cancelled (sending 100,000 at 80 a second takes 21 minutes).
//
// Reported: campaign_enqueue_ms, the time to read the file and store its
// 100,000 recipients (launch-ready); campaign_rate_80 and
// campaign_rate_1000, the messages the simulator accepted per second over
// the steady part of each run (after the first 3 seconds), with
// campaign_busiest_5s_* the busiest 5 seconds; campaign_130429 and
// campaign_131056, the refusals of both runs (target 0); campaign_failed,
// the messages refused for good (target 0: the portfolio's limit is
// unlimited, as a number sending 1,000 a second has); campaign_rss_mb,
// the process's peak resident memory (this process also runs the
// simulator and the test's bookkeeping).
//
// Like BenchmarkOutbox it is one fixed measurement whatever b.N is.
func BenchmarkCampaign(b *testing.B) {
	if campaignMeasured == nil {
		m := measureCampaign(b)
		campaignMeasured = &m
	}
	b.ReportMetric(campaignMeasured.rate1000, "msgs/s@1000")
	b.ReportMetric(campaignMeasured.rate80, "msgs/s@80")
	b.ReportMetric(campaignMeasured.enqueueMs, "enqueue-ms")
}

type campaignMetrics struct {
	rate80, rate1000, enqueueMs float64
}

var campaignMeasured *campaignMetrics

// recorder notes when each accepted call started.
type recorder struct {
	providers.MessageSender
	mu       sync.Mutex
	accepted []time.Time
}

func (r *recorder) SendMessage(ctx context.Context, number string, m providers.OutboundMessage) (providers.SendResult, error) {
	at := time.Now()
	res, err := r.MessageSender.SendMessage(ctx, number, m)
	if err == nil {
		r.mu.Lock()
		r.accepted = append(r.accepted, at)
		r.mu.Unlock()
	}
	return res, err
}

type runResult struct {
	enqueue time.Duration
	// cpuPer1000 is the process's CPU time per 1,000 accepted messages.
	cpuPer1000       time.Duration
	rate, busiest5   float64
	throughput, pair int64
	sent             int
	// failed counts messages the provider refused for good; inQueue the
	// messages waiting in the outbox when the run ended.
	failed, inQueue int
}

func measureCampaign(b *testing.B) campaignMetrics {
	loadavg, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("campaign: %d CPUs, load average %s; %d recipients; simulator answers after %v\n", runtime.NumCPU(),
		bytes.Join(bytes.Fields(loadavg)[:min(3, len(bytes.Fields(loadavg)))], []byte(" ")), benchRecipients, benchLatency)
	slow := runCampaign(b, 80, 20*time.Second)
	fast := runCampaign(b, 1000, 15*time.Second)
	rss := peakRSSMB()
	for _, r := range []struct {
		per int
		r   runResult
	}{{80, slow}, {1000, fast}} {
		fmt.Printf("campaign: at %d msg/s: recipients stored in %v; %d accepted, steady %.1f msg/s, busiest 5 s %.1f msg/s; refusals 130429 %d, 131056 %d; %d failed; %d waiting in the outbox at the end; CPU %v per 1,000 messages (sender, runner, simulator and HTTP together)\n",
			r.per, r.r.enqueue.Round(time.Millisecond), r.r.sent, r.r.rate, r.r.busiest5, r.r.throughput, r.r.pair, r.r.failed, r.r.inQueue, r.r.cpuPer1000.Round(time.Millisecond))
	}
	fmt.Printf("campaign: targets (reported, not asserted): rate at the number's limit (80, 1000) and no faster; zero 130429 and 131056\n")
	fmt.Printf("campaign_enqueue_ms=%.0f\n", float64(slow.enqueue.Milliseconds()))
	fmt.Printf("campaign_rate_80=%.1f\n", slow.rate)
	fmt.Printf("campaign_rate_1000=%.1f\n", fast.rate)
	fmt.Printf("campaign_rate=%.1f\n", fast.rate)
	fmt.Printf("campaign_busiest_5s_80=%.1f\n", slow.busiest5)
	fmt.Printf("campaign_busiest_5s_1000=%.1f\n", fast.busiest5)
	fmt.Printf("campaign_130429=%d\n", slow.throughput+fast.throughput)
	fmt.Printf("campaign_131056=%d\n", slow.pair+fast.pair)
	fmt.Printf("campaign_failed=%d\n", slow.failed+fast.failed)
	fmt.Printf("campaign_rss_mb=%.0f\n", rss)
	fmt.Printf("campaign_cpu_ms_per_1000=%.0f\n", float64(fast.cpuPer1000.Milliseconds()))
	return campaignMetrics{rate80: slow.rate, rate1000: fast.rate, enqueueMs: float64(slow.enqueue.Milliseconds())}
}

func runCampaign(b *testing.B, perSecond int, stretch time.Duration) runResult {
	ctx := context.Background()
	cfg := simulator.DefaultConfig()
	cfg.Throughput, cfg.Seed, cfg.SendLatency = perSecond, 1, benchLatency
	cfg.Logger = slog.New(slog.DiscardHandler)
	sim, err := simulator.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	client, err := cloudapi.New(cloudapi.Config{BaseURL: srv.URL, Token: cfg.AccessToken})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	db := openDB(b, dir)
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud",
		BusinessID: "512300000000001", WABAID: "104500000000011", PhoneNumberID: phoneID,
		Secrets: store.ChannelSecrets{AccessToken: cfg.AccessToken, AppSecret: cfg.AppSecret, VerifyToken: "v"}})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		b.Fatal(err)
	}
	if err := db.SetChannelThroughput(ctx, ch.ID, perSecond); err != nil {
		b.Fatal(err)
	}
	// A 100,000-recipient campaign needs a portfolio allowed to reach that
	// many new customers a day (and Meta raises a number to 1,000 messages
	// a second only when its limit is unlimited): the simulator and wadesk
	// both know the limit is unlimited, as the capability webhook tells.
	const business = "512300000000001"
	if err := sim.SetPortfolioLimit(business, -1); err != nil {
		b.Fatal(err)
	}
	if _, _, err := db.SetPortfolioLimit(ctx, business, "TIER_UNLIMITED", -1, "webhook", time.Now()); err != nil {
		b.Fatal(err)
	}
	comps, _ := templates.EncodeComponents(weekendOffer())
	tmpl, err := db.SaveTemplate(ctx, ch.ID, store.TemplateRecord{ProviderTemplateID: "700100000000003", Name: "weekend_offer",
		Language: "en_US", Category: "MARKETING", Status: "APPROVED", ComponentsJSON: comps})
	if err != nil {
		b.Fatal(err)
	}
	var file strings.Builder
	file.WriteString("phone,name,code\n")
	for i := range benchRecipients {
		file.WriteString("+1555" + fmt.Sprintf("%07d", i) + ",Customer " + strconv.Itoa(i) + ",C" + strconv.Itoa(i) + "\n")
	}
	c, err := campaign.Create(ctx, db, "Bench", tmpl, 0)
	if err != nil {
		b.Fatal(err)
	}

	start := time.Now()
	f, err := campaign.ReadCSV(strings.NewReader(file.String()), "")
	if err != nil {
		b.Fatal(err)
	}
	counts, err := campaign.SetCSV(ctx, db, c, f)
	if err != nil || counts.Recipients != benchRecipients {
		b.Fatalf("audience %+v %v", counts, err)
	}
	enqueue := time.Since(start)

	c, _ = db.CampaignByID(ctx, c.ID)
	m := campaign.Mapping{"header_1": {Kind: campaign.SourceText, Value: "treats"}, "body_1": {Kind: campaign.SourceColumn, Value: "name"},
		"body_2": {Kind: campaign.SourceColumn, Value: "code"}, "button_0": {Kind: campaign.SourceText, Value: "bench"}}
	if err := campaign.SetMapping(ctx, db, c, m); err != nil {
		b.Fatal(err)
	}
	c, _ = db.CampaignByID(ctx, c.ID)
	if err := campaign.Launch(ctx, db, campaign.FixedLimit{}, c, campaign.LaunchOptions{}, time.Now()); err != nil {
		b.Fatal(err)
	}

	rec := &recorder{MessageSender: client}
	throughputOf := func(id string) float64 {
		n, _ := db.ChannelThroughput(context.Background(), id)
		return float64(n)
	}
	s := outbox.NewSender(db, func(int64) (providers.MessageSender, error) { return rec, nil },
		outbox.Config{ThroughputOf: throughputOf})
	r := campaign.NewRunner(db)
	// As main wires it: each message priced and counted against the
	// messaging limit as it is queued.
	r.Outbox, r.ThroughputOf, r.Pricer = s.Notify, throughputOf, costs.New(db, slog.New(slog.DiscardHandler))
	// Problems (a feed that fails, a campaign held) are shown, not lost.
	r.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(runCtx) })
	wg.Go(func() { r.Run(runCtx) })
	launched := time.Now()
	cpuBefore := cpuTime()
	time.Sleep(stretch)
	cpuUsed := cpuTime() - cpuBefore
	inQueue, _ := db.CampaignInQueue(ctx, c.ID)
	if _, err := db.CancelCampaign(ctx, c.ID); err != nil {
		b.Error(err)
	}
	cancel()
	wg.Wait()

	rec.mu.Lock()
	times := slices.Clone(rec.accepted)
	rec.mu.Unlock()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	from, to := launched.Add(3*time.Second), launched.Add(stretch)
	steady := 0
	for _, t := range times {
		if !t.Before(from) && t.Before(to) {
			steady++
		}
	}
	st := s.Stats()
	rep, err := db.CampaignReportOf(ctx, c.ID)
	if err != nil {
		b.Error(err)
	}
	per := time.Duration(0)
	if len(times) > 0 {
		per = cpuUsed * 1000 / time.Duration(len(times))
	}
	return runResult{enqueue: enqueue, cpuPer1000: per, rate: float64(steady) / to.Sub(from).Seconds(),
		busiest5: float64(busiestIn(times, 5*time.Second)) / 5, throughput: st.ThroughputRetries, pair: st.PairRateRetries, sent: len(times),
		failed: rep.Failed, inQueue: inQueue}
}

func busiestIn(sorted []time.Time, d time.Duration) int {
	most, j := 0, 0
	for i, t := range sorted {
		if j < i {
			j = i
		}
		for j < len(sorted) && sorted[j].Sub(t) < d {
			j++
		}
		most = max(most, j-i)
	}
	return most
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSSMB is the process's peak resident memory (VmHWM), in MB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
