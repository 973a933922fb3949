package cloudapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// UploadMedia uploads a file for the number phoneNumberID and returns its
// media ID, to be sent by ID. The body is streamed, not buffered.
func (c *Client) UploadMedia(ctx context.Context, phoneNumberID string, up providers.MediaUpload) (string, error) {
	const op = providers.OpUploadMedia
	switch {
	case up.Body == nil:
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the file is missing")})
	case up.MIMEType == "" || strings.ContainsAny(up.MIMEType, "\r\n"):
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the file type is missing")})
	}
	filename := up.Filename
	if filename == "" {
		filename = "file"
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeUpload(mw, filename, up))
	}()
	defer pr.Close()

	var resp struct {
		ID flexString `json:"id"`
	}
	err := c.call(ctx, request{
		op: op, method: http.MethodPost, path: c.numberPath(phoneNumberID, "media"),
		body: pr, contentType: mw.FormDataContentType(),
	}, &resp)
	if err != nil {
		return "", err
	}
	if resp.ID == "" {
		return "", fmt.Errorf("cloudapi: %s: %w", op, &providers.Error{
			Provider: providers.MetaCloud, Op: op, Kind: providers.ErrorKindUnknown, Message: "the answer has no media ID",
		})
	}
	return string(resp.ID), nil
}

// writeUpload writes the multipart form Meta expects: messaging_product,
// type (the MIME type) and file.
func writeUpload(mw *multipart.Writer, filename string, up providers.MediaUpload) error {
	if err := mw.WriteField("messaging_product", "whatsapp"); err != nil {
		return err
	}
	if err := mw.WriteField("type", up.MIMEType); err != nil {
		return err
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, sanitizeFilename(filename)))
	h.Set("Content-Type", up.MIMEType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, up.Body); err != nil {
		return err
	}
	return mw.Close()
}

// sanitizeFilename keeps a filename safe inside a quoted header value.
func sanitizeFilename(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '\\' || r == 0x7f {
			return '_'
		}
		return r
	}, name)
}

type wireMediaInfo struct {
	ID       flexString `json:"id"`
	URL      string     `json:"url"`
	MIMEType string     `json:"mime_type"`
	SHA256   string     `json:"sha256"`
	FileSize flexInt    `json:"file_size"`
}

// GetMediaURL looks up a media ID and returns its short-lived download URL
// (valid for about five minutes) and file details.
//
// Retention (Meta): media IDs in webhooks expire after 7 days, uploaded
// media after 30 days (Meta's media reference, developers.facebook.com
// documentation/business-messaging/whatsapp/business-phone-numbers/media,
// updated 16 Jun 2026, as quoted in ../shared/contracts/README.md); the
// download URL after 5 minutes (../shared/contracts/meta/
// business-messaging-api_v23.0.yaml, "Download Media"); with the "No
// Storage" option media blobs live at most one hour (Meta's no-storage
// page, updated 21 May 2026, found with the search tool). Confirmed.
func (c *Client) GetMediaURL(ctx context.Context, mediaID string) (providers.MediaInfo, error) {
	var w wireMediaInfo
	if err := c.call(ctx, request{op: providers.OpGetMedia, method: http.MethodGet, path: []string{mediaID}}, &w); err != nil {
		return providers.MediaInfo{}, err
	}
	return providers.MediaInfo{ID: string(w.ID), URL: w.URL, MIMEType: w.MIMEType, SHA256: w.SHA256, FileSize: int64(w.FileSize)}, nil
}

// DownloadMedia downloads a URL from GetMediaURL into w, sending the access
// token as Meta requires. Files larger than Config.MaxDownloadBytes are
// refused; a refusal after some bytes were written leaves w partly written.
func (c *Client) DownloadMedia(ctx context.Context, mediaURL string, w io.Writer) (providers.Download, error) {
	const op = providers.OpDownloadMedia
	u, err := url.Parse(mediaURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return providers.Download{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the media address is not a web address")})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return providers.Download{}, fmt.Errorf("cloudapi: %s: build request: %w", op, err)
	}
	req.Header.Set("Accept", "*/*")
	resp, err := c.send(ctx, op, req)
	if err != nil {
		return providers.Download{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		pe := parseError(op, resp.StatusCode, data)
		return providers.Download{}, fmt.Errorf("cloudapi: %s: %w", op, pe)
	}
	tooBig := func() error {
		return fmt.Errorf("cloudapi: %s: %w", op, &providers.Error{
			Provider: providers.MetaCloud, Op: op, Kind: providers.ErrorKindMedia, HTTPStatus: resp.StatusCode,
			Message: fmt.Sprintf("file is larger than the %d-byte limit", c.maxDownload),
		})
	}
	if resp.ContentLength > c.maxDownload {
		return providers.Download{}, tooBig()
	}
	n, err := io.Copy(errWriter{w}, io.LimitReader(resp.Body, c.maxDownload+1))
	if err != nil {
		if ctx.Err() == nil && isWriteError(err) {
			return providers.Download{}, fmt.Errorf("cloudapi: %s: write: %w", op, err)
		}
		return providers.Download{}, c.transportError(ctx, op, err)
	}
	if n > c.maxDownload {
		return providers.Download{}, tooBig()
	}
	return providers.Download{MIMEType: resp.Header.Get("Content-Type"), Size: n}, nil
}

// isWriteError tells a failing destination writer from a failing download.
// io.Copy does not say which side failed, so the writer is wrapped.
func isWriteError(err error) bool {
	var we *writeErr
	return errors.As(err, &we)
}

type writeErr struct{ err error }

func (e *writeErr) Error() string { return e.err.Error() }
func (e *writeErr) Unwrap() error { return e.err }

// errWriter marks errors of the destination writer.
type errWriter struct{ w io.Writer }

func (e errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		return n, &writeErr{err}
	}
	return n, nil
}
