// Package static embeds wadesk's stylesheets, scripts and vendored front-end
// libraries and serves them under content-hashed URLs.
//
// Templates link assets through Path, which returns a URL whose file name
// carries a hash of the file's content, for example
// /static/app.3f9a1c2b4d.css. Because a URL names exactly one version of a
// file, Handler lets browsers cache every response for a year; a new build
// with changed content produces new URLs.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Prefix is the URL path under which Handler must be mounted. The handler
// expects to see the full request path, prefix included (do not wrap it in
// http.StripPrefix).
const Prefix = "/static/"

// hashLen is the number of hex digits of the SHA-256 digest kept in URLs.
const hashLen = 10

const cacheForever = "public, max-age=31536000, immutable"

//go:embed *.css *.js *.svg vendor/*/*.js vendor/*/*.css
var embedded embed.FS

// defaultAssets is built once from the embedded files. A failure here means
// the binary was built from a broken tree, so it stops the program at start.
var defaultAssets = mustLoad(embedded)

// Path returns the content-hashed URL of an embedded file, given its name
// relative to this directory: Path("app.css") might return
// "/static/app.3f9a1c2b4d.css" and Path("vendor/htmx.org/htmx.min.js")
// "/static/vendor/htmx.org/htmx.min.5d0e1f2a3b.js".
//
// Path panics when no such file is embedded: names are fixed in templates,
// so an unknown one is a programming error that tests must catch.
func Path(name string) string {
	return defaultAssets.path(name)
}

// Handler serves the embedded files at the URLs returned by Path. Any other
// path, including a file's un-hashed name or an outdated hash, is answered
// with 404.
func Handler() http.Handler {
	return defaultAssets
}

// asset is one embedded file, ready to serve.
type asset struct {
	name        string // name relative to the package directory, e.g. "app.css"
	url         string // hashed URL path, e.g. "/static/app.3f9a1c2b4d.css"
	contentType string
	body        []byte
	etag        string
	gzipBody    []byte // nil when compression does not pay off
	gzipETag    string
}

// assetSet indexes assets by name (for Path) and by URL (for serving).
type assetSet struct {
	byName map[string]*asset
	byURL  map[string]*asset
}

func mustLoad(fsys fs.FS) *assetSet {
	set, err := load(fsys)
	if err != nil {
		panic(err)
	}
	return set
}

// load reads every regular file in fsys, hashes it and precompresses it when
// that makes it meaningfully smaller.
func load(fsys fs.FS) (*assetSet, error) {
	set := &assetSet{byName: map[string]*asset{}, byURL: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		hashed := hashedName(name, body)
		a := &asset{
			name:        name,
			url:         Prefix + hashed,
			contentType: contentType(name),
			body:        body,
			etag:        strconv.Quote(contentHash(body)),
		}
		if compressible(a.contentType) {
			gz, err := gzipBytes(body)
			if err != nil {
				return fmt.Errorf("compress %s: %w", name, err)
			}
			if len(gz) < len(body)*9/10 {
				a.gzipBody = gz
				a.gzipETag = strconv.Quote(contentHash(body) + "-gz")
			}
		}
		if other, dup := set.byURL[a.url]; dup {
			return fmt.Errorf("%s and %s map to the same URL %s", other.name, name, a.url)
		}
		set.byName[name] = a
		set.byURL[a.url] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: load embedded files: %w", err)
	}
	return set, nil
}

func (s *assetSet) path(name string) string {
	a, ok := s.byName[name]
	if !ok {
		panic(fmt.Sprintf("static: no embedded file %q (known: %s)", name, strings.Join(s.names(), ", ")))
	}
	return a.url
}

func (s *assetSet) names() []string {
	names := make([]string, 0, len(s.byName))
	for name := range s.byName {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (s *assetSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")

	a, ok := s.byURL[r.URL.Path]
	if !ok {
		h.Set("Cache-Control", "no-cache")
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", cacheForever)
	body, etag := a.body, a.etag
	if a.gzipBody != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, etag = a.gzipBody, a.gzipETag
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	// ServeContent handles HEAD, If-None-Match (304) and Range requests.
	// A zero modification time leaves Last-Modified out; the ETag suffices.
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

// contentHash is the hex SHA-256 prefix used in URLs and ETags.
func contentHash(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])[:hashLen]
}

// hashedName inserts the content hash before the file's last extension:
// "vendor/htmx.org/htmx.min.js" becomes "vendor/htmx.org/htmx.min.<hash>.js".
// A name without an extension gets the hash appended.
func hashedName(name string, content []byte) string {
	dir, file := path.Split(name)
	ext := path.Ext(file)
	return dir + strings.TrimSuffix(file, ext) + "." + contentHash(content) + ext
}

// contentTypes pins the types of the extensions this package ships, so the
// answer does not depend on the host's MIME tables.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".webp":  "image/webp",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") ||
		strings.HasPrefix(contentType, "application/json") ||
		strings.HasPrefix(contentType, "image/svg+xml")
}

func gzipBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// acceptsGzip reports whether the Accept-Encoding header values allow a gzip
// response. An explicit "gzip" (or "x-gzip") entry decides; otherwise "*"
// does; a q-value of 0 means "not acceptable".
func acceptsGzip(values []string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, value := range values {
		for _, part := range strings.Split(value, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			q := 1.0
			for _, param := range strings.Split(params, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					parsed, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil {
						parsed = 0
					}
					q = parsed
				}
			}
			switch coding {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				starQ = max(starQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}
