// Package api is the notification API (/api/v1): the business's own
// systems send templates and replies, read message statuses and keep
// contacts in step, authenticated by API keys. It shares the domain
// packages (consent, contacts, window through the outbox, templates) and
// the store with the console, never its HTML handlers. No session and no
// cookies: every request carries "Authorization: Bearer <key>", is
// rate-limited per key and recorded in the audit trail. Errors are RFC
// 9457 problem documents with stable codes; /api/v1/openapi.json
// describes every route.
package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// Scopes of a key.
const (
	ScopeSend = "send" // send messages, create and change contacts
	ScopeRead = "read" // read messages and contacts
)

// Queue queues outbound messages (the outbox's Sender).
type Queue interface {
	Enqueue(ctx context.Context, conversationID int64, msg providers.OutboundMessage, opts ...outbox.Option) (store.OutboundMessage, error)
}

// Config is what the API needs.
type Config struct {
	DB     *store.DB
	Queue  Queue
	Logger *slog.Logger
	// Variables fill {variables} in template values; nil: the built-in ones.
	Variables *templates.Variables
	// Limit is how many requests each key may make per Window (default
	// 600 a minute); requests without a valid key share one limit per
	// address. The counts are kept in the database, so the limit holds
	// across restarts and instances.
	Limit  int
	Window time.Duration
	// Now is the clock (tests); nil: time.Now.
	Now func() time.Time
}

// API serves /api/v1.
type API struct {
	db     *store.DB
	queue  Queue
	log    *slog.Logger
	vars   *templates.Variables
	limit  int
	window time.Duration
	now    func() time.Time
	// pruned is when old rate windows were last removed (UnixNano).
	pruned atomic.Int64
	mux    *http.ServeMux
}

// route is one operation of the API, as the OpenAPI document lists it.
type route struct {
	method, path string
	scope        string
	handle       func(http.ResponseWriter, *http.Request, store.APIKey)
}

// New returns the API.
func New(cfg Config) *API {
	a := &API{db: cfg.DB, queue: cfg.Queue, log: cfg.Logger, vars: cfg.Variables, limit: cfg.Limit, window: cfg.Window,
		now: cfg.Now, mux: http.NewServeMux()}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.vars == nil {
		a.vars = templates.DefaultVariables()
	}
	if a.limit <= 0 {
		a.limit = 600
	}
	if a.window <= 0 {
		a.window = time.Minute
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.mux.HandleFunc("GET /api/v1/openapi.json", serveOpenAPI)
	for _, rt := range a.routes() {
		a.mux.Handle(rt.method+" "+rt.path, a.authenticated(rt))
	}
	a.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusNotFound, codeNotFound, i18n.T(r.Context(), "api.problem.no_operation"), nil)
	})
	return a
}

// routes lists every operation; the OpenAPI test checks the document
// against it.
func (a *API) routes() []route {
	return []route{
		{http.MethodPost, "/api/v1/messages", ScopeSend, a.messageSend},
		{http.MethodGet, "/api/v1/messages/{id}", ScopeRead, a.messageShow},
		{http.MethodGet, "/api/v1/contacts", ScopeRead, a.contactsList},
		{http.MethodPut, "/api/v1/contacts/{phone}", ScopeSend, a.contactPut},
	}
}

// ServeHTTP serves the API.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	a.mux.ServeHTTP(w, r)
}

