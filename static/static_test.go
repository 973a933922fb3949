package static

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// embeddedNames lists every regular file in the embedded tree.
func embeddedNames(t *testing.T) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(embedded, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk embedded files: %v", err)
	}
	return names
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	body, err := fs.ReadFile(embedded, name)
	if err != nil {
		t.Fatalf("read embedded %s: %v", name, err)
	}
	return body
}

// newServer mounts h at Prefix the way the application does.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(Prefix, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// get performs a request without the transport's transparent gzip handling,
// so the test sees exactly what the handler sent.
func get(t *testing.T, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s: %v", url, err)
	}
	return resp, body
}

func TestExpectedFilesAreEmbedded(t *testing.T) {
	want := []string{
		"app.css",
		"app.js",
		"favicon.svg",
		"vendor/htmx.org/htmx.min.js",
		"vendor/htmx-ext-sse/sse.min.js",
		"vendor/pico/pico.min.css",
	}
	have := map[string]bool{}
	for _, name := range embeddedNames(t) {
		have[name] = true
	}
	for _, name := range want {
		if !have[name] {
			t.Errorf("%s is not embedded", name)
		}
	}
}

func TestEveryEmbeddedFileHasHashedPath(t *testing.T) {
	seen := map[string]string{}
	for _, name := range embeddedNames(t) {
		p := Path(name)
		hash := contentHash(mustRead(t, name))
		ext := path.Ext(name)
		wantPath := Prefix + strings.TrimSuffix(name, ext) + "." + hash + ext
		if p != wantPath {
			t.Errorf("Path(%q) = %q, want %q", name, p, wantPath)
		}
		if p == Prefix+name {
			t.Errorf("Path(%q) = %q carries no hash", name, p)
		}
		if other, dup := seen[p]; dup {
			t.Errorf("Path(%q) and Path(%q) are both %q", name, other, p)
		}
		seen[p] = name
	}
	if len(seen) == 0 {
		t.Fatal("no embedded files")
	}
}

