// Package attach decides whether a file an agent attaches can be sent on
// WhatsApp, and as what. The type is read from the file's content, never
// from the name or the browser's claim, and checked against what the
// WhatsApp Cloud API accepts, with its size limit per kind of media:
//
//	image     image/jpeg, image/png                                   5 MB
//	audio     audio/aac, audio/mp4, audio/mpeg, audio/amr, audio/ogg 16 MB
//	video     video/mp4, video/3gpp                                  16 MB
//	document  application/pdf, Word, Excel and PowerPoint (old and
//	          new formats), text/plain                              100 MB
//
// Problems come back as *Problem, in words an agent understands.
package attach

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wadesk/wadesk/providers"
)

// Size limits WhatsApp sets per kind of media.
const (
	MaxImage    = 5 << 20
	MaxAudio    = 16 << 20
	MaxVideo    = 16 << 20
	MaxDocument = 100 << 20
	// MaxUpload is the largest file of any kind.
	MaxUpload = MaxDocument
)

// MaxFilename bounds the name a document is sent with.
const MaxFilename = 240

// MIME types WhatsApp accepts for Office documents.
const (
	MIMEWord          = "application/msword"
	MIMEExcel         = "application/vnd.ms-excel"
	MIMEPowerPoint    = "application/vnd.ms-powerpoint"
	MIMEWordX         = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MIMEExcelX        = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	MIMEPowerPointX   = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	accepted          = "Send a photo (JPEG or PNG), audio (AAC, M4A, MP3, AMR or OGG), a video (MP4 or 3GP), a PDF, a Word, Excel or PowerPoint file, or a plain text file."
	sniffLen          = 4096
	kindImageLabel    = "photo"
	kindDocumentLabel = "document"
)

// Problem is why a file cannot be sent, in plain words.
type Problem struct{ Msg string }

func (p *Problem) Error() string { return p.Msg }

func problem(format string, args ...any) error { return &Problem{Msg: fmt.Sprintf(format, args...)} }

// File is an attachment WhatsApp accepts.
type File struct {
	// Kind is the message kind it is sent as: image, audio, video or document.
	Kind providers.MessageKind
	// MIMEType is what the content is, as the provider is told on upload.
	MIMEType string
	Size     int64
	// Filename is the name the customer sees on a document: the base name
	// of the uploaded file, cleaned of control characters.
	Filename string
}

// Limit is the largest file of a kind WhatsApp accepts.
func Limit(kind providers.MessageKind) int64 {
	switch kind {
	case providers.KindImage:
		return MaxImage
	case providers.KindAudio:
		return MaxAudio
	case providers.KindVideo:
		return MaxVideo
	}
	return MaxDocument
}

// CanCaption reports whether a kind of media can carry a caption.
func CanCaption(kind providers.MessageKind) bool {
	return kind == providers.KindImage || kind == providers.KindVideo || kind == providers.KindDocument
}

// Identify reads the file's content (size bytes from r) and says what
// WhatsApp will take it as, or why it will not.
func Identify(r io.ReaderAt, size int64, filename string) (File, error) {
	name := cleanName(filename)
	if size <= 0 {
		return File{}, problem("The file %s is empty.", quoted(name))
	}
	head := make([]byte, min(size, sniffLen))
	if n, err := r.ReadAt(head, 0); err != nil && !(err == io.EOF && int64(n) == int64(len(head))) {
		return File{}, fmt.Errorf("attach: read the file: %w", err)
	}
	mime, err := sniff(head, r, size, name)
	if err != nil {
		return File{}, err
	}
	f := File{Kind: kindOf(mime), MIMEType: mime, Size: size, Filename: name}
	if limit := Limit(f.Kind); size > limit {
		return File{}, problem("This %s is %s; WhatsApp accepts %ss of up to %s.", label(f.Kind), megabytes(size), label(f.Kind), megabytes(limit))
	}
	return f, nil
}

func kindOf(mime string) providers.MessageKind {
	switch {
	case strings.HasPrefix(mime, "image/"):
		return providers.KindImage
	case strings.HasPrefix(mime, "audio/"):
		return providers.KindAudio
	case strings.HasPrefix(mime, "video/"):
		return providers.KindVideo
	}
	return providers.KindDocument
}

func label(k providers.MessageKind) string {
	switch k {
	case providers.KindImage:
		return kindImageLabel
	case providers.KindAudio:
		return "audio file"
	case providers.KindVideo:
		return "video"
	}
	return kindDocumentLabel
}

