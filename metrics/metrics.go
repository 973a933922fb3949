// Package metrics exposes wadesk's numbers in the Prometheus text format:
// webhooks acknowledged and how long the acknowledgement took, per
// provider; the journal's backlog and the webhooks that could not be
// processed; the outbox's depth and send latency per number; provider
// errors by code; open live pages; database and WAL size.
//
// The hot paths (a webhook, a send) only add to counters and histograms,
// which cost tens of nanoseconds; everything read from the database is
// read when Prometheus scrapes, not while wadesk works.
package metrics

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// Gauger reads the store's gauges (*store.DB).
type Gauger interface {
	ReadGauges(ctx context.Context) (store.Gauges, error)
}

// Config is what the metrics read at scrape time.
type Config struct {
	DB Gauger
	// LivePages counts open server-sent event streams; nil: not reported.
	LivePages func() int
	// Media reads the media store; zero: not reported.
	Media  MediaSource
	Logger *slog.Logger
}

// Metrics holds wadesk's collectors.
type Metrics struct {
	reg *prometheus.Registry
	log *slog.Logger

	webhooks       *prometheus.CounterVec
	webhookSeconds *prometheus.HistogramVec
	sends          *prometheus.CounterVec
	sendSeconds    *prometheus.HistogramVec
	providerErrors *prometheus.CounterVec
}

// Latency buckets: webhook acknowledgements wait for a disk sync (a few
// milliseconds); provider calls go over the internet (tens to thousands).
var (
	ackBuckets  = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	sendBuckets = []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
)

// New registers wadesk's metrics and the Go runtime's and process's.
func New(c Config) *Metrics {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: c.Logger,
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wadesk_webhooks_total",
			Help: "Webhook requests answered, by provider and HTTP status (200: durably stored and acknowledged).",
		}, []string{"provider", "code"}),
		webhookSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wadesk_webhook_ack_seconds",
			Help:    "Time from a webhook's arrival to its acknowledgement (after the durable commit), by provider.",
			Buckets: ackBuckets,
		}, []string{"provider"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wadesk_sends_total",
			Help: "Provider calls sending messages, by sending number and result (accepted or refused).",
		}, []string{"number", "result"}),
		sendSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wadesk_send_seconds",
			Help:    "Duration of provider calls sending messages, by sending number.",
			Buckets: sendBuckets,
		}, []string{"number"}),
		providerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wadesk_provider_errors_total",
			Help: "Errors answered by providers to sends, by provider and error code (or kind when there is no code).",
		}, []string{"provider", "code"}),
	}
	m.reg.MustRegister(m.webhooks, m.webhookSeconds, m.sends, m.sendSeconds, m.providerErrors,
		&storeCollector{db: c.DB, live: c.LivePages, log: c.Logger},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if c.Media.Usage != nil || c.Media.Disk != nil {
		m.reg.MustRegister(&mediaCollector{src: c.Media, log: c.Logger})
	}
	return m
}

// Webhook records one answered webhook request.
func (m *Metrics) Webhook(provider string, status int, took time.Duration) {
	m.webhooks.WithLabelValues(provider, strconv.Itoa(status)).Inc()
	if status == http.StatusOK {
		m.webhookSeconds.WithLabelValues(provider).Observe(took.Seconds())
	}
}

// Send records one provider call sending a message from number.
func (m *Metrics) Send(number string, took time.Duration, err error) {
	m.sendSeconds.WithLabelValues(number).Observe(took.Seconds())
	if err == nil {
		m.sends.WithLabelValues(number, "accepted").Inc()
		return
	}
	m.sends.WithLabelValues(number, "refused").Inc()
	provider, code := "unknown", "unknown"
	if pe, ok := providers.AsError(err); ok {
		if pe.Provider != "" {
			provider = string(pe.Provider)
		}
		switch {
		case pe.Code != 0:
			code = strconv.Itoa(pe.Code)
		case pe.Kind != "":
			code = string(pe.Kind)
		}
	}
	m.providerErrors.WithLabelValues(provider, code).Inc()
}

// Handler serves the metrics. With a token, only requests carrying
// "Authorization: Bearer TOKEN" get them; others get 401.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(m.log.Handler(), slog.LevelWarn)})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wadesk metrics"`)
			http.Error(w, "metrics need the bearer token set with --metrics-token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// storeCollector reads the store's gauges once per scrape.
type storeCollector struct {
	db   Gauger
	live func() int
	log  *slog.Logger
}

var (
	descBacklog = prometheus.NewDesc("wadesk_journal_backlog",
		"Accepted webhooks waiting to be processed.", nil, nil)
	descDead = prometheus.NewDesc("wadesk_webhooks_unprocessable",
		"Accepted webhooks that could not be processed (processing failures kept for an admin).", nil, nil)
	descOutbox = prometheus.NewDesc("wadesk_outbox_depth",
		"Messages waiting to be sent or being sent, by sending number.", []string{"number"}, nil)
	descDB  = prometheus.NewDesc("wadesk_db_bytes", "Size of the database file.", nil, nil)
	descWAL = prometheus.NewDesc("wadesk_wal_bytes", "Size of the database's write-ahead log.", nil, nil)
	descSSE = prometheus.NewDesc("wadesk_sse_clients", "Open live-update streams (inbox pages).", nil, nil)
	descUp  = prometheus.NewDesc("wadesk_store_up", "1 when the database answered the scrape's queries.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBacklog, descDead, descOutbox, descDB, descWAL, descSSE, descUp} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	if c.live != nil {
		ch <- prometheus.MustNewConstMetric(descSSE, prometheus.GaugeValue, float64(c.live()))
	}
	if c.db == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	g, err := c.db.ReadGauges(ctx)
	if err != nil {
		c.log.Warn("metrics: read the store's gauges", "err", err)
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(g.JournalBacklog))
	ch <- prometheus.MustNewConstMetric(descDead, prometheus.GaugeValue, float64(g.DeadWebhooks))
	for num, n := range g.OutboxDepth {
		ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(n), num)
	}
	ch <- prometheus.MustNewConstMetric(descDB, prometheus.GaugeValue, float64(g.DBBytes))
	ch <- prometheus.MustNewConstMetric(descWAL, prometheus.GaugeValue, float64(g.WALBytes))
}