func TestHandlerServesEveryFile(t *testing.T) {
	srv := newServer(t, Handler())
	for _, name := range embeddedNames(t) {
		t.Run(name, func(t *testing.T) {
			want := mustRead(t, name)
			resp, body := get(t, http.MethodGet, srv.URL+Path(name), nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			if !bytes.Equal(body, want) {
				t.Errorf("body differs from the embedded file (%d bytes, want %d)", len(body), len(want))
			}
			checkAssetHeaders(t, resp, contentType(name))
			if got := resp.Header.Get("Content-Encoding"); got != "" {
				t.Errorf("Content-Encoding = %q without Accept-Encoding", got)
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(want)) {
				t.Errorf("Content-Length = %q, want %d", got, len(want))
			}
		})
	}
}

func checkAssetHeaders(t *testing.T, resp *http.Response, wantType string) {
	t.Helper()
	if got := resp.Header.Get("Content-Type"); got != wantType {
		t.Errorf("Content-Type = %q, want %q", got, wantType)
	}
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if resp.Header.Get("ETag") == "" {
		t.Error("no ETag")
	}
}

func TestContentTypesOfShippedFiles(t *testing.T) {
	srv := newServer(t, Handler())
	tests := []struct {
		name string
		want string
	}{
		{"app.css", "text/css; charset=utf-8"},
		{"app.js", "text/javascript; charset=utf-8"},
		{"favicon.svg", "image/svg+xml"},
		{"vendor/htmx.org/htmx.min.js", "text/javascript; charset=utf-8"},
		{"vendor/htmx-ext-sse/sse.min.js", "text/javascript; charset=utf-8"},
		{"vendor/pico/pico.min.css", "text/css; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, http.MethodGet, srv.URL+Path(tt.name), nil)
			if got := resp.Header.Get("Content-Type"); got != tt.want {
				t.Errorf("Content-Type = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHandlerGzip(t *testing.T) {
	srv := newServer(t, Handler())
	// The large text files must be precompressed.
	for _, name := range []string{"app.css", "app.js", "vendor/htmx.org/htmx.min.js", "vendor/pico/pico.min.css"} {
		if defaultAssets.byName[name].gzipBody == nil {
			t.Errorf("%s was not precompressed", name)
		}
	}
	for _, name := range embeddedNames(t) {
		t.Run(name, func(t *testing.T) {
			want := mustRead(t, name)
			resp, body := get(t, http.MethodGet, srv.URL+Path(name), map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			checkAssetHeaders(t, resp, contentType(name))
			if defaultAssets.byName[name].gzipBody == nil {
				if !bytes.Equal(body, want) {
					t.Error("uncompressed body differs from the embedded file")
				}
				return
			}
			if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
				t.Fatalf("Content-Encoding = %q, want gzip", got)
			}
			if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", got)
			}
			if len(body) >= len(want) {
				t.Errorf("gzip body is %d bytes, original %d", len(body), len(want))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gzip reader: %v", err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("gunzip: %v", err)
			}
			if !bytes.Equal(plain, want) {
				t.Error("gunzipped body differs from the embedded file")
			}
			identity, _ := get(t, http.MethodGet, srv.URL+Path(name), nil)
			if resp.Header.Get("ETag") == identity.Header.Get("ETag") {
				t.Error("gzip and identity responses share an ETag")
			}
		})
	}
}

func TestHandlerNotFound(t *testing.T) {
	srv := newServer(t, Handler())
	appCSS := Path("app.css")
	tests := []struct {
		name string
		path string
	}{
		{"un-hashed name", "/static/app.css"},
		{"un-hashed vendor file", "/static/vendor/htmx.org/htmx.min.js"},
		{"stale hash of older content", Prefix + hashedName("app.css", []byte("body { color: red }"))},
		{"well-formed but wrong hash", "/static/app.0123456789.css"},
		{"hash of another file", "/static/app." + contentHash(mustRead(t, "app.js")) + ".css"},
		{"right hash, wrong extension", strings.TrimSuffix(appCSS, ".css") + ".js"},
		{"hash in upper case", Prefix + "app." + strings.ToUpper(contentHash(mustRead(t, "app.css"))) + ".css"},
		{"directory", "/static/vendor/"},
		{"prefix itself", "/static/"},
		{"source file", "/static/static.go"},
		{"license file", "/static/vendor/pico/LICENSE.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, http.MethodGet, srv.URL+tt.path, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("GET %s: status = %d, want 404", tt.path, resp.StatusCode)
			}
			if got := resp.Header.Get("Cache-Control"); strings.Contains(got, "immutable") {
				t.Errorf("404 is cacheable forever: Cache-Control = %q", got)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
		})
	}
}

func TestHandlerMethods(t *testing.T) {
	srv := newServer(t, Handler())
	url := srv.URL + Path("app.js")
	size := len(mustRead(t, "app.js"))

	resp, body := get(t, http.MethodHead, url, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD status = %d, want 200", resp.StatusCode)
	}
	if len(body) != 0 {
		t.Errorf("HEAD returned a %d-byte body", len(body))
	}
	if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(size) {
		t.Errorf("HEAD Content-Length = %q, want %d", got, size)
	}
	checkAssetHeaders(t, resp, "text/javascript; charset=utf-8")

	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		resp, _ := get(t, method, url, nil)
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s status = %d, want 405", method, resp.StatusCode)
		}
		if got := resp.Header.Get("Allow"); got != "GET, HEAD" {
			t.Errorf("%s Allow = %q, want \"GET, HEAD\"", method, got)
		}
	}
}

func TestHandlerConditionalGet(t *testing.T) {
	srv := newServer(t, Handler())
	url := srv.URL + Path("app.css")
	first, _ := get(t, http.MethodGet, url, nil)
	etag := first.Header.Get("ETag")

	resp, body := get(t, http.MethodGet, url, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("status = %d, want 304", resp.StatusCode)
	}
	if len(body) != 0 {
		t.Errorf("304 carried a %d-byte body", len(body))
	}

	resp, _ = get(t, http.MethodGet, url, map[string]string{"If-None-Match": `"not-the-etag"`})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("mismatched If-None-Match: status = %d, want 200", resp.StatusCode)
	}
}

func TestPathPanicsForUnknownName(t *testing.T) {
	for _, name := range []string{"", "nope.css", "/app.css", "static/app.css", "App.css", "vendor/htmx.org", Path("app.css")} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatalf("Path(%q) did not panic", name)
				}
				msg, _ := r.(string)
				if !strings.Contains(msg, strconv.Quote(name)) {
					t.Errorf("panic message %q does not name %q", msg, name)
				}
			}()
			Path(name)
		})
	}
}

