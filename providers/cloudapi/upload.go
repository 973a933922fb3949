package cloudapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// ---- Resumable Upload API: /{app-id}/uploads and /{upload-session-id} ----
//
// Uploading is two steps: POST /{app-id}/uploads describes the file and
// answers an upload session ID ("upload:…?sig=…"); POST /{session-id} with
// the header file_offset and the bytes from that offset answers the file
// handle {"h": "…"}. After an interrupted transfer, GET /{session-id}
// answers {"id", "file_offset"}: how much arrived, where to resume. The
// data calls authenticate with "Authorization: OAuth <token>".

// UploadFileTypes are the MIME types the Resumable Upload API accepts.
var UploadFileTypes = []string{"application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4"}

// maxUploadAttempts bounds how often ResumeUpload sends data after a
// transfer broke off.
const maxUploadAttempts = 4

// UploadSession describes a file for CreateUploadSession.
type UploadSession struct {
	FileName string
	FileType string // one of UploadFileTypes
	Length   int64
}

// CreateUploadSession starts an upload of a file for the app appID and
// returns the upload session ID.
func (c *Client) CreateUploadSession(ctx context.Context, appID string, f UploadSession) (string, error) {
	const op = providers.OpCreateUploadSession
	if err := checkAppID(appID); err != nil {
		return "", fmt.Errorf("cloudapi: %s: %w", op, err)
	}
	if f.Length <= 0 {
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the file is empty")})
	}
	if !knownUploadType(f.FileType) {
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{
			Err: fmt.Errorf("files of type %q cannot be uploaded; use PDF, JPEG, PNG or MP4", f.FileType)})
	}
	q := url.Values{"file_length": {strconv.FormatInt(f.Length, 10)}, "file_type": {f.FileType}}
	if name := sanitizeFilename(f.FileName); name != "" {
		q.Set("file_name", name)
	}
	var resp struct {
		ID string `json:"id"`
	}
	if err := c.call(ctx, request{op: op, method: http.MethodPost, path: []string{appID, "uploads"}, query: q}, &resp); err != nil {
		return "", err
	}
	if !strings.HasPrefix(resp.ID, "upload:") {
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.Error{Provider: providers.MetaCloud, Op: op,
			Kind: providers.ErrorKindUnknown, Message: fmt.Sprintf("unexpected upload session ID %q", resp.ID)})
	}
	return resp.ID, nil
}

// UploadSessionOffset asks how many bytes of the file the session holds,
// which is where an interrupted upload resumes.
func (c *Client) UploadSessionOffset(ctx context.Context, sessionID string) (int64, error) {
	const op = providers.OpUploadStatus
	r, err := sessionRequest(op, http.MethodGet, sessionID)
	if err != nil {
		return 0, err
	}
	r.header = http.Header{"Authorization": {"OAuth " + c.token}}
	var resp struct {
		ID         string  `json:"id"`
		FileOffset flexInt `json:"file_offset"`
	}
	if err := c.call(ctx, r, &resp); err != nil {
		return 0, err
	}
	return int64(resp.FileOffset), nil
}

// SendUploadData sends rest, the file's bytes from offset on, to the
// session and returns the file handle once the session holds the whole
// file.
func (c *Client) SendUploadData(ctx context.Context, sessionID string, offset int64, rest []byte) (string, error) {
	const op = providers.OpUpload
	r, err := sessionRequest(op, http.MethodPost, sessionID)
	if err != nil {
		return "", err
	}
	r.header = http.Header{
		"Authorization": {"OAuth " + c.token},
		"File_offset":   {strconv.FormatInt(offset, 10)},
	}
	r.body = bytes.NewReader(rest)
	r.contentType = "application/octet-stream"
	var resp struct {
		H string `json:"h"`
	}
	if err := c.call(ctx, r, &resp); err != nil {
		return "", err
	}
	if resp.H == "" {
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.Error{Provider: providers.MetaCloud, Op: op,
			Kind: providers.ErrorKindUnknown, Message: "the upload was accepted but no file handle came back"})
	}
	return resp.H, nil
}

