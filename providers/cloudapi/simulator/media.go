package simulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// mediaDownloadPath mimics Meta's lookaside media URLs.
const mediaDownloadPath = "/whatsapp_business/attachments/"

// mediaURLLifetime is how long a URL from GET /{media-id} works (Meta: 5 min).
const mediaURLLifetime = 5 * time.Minute

type mediaObject struct {
	id       string
	phoneID  string
	mimeType string
	filename string
	data     []byte
	sum      [32]byte
	created  time.Time
}

func (m *mediaObject) sha256Hex() string    { return hex.EncodeToString(m.sum[:]) }
func (m *mediaObject) sha256Base64() string { return base64.StdEncoding.EncodeToString(m.sum[:]) }

// mediaLimits are Meta's supported upload types and their size limits.
var mediaLimits = map[string]int{
	"audio/aac":                     16 << 20,
	"audio/amr":                     16 << 20,
	"audio/mpeg":                    16 << 20,
	"audio/mp4":                     16 << 20,
	"audio/ogg":                     16 << 20,
	"text/plain":                    100 << 20,
	"application/pdf":               100 << 20,
	"application/msword":            100 << 20,
	"application/vnd.ms-excel":      100 << 20,
	"application/vnd.ms-powerpoint": 100 << 20,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   100 << 20,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         100 << 20,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 << 20,
	"image/jpeg": 5 << 20,
	"image/png":  5 << 20,
	"image/webp": 500 << 10,
	"video/mp4":  16 << 20,
	"video/3gpp": 16 << 20,
}

func supportedMediaTypes() string {
	var list []string
	for k := range mediaLimits {
		list = append(list, k)
	}
	sort.Strings(list)
	return strings.Join(list, ", ")
}

func (s *Sim) storeMediaLocked(phoneID, mimeType, filename string, data []byte) *mediaObject {
	m := &mediaObject{id: s.newIDLocked(), phoneID: phoneID, mimeType: mimeType, filename: filename, data: data, sum: sha256.Sum256(data), created: s.nowLocked()}
	s.media[m.id] = m
	return m
}

func (s *Sim) uploadMedia(g *gctx) *graphError {
	if g.param("messaging_product") != "whatsapp" {
		return paramError("The parameter messaging_product is required.")
	}
	f, ok := g.files["file"]
	if !ok {
		return paramError("The parameter file is required.")
	}
	mimeType := strings.ToLower(strings.TrimSpace(g.param("type")))
	if mimeType == "" {
		mimeType = strings.ToLower(f.mimeType)
	}
	if mimeType == "" || mimeType == "application/octet-stream" {
		mimeType = http.DetectContentType(f.data)
	}
	if i := strings.IndexByte(mimeType, ';'); i >= 0 {
		mimeType = strings.TrimSpace(mimeType[:i])
	}
	limit, ok := mediaLimits[mimeType]
	if !ok {
		return paramError("Param file must be a file with one of the following types: " + supportedMediaTypes() + ". Received file of type '" + mimeType + "'.")
	}
	if len(f.data) == 0 {
		return paramError("Param file must not be empty.")
	}
	if len(f.data) > limit {
		return &graphError{status: 400, message: "(#131053) Media upload error", typ: "OAuthException", code: 131053,
			details: "Uploaded file is " + strconv.Itoa(len(f.data)) + " bytes; the limit for " + mimeType + " is " + strconv.Itoa(limit) + " bytes."}
	}
	s.mu.Lock()
	m := s.storeMediaLocked(g.id, mimeType, f.filename, f.data)
	s.mu.Unlock()
	s.ok(g, map[string]string{"id": m.id})
	return nil
}

type mediaInfo struct {
	MessagingProduct string `json:"messaging_product"`
	URL              string `json:"url"`
	MimeType         string `json:"mime_type"`
	SHA256           string `json:"sha256"`
	FileSize         string `json:"file_size"`
	ID               string `json:"id"`
}

func (s *Sim) mediaHash(id, ext string) string {
	mac := hmac.New(sha256.New, []byte(s.cfg.AppSecret))
	mac.Write([]byte(id + ":" + ext))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))[:22]
}

func (s *Sim) getMedia(g *gctx) *graphError {
	s.mu.Lock()
	s.mediaLookups++
	m := s.media[g.id]
	expires := s.nowLocked().Add(mediaURLLifetime).Unix()
	s.mu.Unlock()
	if m == nil {
		return unsupportedRequest(g.r.Method, g.id)
	}
	if pid := g.param("phone_number_id"); pid != "" && pid != m.phoneID {
		return invalidParam("Media " + m.id + " does not belong to phone number " + pid + ".")
	}
	ext := strconv.FormatInt(expires, 10)
	q := url.Values{"mid": {m.id}, "ext": {ext}, "hash": {s.mediaHash(m.id, ext)}}
	s.ok(g, mediaInfo{
		MessagingProduct: "whatsapp",
		URL:              s.baseURL(g.r) + mediaDownloadPath + "?" + q.Encode(),
		MimeType:         m.mimeType,
		SHA256:           m.sha256Hex(),
		FileSize:         strconv.Itoa(len(m.data)),
		ID:               m.id,
	})
	return nil
}

func (s *Sim) deleteMedia(g *gctx) *graphError {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.media[g.id]
	if m == nil {
		return unsupportedRequest(g.r.Method, g.id)
	}
	if pid := g.param("phone_number_id"); pid != "" && pid != m.phoneID {
		return invalidParam("Media " + m.id + " does not belong to phone number " + pid + ".")
	}
	delete(s.media, g.id)
	writeJSON(g.w, http.StatusOK, successResponse{Success: true})
	return nil
}

// serveMediaDownload serves a media URL. Like Meta's, it needs the access
// token and expires after a few minutes.
func (s *Sim) serveMediaDownload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	tok := bearerToken(r)
	if tok == "" {
		tok = r.URL.Query().Get("access_token")
	}
	g := &gctx{w: w, r: r}
	if err := s.checkToken(tok); err != nil {
		s.writeError(g, err)
		return
	}
	q := r.URL.Query()
	id, ext, hash := q.Get("mid"), q.Get("ext"), q.Get("hash")
	exp, err := strconv.ParseInt(ext, 10, 64)
	if err != nil || !hmac.Equal([]byte(hash), []byte(s.mediaHash(id, ext))) {
		http.Error(w, "URL signature mismatch", http.StatusForbidden)
		return
	}
	s.mu.Lock()
	m := s.media[id]
	expired := s.nowLocked().Unix() > exp
	s.mu.Unlock()
	if m == nil {
		http.NotFound(w, r)
		return
	}
	if expired {
		http.Error(w, "URL expired: retrieve the media URL again", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", m.mimeType)
	w.Header().Set("Content-Length", strconv.Itoa(len(m.data)))
	if m.filename != "" {
		w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(m.filename))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(m.data)
	}
}

// MediaCalls counts the media lookups (GET /{media-id}) and downloads
// made so far.
type MediaCalls struct {
	Lookups   int `json:"lookups"`
	Downloads int `json:"downloads"`
}

// MediaCalls says how often files were asked for.
func (s *Sim) MediaCalls() MediaCalls {
	s.mu.Lock()
	defer s.mu.Unlock()
	return MediaCalls{Lookups: s.mediaLookups, Downloads: s.mediaDownloads}
}

// ForgetMedia drops every media file, as Meta does when media IDs expire
// (7 days for received media, 30 for uploaded): lookups of them then
// answer error 100 subcode 33, as for an unknown ID. It returns how many
// files were forgotten.
func (s *Sim) ForgetMedia() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.media)
	clear(s.media)
	return n
}
