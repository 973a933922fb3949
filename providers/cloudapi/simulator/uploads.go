package simulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // profile pictures: decode JPEG dimensions
	_ "image/png"  // profile pictures: decode PNG dimensions
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Meta's Resumable Upload API:
//
//	POST /{app-id}/uploads?file_name=&file_length=&file_type=   → {"id":"upload:…?sig=…"}
//	POST /{upload-session-id}  header file_offset, body = bytes → {"h":"4:…"}
//	GET  /{upload-session-id}                                   → {"id":…,"file_offset":n}
//
// The session ID carries its signature as a query string, so clients send
// it as /upload:…?sig=…. Handles are what other endpoints accept
// (profile_picture_handle, template header examples).

// uploadTypes are the file types the Resumable Upload API accepts.
var uploadTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/jpg": true, "image/png": true, "video/mp4": true}

// handleLifetime is how long an upload handle can be used.
const handleLifetime = 7 * 24 * time.Hour

type uploadSession struct {
	id       string // "upload:…", the path segment
	sig      string
	fileName string
	fileType string
	length   int64
	data     []byte
	handle   string // set once the whole file arrived
}

func (u *uploadSession) fullID() string { return u.id + "?sig=" + u.sig }

// fileHandle is a completely uploaded file.
type fileHandle struct {
	fileName string
	fileType string
	data     []byte
	expires  time.Time
}

// randomLocked returns n characters of Meta-looking token alphabet.
func (s *Sim) randomLocked(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = traceAlphabet[s.rng.IntN(len(traceAlphabet))]
	}
	return string(b)
}

func (s *Sim) routeApp(g *gctx, method string) *graphError {
	switch {
	case g.edge == "" && method == http.MethodGet:
		s.ok(g, project(map[string]any{"id": s.cfg.AppID, "name": s.cfg.AppName}, g.fieldSet(), []string{"id", "name"}))
		return nil
	case g.edge == "uploads" && method == http.MethodPost:
		return s.createUploadSession(g)
	case method == http.MethodGet:
		return nonexistingField(g.edge, "Application")
	}
	return unsupportedRequest(method, g.id)
}

func (s *Sim) createUploadSession(g *gctx) *graphError {
	length, err := strconv.ParseInt(g.param("file_length"), 10, 64)
	if err != nil || length <= 0 {
		return invalidParam("file_length must be the file's size in bytes, a positive integer.")
	}
	if length > maxGraphBody {
		return invalidParam(fmt.Sprintf("file_length %d is larger than the %d bytes an upload can have.", length, maxGraphBody))
	}
	fileType := strings.ToLower(strings.TrimSpace(g.param("file_type")))
	if !uploadTypes[fileType] {
		return invalidParam("file_type '" + g.param("file_type") + "' is not supported. Valid values are application/pdf, image/jpeg, image/jpg, image/png and video/mp4.")
	}
	if st := g.param("session_type"); st != "" && st != "attachment" {
		return invalidParam("session_type must be attachment.")
	}
	s.mu.Lock()
	u := &uploadSession{
		id:       "upload:" + base64.RawURLEncoding.EncodeToString([]byte("1:attachment:"+s.randomLocked(24))),
		sig:      "AR" + s.randomLocked(17),
		fileName: g.param("file_name"),
		fileType: fileType,
		length:   length,
	}
	s.uploads[u.id] = u
	s.mu.Unlock()
	s.ok(g, map[string]string{"id": u.fullID()})
	return nil
}

// serveUploadSession answers GET and POST /{upload-session-id}. It reads
// the raw body itself: the file bytes are neither JSON nor a form.
func (s *Sim) serveUploadSession(g *gctx) *graphError {
	s.mu.Lock()
	u := s.uploads[g.id]
	s.mu.Unlock()
	if u == nil {
		return unsupportedRequest(g.r.Method, g.id)
	}
	if g.query.Get("sig") != u.sig {
		return &graphError{status: 400, message: "Incorrect signature", typ: "OAuthException", code: 104}
	}
	switch g.r.Method {
	case http.MethodGet:
		s.mu.Lock()
		offset := len(u.data)
		s.mu.Unlock()
		s.ok(g, map[string]any{"id": u.fullID(), "file_offset": offset})
		return nil
	case http.MethodPost:
		return s.receiveUpload(g, u)
	}
	return unsupportedRequest(g.r.Method, g.id)
}