func TestHashedName(t *testing.T) {
	sum := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:])[:hashLen]
	}
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"app.css", "body{}", "app." + sum("body{}") + ".css"},
		{"vendor/htmx.org/htmx.min.js", "x", "vendor/htmx.org/htmx.min." + sum("x") + ".js"},
		{"a/b/c.tar.gz", "data", "a/b/c.tar." + sum("data") + ".gz"},
		{"LICENSE", "text", "LICENSE." + sum("text")},
		{"empty.txt", "", "empty." + sum("") + ".txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hashedName(tt.name, []byte(tt.content)); got != tt.want {
				t.Errorf("hashedName(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}

	if len(contentHash(nil)) != hashLen || hashLen < 8 || hashLen > 12 {
		t.Errorf("hash length %d is outside 8..12", len(contentHash(nil)))
	}
	if !regexp.MustCompile(`^[0-9a-f]+$`).MatchString(contentHash([]byte("x"))) {
		t.Error("hash is not lower-case hex")
	}
}

func TestHashChangesWithContent(t *testing.T) {
	versions := []string{"body { color: #111 }", "body { color: #112 }", "body { color: #111 } ", ""}
	seen := map[string]string{}
	for _, content := range versions {
		got := hashedName("app.css", []byte(content))
		if prev, dup := seen[got]; dup {
			t.Errorf("contents %q and %q both hash to %q", prev, content, got)
		}
		seen[got] = content
		if again := hashedName("app.css", []byte(content)); again != got {
			t.Errorf("hash of %q is not stable: %q then %q", content, got, again)
		}
	}
}

// A new build with changed content gets a new URL and stops serving the old one.
func TestRebuildWithChangedContent(t *testing.T) {
	oldSet, err := load(fstest.MapFS{"app.css": {Data: []byte("body { color: black }")}})
	if err != nil {
		t.Fatalf("load old: %v", err)
	}
	newSet, err := load(fstest.MapFS{"app.css": {Data: []byte("body { color: navy }")}})
	if err != nil {
		t.Fatalf("load new: %v", err)
	}
	oldURL, newURL := oldSet.path("app.css"), newSet.path("app.css")
	if oldURL == newURL {
		t.Fatalf("URL did not change with the content: %s", oldURL)
	}

	srv := newServer(t, newSet)
	resp, body := get(t, http.MethodGet, srv.URL+newURL, nil)
	if resp.StatusCode != http.StatusOK || string(body) != "body { color: navy }" {
		t.Errorf("new URL: status %d body %q", resp.StatusCode, body)
	}
	resp, _ = get(t, http.MethodGet, srv.URL+oldURL, nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("old URL %s: status = %d, want 404", oldURL, resp.StatusCode)
	}
}

func TestLoadSkipsCompressionWhenItDoesNotHelp(t *testing.T) {
	set, err := load(fstest.MapFS{
		"tiny.css":    {Data: []byte("a{}")},
		"big.css":     {Data: bytes.Repeat([]byte("a { color: red }\n"), 200)},
		"picture.png": {Data: bytes.Repeat([]byte{0}, 4096)},
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	tests := []struct {
		name     string
		wantGzip bool
	}{
		{"tiny.css", false},    // gzip overhead exceeds the saving
		{"big.css", true},      // repetitive text shrinks a lot
		{"picture.png", false}, // images are already compressed formats
	}
	for _, tt := range tests {
		if got := set.byName[tt.name].gzipBody != nil; got != tt.wantGzip {
			t.Errorf("%s precompressed = %v, want %v", tt.name, got, tt.wantGzip)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"GZIP"}, true},
		{[]string{"gzip, deflate, br"}, true},
		{[]string{"br;q=1.0, gzip;q=0.5"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"x-gzip"}, true},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"identity"}, false},
		{[]string{"deflate, br"}, false},
		{[]string{"br", "gzip"}, true},
		{[]string{"gzip;q=bogus"}, false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestContentType(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"app.css", "text/css; charset=utf-8"},
		{"APP.CSS", "text/css; charset=utf-8"},
		{"app.js", "text/javascript; charset=utf-8"},
		{"icon.svg", "image/svg+xml"},
		{"font.woff2", "font/woff2"},
		{"blob.unknownext", "application/octet-stream"},
		{"noext", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := contentType(tt.name); got != tt.want {
			t.Errorf("contentType(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The vendored files must match the versions and checksums documented in
// vendor/README.md, so an accidental edit or a half-done upgrade is caught.
func TestVendoredFilesMatchREADME(t *testing.T) {
	f, err := os.Open("vendor/README.md")
	if err != nil {
		t.Fatalf("open vendor/README.md: %v", err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([^`]+)` \\| (\\d+) \\| `([0-9a-f]{64})` \\|$")
	documented := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := row.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		file, size, wantSum := m[1], m[2], m[3]
		documented[file] = true
		data, err := os.ReadFile(path.Join("vendor", file))
		if err != nil {
			t.Errorf("README lists %s: %v", file, err)
			continue
		}
		if strconv.Itoa(len(data)) != size {
			t.Errorf("%s is %d bytes, README says %s", file, len(data), size)
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != wantSum {
			t.Errorf("%s sha256 = %x, README says %s", file, got, wantSum)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read README: %v", err)
	}
	err = fs.WalkDir(os.DirFS("vendor"), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && name != "README.md" && !documented[name] {
			t.Errorf("vendor/%s has no checksum row in vendor/README.md", name)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk vendor: %v", err)
	}
	if len(documented) == 0 {
		t.Fatal("no checksum rows found in vendor/README.md")
	}
}

// app.css and app.js must not load anything by URL: everything they need
// is embedded and addressed through hashed paths, and the CSP allows no
// third-party origins.
func TestOwnAssetsReferenceNoURLs(t *testing.T) {
	comments := regexp.MustCompile(`(?s)/\*.*?\*/`)
	css := comments.ReplaceAllString(string(mustRead(t, "app.css")), "")
	for _, needle := range []string{"url(", "@import", "http://", "https://"} {
		if strings.Contains(css, needle) {
			t.Errorf("app.css contains %q", needle)
		}
	}
	js := string(mustRead(t, "app.js"))
	for _, needle := range []string{"http://", "https://", "eval(", "innerHTML"} {
		if strings.Contains(js, needle) {
			t.Errorf("app.js contains %q", needle)
		}
	}
}