// ResumeUpload sends data to the session and returns the file handle. When
// the transfer breaks off (a network error), it asks the session how much
// arrived and sends the rest, up to maxUploadAttempts times in all.
func (c *Client) ResumeUpload(ctx context.Context, sessionID string, data []byte) (string, error) {
	var offset int64
	for attempt := 1; ; attempt++ {
		h, err := c.SendUploadData(ctx, sessionID, offset, data[offset:])
		if err == nil {
			return h, nil
		}
		pe, ok := providers.AsError(err)
		if !ok || pe.Kind != providers.ErrorKindNetwork || attempt == maxUploadAttempts || ctx.Err() != nil {
			return "", err
		}
		got, serr := c.UploadSessionOffset(ctx, sessionID)
		if serr != nil {
			c.log.DebugContext(ctx, "cloudapi upload: cannot read the session's offset", "error", serr)
			return "", err
		}
		if got < 0 || got > int64(len(data)) {
			return "", fmt.Errorf("cloudapi: %s: %w", providers.OpUpload, &providers.Error{Provider: providers.MetaCloud,
				Op: providers.OpUpload, Kind: providers.ErrorKindUnknown,
				Message: fmt.Sprintf("the session reports offset %d for a file of %d bytes", got, len(data))})
		}
		c.log.DebugContext(ctx, "cloudapi upload resumes", "attempt", attempt+1, "offset", got, "length", len(data))
		offset = got
	}
}

// UploadProfilePicture uploads pic through the Resumable Upload API of the
// app appID and returns the handle for BusinessProfile.ProfilePictureHandle.
func (c *Client) UploadProfilePicture(ctx context.Context, appID string, pic providers.ProfilePicture) (string, error) {
	const op = providers.OpCreateUploadSession
	switch {
	case pic.MIMEType != "image/jpeg" && pic.MIMEType != "image/png":
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("a profile picture must be a JPEG or PNG image")})
	case len(pic.Data) == 0:
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the picture is empty")})
	case len(pic.Data) > providers.MaxProfilePictureBytes:
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: fmt.Errorf("a profile picture can be at most %d MB", providers.MaxProfilePictureBytes>>20)})
	}
	id, err := c.CreateUploadSession(ctx, appID, UploadSession{FileName: pic.FileName, FileType: pic.MIMEType, Length: int64(len(pic.Data))})
	if err != nil {
		return "", err
	}
	return c.ResumeUpload(ctx, id, pic.Data)
}

// DownloadProfilePicture copies the picture at pictureURL (a profile's
// profile_picture_url, a public CDN address) into w. The access token is
// not sent: the address is not the Graph API's.
func (c *Client) DownloadProfilePicture(ctx context.Context, pictureURL string, w io.Writer) (string, error) {
	const op = providers.OpDownloadPicture
	u, err := url.Parse(pictureURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the picture address is not a web address")})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("cloudapi: %s: build request: %w", op, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "image/jpeg, image/png, image/*;q=0.8")
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", c.transportError(ctx, op, err)
	}
	defer resp.Body.Close()
	c.log.DebugContext(ctx, "cloudapi request", "op", op, "method", req.Method, "host", req.URL.Host,
		"status", resp.StatusCode, "duration", time.Since(start))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return "", fmt.Errorf("cloudapi: %s: %w", op, parseError(op, resp.StatusCode, data))
	}
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !strings.HasPrefix(ctype, "image/") {
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.Error{Provider: providers.MetaCloud, Op: op,
			Kind: providers.ErrorKindMedia, HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("the picture address answered %q, not an image", ctype)})
	}
	const limit = providers.MaxProfilePictureBytes
	n, err := io.Copy(errWriter{w}, io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if ctx.Err() == nil && isWriteError(err) {
			return "", fmt.Errorf("cloudapi: %s: write: %w", op, err)
		}
		return "", c.transportError(ctx, op, err)
	}
	if n > limit {
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.Error{Provider: providers.MetaCloud, Op: op,
			Kind: providers.ErrorKindMedia, Message: fmt.Sprintf("the picture is larger than %d bytes", limit)})
	}
	return ctype, nil
}

// sessionRequest addresses an upload session. Its ID carries a signature
// as a query string ("upload:MTph…?sig=ARZ…"): the part before "?" is the
// path segment, the rest goes into the query.
func sessionRequest(op, method, sessionID string) (request, error) {
	id, rawQuery, _ := strings.Cut(strings.TrimSpace(sessionID), "?")
	if !strings.HasPrefix(id, "upload:") || len(id) == len("upload:") {
		return request{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: fmt.Errorf("%q is not an upload session ID", sessionID)})
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return request{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: fmt.Errorf("the upload session ID %q is malformed", sessionID)})
	}
	return request{op: op, method: method, path: []string{id}, query: q}, nil
}

func checkAppID(appID string) error {
	if appID == "" {
		return &providers.ValidationError{Err: errors.New("the Meta App ID is missing")}
	}
	for _, r := range appID {
		if r < '0' || r > '9' {
			return &providers.ValidationError{Err: fmt.Errorf("the App ID %q must be digits only", appID)}
		}
	}
	return nil
}

func knownUploadType(t string) bool {
	for _, k := range UploadFileTypes {
		if t == k {
			return true
		}
	}
	return false
}