func (s *Sim) receiveUpload(g *gctx, u *uploadSession) *graphError {
	raw := strings.TrimSpace(g.r.Header.Get("file_offset"))
	if raw == "" {
		return paramError("The header file_offset is required: the byte offset the data in this request starts at (0 for a new upload).")
	}
	offset, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || offset < 0 {
		return invalidParam("file_offset must be a non-negative integer, got '" + raw + "'.")
	}
	s.mu.Lock()
	have := int64(len(u.data))
	cut := s.uploadCut
	if cut >= 0 {
		s.uploadCut = -1
	}
	s.mu.Unlock()
	if offset != have {
		return invalidParam(fmt.Sprintf("file_offset %d does not match the %d bytes this upload session already holds. Read file_offset with GET on the session and resume from there.", offset, have))
	}
	remaining := u.length - have
	if cut >= 0 {
		// A broken transfer: keep what arrived, then drop the connection
		// without an answer, as a network failure would.
		part, _ := io.ReadAll(io.LimitReader(g.r.Body, min(cut, remaining)))
		s.mu.Lock()
		u.data = append(u.data, part...)
		s.mu.Unlock()
		s.log.Info("simulator: upload interrupted on request", "session", u.id, "received", len(part))
		panic(http.ErrAbortHandler)
	}
	body, err := io.ReadAll(io.LimitReader(g.r.Body, remaining+1))
	if err != nil {
		return invalidParam("The request body could not be read.")
	}
	if int64(len(body)) > remaining {
		return invalidParam(fmt.Sprintf("The data is longer than file_length: the session expects %d bytes from offset %d.", remaining, offset))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u.data = append(u.data, body...)
	if got := int64(len(u.data)); got < u.length {
		return invalidParam(fmt.Sprintf("Received %d of %d bytes. Send the rest with file_offset %d.", got, u.length, got))
	}
	if u.handle == "" {
		expires := s.nowLocked().Add(handleLifetime)
		b64 := base64.StdEncoding.EncodeToString
		u.handle = "4:" + b64([]byte(u.fileName)) + ":" + b64([]byte(u.fileType)) + ":ARb" + s.randomLocked(64) +
			":e:" + strconv.FormatInt(expires.Unix(), 10) + ":" + s.cfg.AppID + ":" + s.userIDLocked() + ":AR" + s.randomLocked(20)
		s.handles[u.handle] = &fileHandle{fileName: u.fileName, fileType: u.fileType, data: u.data, expires: expires}
	}
	writeJSON(g.w, http.StatusOK, map[string]string{"h": u.handle})
	return nil
}

// userIDLocked is the ID of the user behind the access token, stable for
// the simulator's lifetime.
func (s *Sim) userIDLocked() string {
	if s.tokenUserID == "" {
		s.tokenUserID = s.newIDLocked()
	}
	return s.tokenUserID
}

// InterruptNextUpload makes the next upload data request break off after
// afterBytes bytes: the session keeps them and the connection drops
// without an answer, so a client has to read file_offset and resume.
func (s *Sim) InterruptNextUpload(afterBytes int64) {
	s.mu.Lock()
	s.uploadCut = max(afterBytes, 0)
	s.mu.Unlock()
}

// profilePicture is an uploaded picture a profile shows.
type profilePicture struct {
	mimeType string
	data     []byte
	width    int
	height   int
	rev      int
}

// pictureFromHandle checks a profile_picture_handle and returns the picture.
func (s *Sim) pictureFromHandleLocked(handle string) (*profilePicture, *graphError) {
	fh := s.handles[handle]
	if fh == nil {
		return nil, invalidParam("profile_picture_handle is not a handle from the Resumable Upload API, or it belongs to another app. Upload the picture and use the \"h\" value the upload returned.")
	}
	if s.nowLocked().After(fh.expires) {
		return nil, invalidParam("profile_picture_handle has expired. Upload the picture again.")
	}
	mimeType := fh.fileType
	if mimeType == "image/jpg" {
		mimeType = "image/jpeg"
	}
	if mimeType != "image/jpeg" && mimeType != "image/png" {
		return nil, invalidParam("The profile picture must be a JPEG or PNG image; the uploaded file is " + fh.fileType + ".")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(fh.data))
	if err != nil || "image/"+format != mimeType {
		return nil, invalidParam("The uploaded profile picture could not be read as a " + strings.TrimPrefix(mimeType, "image/") + " image.")
	}
	return &profilePicture{mimeType: mimeType, data: fh.data, width: cfg.Width, height: cfg.Height}, nil
}

// ProfileInfo is a number's business profile as the simulator holds it.
type ProfileInfo struct {
	PhoneNumberID string       `json:"phone_number_id"`
	About         string       `json:"about"`
	Address       string       `json:"address"`
	Description   string       `json:"description"`
	Email         string       `json:"email"`
	Websites      []string     `json:"websites"`
	Vertical      string       `json:"vertical"`
	Picture       *PictureInfo `json:"picture,omitempty"`
}

// PictureInfo describes an uploaded profile picture.
type PictureInfo struct {
	MIMEType string `json:"mime_type"`
	Bytes    int    `json:"bytes"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	SHA256   string `json:"sha256"`
	// Path serves the picture on the simulator.
	Path string `json:"path"`
}

// Profile returns a number's business profile; false for an unknown number.
func (s *Sim) Profile(phoneNumberID string) (ProfileInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phones[phoneNumberID]
	if p == nil {
		return ProfileInfo{}, false
	}
	info := ProfileInfo{PhoneNumberID: phoneNumberID, About: p.profile.About, Address: p.profile.Address,
		Description: p.profile.Description, Email: p.profile.Email, Websites: append([]string{}, p.profile.Websites...),
		Vertical: p.profile.Vertical}
	if pic := p.picture; pic != nil {
		sum := sha256.Sum256(pic.data)
		info.Picture = &PictureInfo{MIMEType: pic.mimeType, Bytes: len(pic.data), Width: pic.width, Height: pic.height,
			SHA256: hex.EncodeToString(sum[:]), Path: picturePath(p)}
	}
	return info, true
}

// picturePath is where the phone page serves a number's picture; the
// revision changes the address with every new picture, as Meta's CDN does.
func picturePath(p *phone) string {
	rev := 0
	if p.picture != nil {
		rev = p.picture.rev
	}
	return "/phone/profile-picture/" + p.cfg.ID + "?v=" + strconv.Itoa(rev)
}