// statusRecorder notes the status written, for the audit trail.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// authenticated checks the key, its scope and its rate, runs the
// operation and records the call in the audit trail.
func (a *API) authenticated(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := clientIP(r)
		token, ok := bearer(r)
		if !ok {
			if ok, retry := a.allow(r.Context(), "ip:"+ip); !ok {
				w.Header().Set("Retry-After", retry)
				writeProblem(w, r, http.StatusTooManyRequests, codeRateLimited, i18n.T(r.Context(), "api.problem.rate_no_key"), nil)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="wadesk"`)
			writeProblem(w, r, http.StatusUnauthorized, codeUnauthorized, i18n.T(r.Context(), "api.problem.no_key"), nil)
			return
		}
		key, err := a.db.APIKeyByHash(r.Context(), HashKey(token))
		if err != nil || key.RevokedAt != nil {
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				a.log.Error("api: key look-up failed", "err", err)
				writeProblem(w, r, http.StatusInternalServerError, codeInternal, i18n.T(r.Context(), "api.problem.key_check_failed"), nil)
				return
			}
			if ok, retry := a.allow(r.Context(), "ip:"+ip); !ok {
				w.Header().Set("Retry-After", retry)
				writeProblem(w, r, http.StatusTooManyRequests, codeRateLimited, i18n.T(r.Context(), "api.problem.rate_no_key"), nil)
				return
			}
			a.audit(r, store.APIKey{Name: "unknown or revoked key"}, rt, http.StatusUnauthorized)
			w.Header().Set("WWW-Authenticate", `Bearer realm="wadesk", error="invalid_token"`)
			writeProblem(w, r, http.StatusUnauthorized, codeUnauthorized, i18n.T(r.Context(), "api.problem.bad_key"), nil)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() { a.audit(r, key, rt, rec.status) }()
		if ok, retry := a.allow(r.Context(), "key:"+itoa(key.ID)); !ok {
			rec.Header().Set("Retry-After", retry)
			writeProblem(rec, r, http.StatusTooManyRequests, codeRateLimited, i18n.T(r.Context(), "api.problem.rate_key"), nil)
			return
		}
		if !key.HasScope(rt.scope) {
			writeProblem(rec, r, http.StatusForbidden, codeForbidden, i18n.T(r.Context(), "api.problem.scope_"+rt.scope), nil)
			return
		}
		rt.handle(rec, r, key)
	})
}

// allow spends one request of the fixed window of the key named by who,
// in the database; when the window is spent it says so, with the seconds
// until the next window (for Retry-After). A database error lets the
// request through (it is logged): the request itself needs the database,
// and refusing every caller for it would hide the real fault.
func (a *API) allow(ctx context.Context, who string) (bool, string) {
	now := a.now()
	start := now.Truncate(a.window)
	a.prune(ctx, start)
	n, err := a.db.SpendAPIRequest(context.WithoutCancel(ctx), who, start)
	if err != nil {
		a.log.Error("api: rate limit not counted", "who", who, "err", err)
		return true, ""
	}
	if n <= a.limit {
		return true, ""
	}
	wait := start.Add(a.window).Sub(now)
	secs := int64((wait + time.Second - 1) / time.Second)
	return false, strconv.FormatInt(max(secs, 1), 10)
}

// prune removes the windows of keys idle for a window, at most once a
// window.
func (a *API) prune(ctx context.Context, start time.Time) {
	last := a.pruned.Load()
	if last >= start.UnixNano() || !a.pruned.CompareAndSwap(last, start.UnixNano()) {
		return
	}
	if _, err := a.db.PruneAPIRateWindows(context.WithoutCancel(ctx), start); err != nil {
		a.log.Warn("api: old rate windows not removed", "err", err)
	}
}

// audit records an API call.
func (a *API) audit(r *http.Request, key store.APIKey, rt route, status int) {
	e := store.AuditEntry{Actor: "API key " + key.Name, Source: clientIP(r), Action: "api." + strings.ToLower(rt.method) + " " + rt.path,
		TargetType: "api_key", TargetID: key.ID, TargetName: key.Name, Changes: map[string]any{"path": r.URL.Path, "status": status}}
	if _, err := a.db.RecordAudit(context.WithoutCancel(r.Context()), e); err != nil {
		a.log.Error("api: audit entry not recorded", "path", r.URL.Path, "err", err)
	}
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// KeyPrefix starts every key, so that a leaked one is recognised.
const KeyPrefix = "wdk_"

// NewKey makes a key: the token shown once, the prefix shown afterwards
// and the hash stored.
func NewKey() (token, prefix, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", err
	}
	token = KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, token[:len(KeyPrefix)+6], HashKey(token), nil
}

// HashKey is how a key is stored and looked up.
func HashKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

var nowFunc = time.Now
