package cloudapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const goodToken = "EAAG-good-token"

// recorded is one request the fake Graph server received.
type recorded struct {
	Method string
	Path   string
	Query  map[string][]string
	Header http.Header
	Body   []byte
}

// route answers one method+path, optionally only for a given "after" cursor.
type route struct {
	method string
	path   string
	after  string // "" matches requests without an after cursor; "*" matches any
	status int
	body   []byte
	ctype  string
	fn     http.HandlerFunc // overrides status/body when set
}

// fakeGraph is a loopback Graph API that serves fixture JSON, checks the
// bearer token like Meta (error 190 otherwise) and records every request.
type fakeGraph struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	routes []route
	reqs   []recorded
}

func newFakeGraph(t *testing.T) *fakeGraph {
	t.Helper()
	g := &fakeGraph{t: t}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// on serves a fixture file (or literal JSON when name starts with "{").
func (g *fakeGraph) on(method, path, after string, status int, name string) {
	body := []byte(name)
	if !strings.HasPrefix(name, "{") && !strings.HasPrefix(name, "<") {
		body = fixture(g.t, name)
	}
	ctype := "application/json"
	if strings.HasPrefix(name, "<") {
		ctype = "text/html"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.routes = append(g.routes, route{method: method, path: path, after: after, status: status, body: body, ctype: ctype})
}

func (g *fakeGraph) handle(method, path string, fn http.HandlerFunc) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.routes = append(g.routes, route{method: method, path: path, after: "*", fn: fn})
}

func (g *fakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.reqs = append(g.reqs, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
	routes := append([]route(nil), g.routes...)
	g.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))

	if r.Header.Get("Authorization") != "Bearer "+goodToken {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(fixture(g.t, "error_190.json"))
		return
	}
	after := r.URL.Query().Get("after")
	for _, rt := range routes {
		if rt.method != r.Method || rt.path != r.URL.Path || (rt.after != "*" && rt.after != after) {
			continue
		}
		if rt.fn != nil {
			rt.fn(w, r)
			return
		}
		w.Header().Set("Content-Type", rt.ctype)
		w.WriteHeader(rt.status)
		w.Write(rt.body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, `{"error":{"message":"Unknown path components","type":"OAuthException","code":2500,"fbtrace_id":"ATraceNoRoute"}}`)
}

func (g *fakeGraph) requests() []recorded {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]recorded(nil), g.reqs...)
}

// last returns the last request for method+path.
func (g *fakeGraph) last(method, path string) recorded {
	g.t.Helper()
	reqs := g.requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			return reqs[i]
		}
	}
	g.t.Fatalf("no %s %s request was made", method, path)
	return recorded{}
}

func (g *fakeGraph) client(t *testing.T, token string) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: g.srv.URL, Token: token, HTTPClient: g.srv.Client()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}
