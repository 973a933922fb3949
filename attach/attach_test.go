package attach_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/attach"
	"github.com/wadesk/wadesk/providers"
)

// sized is a file of size bytes that starts with head and is zeros after
// it, without holding them in memory.
type sized struct {
	head []byte
	size int64
}

func (s sized) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off+int64(n) < s.size {
		i := off + int64(n)
		if i < int64(len(s.head)) {
			p[n] = s.head[i]
		} else {
			p[n] = 0
		}
		n++
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("<xml/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ftyp(brand string) []byte {
	return append([]byte{0, 0, 0, 0x20, 'f', 't', 'y', 'p'}, append([]byte(brand), make([]byte, 20)...)...)
}

func TestIdentify(t *testing.T) {
	docx := zipWith(t, "[Content_Types].xml", "word/document.xml")
	xlsx := zipWith(t, "[Content_Types].xml", "xl/workbook.xml")
	pptx := zipWith(t, "[Content_Types].xml", "ppt/presentation.xml")
	plainZip := zipWith(t, "notes.txt")
	cfb := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}
	for _, tc := range []struct {
		name     string
		content  []byte
		filename string
		mime     string
		kind     providers.MessageKind
		refused  string
	}{
		{"jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, "photo.png", "image/jpeg", providers.KindImage, ""},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "x", "image/png", providers.KindImage, ""},
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ"), "menu.pdf", "application/pdf", providers.KindDocument, ""},
		{"ogg", []byte("OggS\x00\x02\x00\x00"), "voice.ogg", "audio/ogg", providers.KindAudio, ""},
		{"amr", []byte("#!AMR\n\x3c"), "memo.amr", "audio/amr", providers.KindAudio, ""},
		{"mp3 with tags", []byte("ID3\x04\x00\x00\x00\x00\x00\x00"), "song.mp3", "audio/mpeg", providers.KindAudio, ""},
		{"mp3 frame", []byte{0xFF, 0xFB, 0x90, 0x64, 0, 0}, "song.mp3", "audio/mpeg", providers.KindAudio, ""},
		{"aac", []byte{0xFF, 0xF1, 0x50, 0x80, 0, 0}, "a.aac", "audio/aac", providers.KindAudio, ""},
		{"m4a", ftyp("M4A "), "a.m4a", "audio/mp4", providers.KindAudio, ""},
		{"mp4", ftyp("isom"), "clip.mp4", "video/mp4", providers.KindVideo, ""},
		{"3gp", ftyp("3gp5"), "clip.3gp", "video/3gpp", providers.KindVideo, ""},
		{"word", cfb, "letter.DOC", attach.MIMEWord, providers.KindDocument, ""},
		{"excel", cfb, "sheet.xls", attach.MIMEExcel, providers.KindDocument, ""},
		{"powerpoint", cfb, "slides.ppt", attach.MIMEPowerPoint, providers.KindDocument, ""},
		{"docx", docx, "letter.bin", attach.MIMEWordX, providers.KindDocument, ""},
		{"xlsx", xlsx, "sheet.xlsx", attach.MIMEExcelX, providers.KindDocument, ""},
		{"pptx", pptx, "slides.pptx", attach.MIMEPowerPointX, providers.KindDocument, ""},
		{"text", []byte("Opening hours:\n\tMon–Fri 9–17 🙂\r\n"), "hours.txt", "text/plain", providers.KindDocument, ""},
		{"quicktime", ftyp("qt  "), "clip.mov", "", "", "QuickTime"},
		{"heic", ftyp("heic"), "IMG_1.heic", "", "", "HEIC"},
		{"webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), "s.webp", "", "", "stickers"},
		{"gif", []byte("GIF89a\x01\x00"), "a.gif", "", "", "GIF"},
		{"zip", plainZip, "notes.zip", "", "", "ZIP archives"},
		{"office file without a telling name", cfb, "letter", "", "", ".doc, .xls or .ppt"},
		{"executable", []byte("MZ\x90\x00\x03\x00\x00\x00"), "setup.exe", "", "", "does not accept this kind of file"},
		{"binary junk", []byte{0x00, 0x01, 0x02, 0x03}, "x.txt", "", "", "does not accept this kind of file"},
		{"empty", nil, "empty.pdf", "", "", "“empty.pdf” is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := attach.Identify(bytes.NewReader(tc.content), int64(len(tc.content)), tc.filename)
			if tc.refused != "" {
				var p *attach.Problem
				if !errors.As(err, &p) || !strings.Contains(p.Msg, tc.refused) {
					t.Fatalf("err = %v, want a problem saying %q", err, tc.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.MIMEType != tc.mime || f.Kind != tc.kind || f.Size != int64(len(tc.content)) || f.Filename != tc.filename {
				t.Fatalf("file = %+v, want %s as %s", f, tc.mime, tc.kind)
			}
		})
	}
}

func TestIdentifySizeLimits(t *testing.T) {
	jpeg := []byte{0xFF, 0xD8, 0xFF, 0xE0}
	mp4 := ftyp("mp42")
	pdf := []byte("%PDF-1.4\n")
	for _, tc := range []struct {
		name    string
		head    []byte
		size    int64
		refused string
	}{
		{"photo at the limit", jpeg, attach.MaxImage, ""},
		{"photo over it", jpeg, attach.MaxImage + 1, "This photo is 5.0 MB; WhatsApp accepts photos of up to 5 MB."},
		{"video at the limit", mp4, attach.MaxVideo, ""},
		{"video over it", mp4, 17 << 20, "This video is 17 MB; WhatsApp accepts videos of up to 16 MB."},
		{"audio over it", []byte("OggS"), attach.MaxAudio + 1, "audio files of up to 16 MB"},
		{"document at the limit", pdf, attach.MaxDocument, ""},
		{"document over it", pdf, attach.MaxDocument + 1, "documents of up to 100 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := attach.Identify(sized{tc.head, tc.size}, tc.size, "f")
			if tc.refused == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.refused) {
				t.Fatalf("err = %v, want %q", err, tc.refused)
			}
		})
	}
}

func TestFilenameIsCleaned(t *testing.T) {
	pdf := []byte("%PDF-1.4\n")
	for in, want := range map[string]string{
		`C:\Users\ana\Desktop\menu.pdf`:   "menu.pdf",
		"../../etc/passwd.pdf":            "passwd.pdf",
		"me\x00nu\n.pdf":                  "menu.pdf",
		strings.Repeat("a", 300) + ".pdf": strings.Repeat("a", attach.MaxFilename-4) + ".pdf",
	} {
		f, err := attach.Identify(bytes.NewReader(pdf), int64(len(pdf)), in)
		if err != nil || f.Filename != want {
			t.Errorf("%q: filename %q, %v; want %q", in, f.Filename, err, want)
		}
	}
}

func TestCaptions(t *testing.T) {
	for kind, want := range map[providers.MessageKind]bool{providers.KindImage: true, providers.KindVideo: true,
		providers.KindDocument: true, providers.KindAudio: false} {
		if attach.CanCaption(kind) != want {
			t.Errorf("CanCaption(%s) = %v", kind, !want)
		}
	}
}
