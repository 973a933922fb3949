package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func encodeJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestThumbnail(t *testing.T) {
	photo := encodeJPEG(t, 2000, 1500)
	data, ct, small, err := Thumbnail(bytes.NewReader(photo), int64(len(photo)))
	if err != nil || small || ct != "image/jpeg" {
		t.Fatalf("thumbnail: %s small=%v %v", ct, small, err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != ThumbSide || cfg.Height != ThumbSide*3/4 {
		t.Fatalf("thumbnail is %dx%d (%v)", cfg.Width, cfg.Height, err)
	}
	if len(data) >= len(photo) {
		t.Errorf("the thumbnail (%d bytes) is not smaller than the photo (%d)", len(data), len(photo))
	}
	// Portrait: the long side is bounded.
	tall := encodeJPEG(t, 900, 1800)
	data, _, _, err = Thumbnail(bytes.NewReader(tall), int64(len(tall)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _, _ := image.DecodeConfig(bytes.NewReader(data)); cfg.Height != ThumbSide || cfg.Width != ThumbSide/2 {
		t.Errorf("portrait thumbnail is %dx%d", cfg.Width, cfg.Height)
	}
	// A photo with transparency stays a PNG.
	clear := image.NewNRGBA(image.Rect(0, 0, 1000, 1000))
	var pbuf bytes.Buffer
	png.Encode(&pbuf, clear)
	if _, ct, _, err := Thumbnail(bytes.NewReader(pbuf.Bytes()), int64(pbuf.Len())); err != nil || ct != "image/png" {
		t.Errorf("transparent: %s, %v", ct, err)
	}
	// A small image is its own thumbnail.
	little := encodeJPEG(t, 300, 200)
	if _, _, small, err := Thumbnail(bytes.NewReader(little), int64(len(little))); err != nil || !small {
		t.Errorf("small image: small=%v, %v", small, err)
	}
}

// TestThumbnailRefusesBombs: a tiny file whose header claims a huge
// picture is never decoded.
func TestThumbnailRefusesBombs(t *testing.T) {
	bomb := pngHeader(100000, 100000)
	if _, _, _, err := Thumbnail(bytes.NewReader(bomb), int64(len(bomb))); !errors.Is(err, errNoThumb) {
		t.Errorf("a 10-gigapixel header: %v", err)
	}
	wide := pngHeader(20000, 10)
	if _, _, _, err := Thumbnail(bytes.NewReader(wide), int64(len(wide))); !errors.Is(err, errNoThumb) {
		t.Errorf("a 20000-pixel side: %v", err)
	}
	if _, _, _, err := Thumbnail(bytes.NewReader([]byte("%PDF-1.4")), 8); !errors.Is(err, errNoThumb) {
		t.Errorf("not an image: %v", err)
	}
	if _, _, _, err := Thumbnail(bytes.NewReader(nil), 6<<20); !errors.Is(err, errNoThumb) {
		t.Errorf("more than 5 MB: %v", err)
	}
}

// pngHeader is a PNG signature and IHDR chunk claiming w×h pixels, with
// no pixel data.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// TestThumbnailUpright: a photo stored on its side with an EXIF
// orientation gets an upright thumbnail, as the browser shows the photo.
func TestThumbnailUpright(t *testing.T) {
	photo := withOrientation(encodeJPEG(t, 1600, 1200), 6) // a quarter turn clockwise
	data, _, _, err := Thumbnail(bytes.NewReader(photo), int64(len(photo)))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 480 || cfg.Height != ThumbSide {
		t.Errorf("the turned photo's thumbnail is %dx%d, want 480x%d (upright)", cfg.Width, cfg.Height, ThumbSide)
	}
}

// withOrientation puts an APP1 EXIF segment with Orientation o right
// after a JPEG's start-of-image marker.
func withOrientation(jpg []byte, o uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))      // IFD0 offset
	binary.Write(&tiff, binary.BigEndian, uint16(1))      // one entry
	binary.Write(&tiff, binary.BigEndian, uint16(0x0112)) // Orientation
	binary.Write(&tiff, binary.BigEndian, uint16(3))      // SHORT
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, o)
	binary.Write(&tiff, binary.BigEndian, uint16(0))
	binary.Write(&tiff, binary.BigEndian, uint32(0)) // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}