// megabytes writes a size the way people read it: "5 MB", "6.2 MB".
func megabytes(n int64) string {
	mb := float64(n) / (1 << 20)
	if mb == float64(int64(mb)) {
		return fmt.Sprintf("%d MB", int64(mb))
	}
	if mb < 0.1 {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%.1f MB", mb)
}

func quoted(name string) string {
	if name == "" {
		return "you chose"
	}
	return "“" + name + "”"
}

// cleanName keeps the last element of the name and drops control
// characters; it is cut to MaxFilename characters, keeping the extension.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	if name == "." || name == "/" {
		return ""
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > MaxFilename {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 16 {
			ext = ""
		}
		runes := []rune(strings.TrimSuffix(name, ext))
		name = string(runes[:MaxFilename-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

var (
	sigJPEG = []byte{0xFF, 0xD8, 0xFF}
	sigPNG  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
	sigPDF  = []byte("%PDF-")
	sigOgg  = []byte("OggS")
	sigAMR  = []byte("#!AMR")
	sigID3  = []byte("ID3")
	sigCFB  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	sigZIP  = []byte("PK\x03\x04")
	sigWebP = []byte("WEBP")
	sigGIF  = []byte("GIF8")
	sigRIFF = []byte("RIFF")
)

// sniff names the content's MIME type from its first bytes (and, for
// Office files, its structure or name).
func sniff(head []byte, r io.ReaderAt, size int64, name string) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case bytes.HasPrefix(head, sigJPEG):
		return "image/jpeg", nil
	case bytes.HasPrefix(head, sigPNG):
		return "image/png", nil
	case bytes.HasPrefix(head, sigPDF):
		return "application/pdf", nil
	case bytes.HasPrefix(head, sigOgg):
		return "audio/ogg", nil
	case bytes.HasPrefix(head, sigAMR):
		return "audio/amr", nil
	case bytes.HasPrefix(head, sigID3):
		return "audio/mpeg", nil
	case len(head) >= 2 && head[0] == 0xFF && head[1]&0xF6 == 0xF0:
		// ADTS: sync word and layer 00.
		return "audio/aac", nil
	case len(head) >= 2 && head[0] == 0xFF && head[1]&0xE0 == 0xE0 && (head[1]>>1)&3 != 0:
		// An MPEG audio frame (MP3 without tags).
		return "audio/mpeg", nil
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		return isoMedia(string(head[8:12]))
	case bytes.HasPrefix(head, sigCFB):
		switch ext {
		case ".doc", ".dot":
			return MIMEWord, nil
		case ".xls", ".xlt":
			return MIMEExcel, nil
		case ".ppt", ".pps", ".pot":
			return MIMEPowerPoint, nil
		}
		return "", problem("This looks like an old Office file, but its name does not end in .doc, .xls or .ppt, so wadesk cannot tell which. Rename it, or save it as PDF.")
	case bytes.HasPrefix(head, sigZIP):
		return officeOpenXML(r, size)
	case bytes.HasPrefix(head, sigRIFF) && len(head) >= 12 && bytes.Equal(head[8:12], sigWebP):
		return "", problem("WhatsApp takes WebP images as stickers only. Save the picture as JPEG or PNG and attach it again.")
	case bytes.HasPrefix(head, sigGIF):
		return "", problem("WhatsApp does not accept GIF images. Save the picture as JPEG or PNG, or send the animation as an MP4 video.")
	case isText(head, size <= int64(len(head))):
		return "text/plain", nil
	}
	return "", problem("WhatsApp does not accept this kind of file. %s", accepted)
}

// isoMedia maps the major brand of an ISO media file (MP4 and relatives).
func isoMedia(brand string) (string, error) {
	switch {
	case strings.HasPrefix(brand, "3gp"), strings.HasPrefix(brand, "3g2"):
		return "video/3gpp", nil
	case brand == "M4A " || brand == "M4B " || brand == "M4P ":
		return "audio/mp4", nil
	case brand == "qt  ":
		return "", problem("WhatsApp does not accept QuickTime (.mov) videos. Export the video as MP4 and attach it again.")
	case strings.HasPrefix(brand, "heic"), strings.HasPrefix(brand, "heix"), strings.HasPrefix(brand, "mif1"), strings.HasPrefix(brand, "avif"):
		return "", problem("WhatsApp does not accept HEIC or AVIF pictures. Save the picture as JPEG or PNG and attach it again.")
	}
	return "video/mp4", nil
}

// officeOpenXML tells Word, Excel and PowerPoint files apart by the parts
// their ZIP container holds; any other ZIP file is refused.
func officeOpenXML(r io.ReaderAt, size int64) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", problem("This file looks like a ZIP archive but cannot be read. %s", accepted)
	}
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			return MIMEWordX, nil
		case "xl/workbook.xml":
			return MIMEExcelX, nil
		case "ppt/presentation.xml":
			return MIMEPowerPointX, nil
		}
	}
	return "", problem("WhatsApp does not accept ZIP archives. %s", accepted)
}

// isText reports whether head reads as text: valid UTF-8 (a character cut
// off at the end of head is fine unless head is the whole file) without
// NUL bytes or other control characters than tabs, line and page breaks.
func isText(head []byte, whole bool) bool {
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n <= 1 {
			if !whole && len(head)-i < utf8.UTFMax && !utf8.FullRune(head[i:]) {
				return true
			}
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7F {
			return false
		}
		i += n
	}
	return true
}
