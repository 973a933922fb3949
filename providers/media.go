package providers

import "io"

// MediaUpload is a file to upload to the provider.
type MediaUpload struct {
	Filename string
	MIMEType string // e.g. image/jpeg; required
	Body     io.Reader
}

// MediaInfo describes uploaded or received media.
type MediaInfo struct {
	ID       string
	URL      string // short-lived download URL
	MIMEType string
	SHA256   string
	FileSize int64
}

// Download is the result of downloading media.
type Download struct {
	MIMEType string
	Size     int64
}
