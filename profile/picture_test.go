package profile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
)

// striped is w×h with a red left third, a green middle and a blue right
// third (or top/middle/bottom when taller than wide), so a crop shows
// which part was kept.
func striped(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pos, size := x, w
			if h > w {
				pos, size = y, h
			}
			c := color.NRGBA{G: 200, A: 255}
			switch {
			case pos < size/3:
				c = color.NRGBA{R: 200, A: 255}
			case pos >= size-size/3:
				c = color.NRGBA{B: 200, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPreparePictureAccepts(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		mimeType string
		side     int
		cropped  bool
	}{
		{"square PNG at the minimum", encodePNG(t, striped(192, 192)), "image/png", 192, false},
		{"square JPEG", encodeJPEG(t, striped(640, 640)), "image/jpeg", 640, false},
		{"wide PNG", encodePNG(t, striped(600, 300)), "image/png", 300, true},
		{"tall JPEG", encodeJPEG(t, striped(240, 480)), "image/jpeg", 240, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PreparePicture(tt.data)
			if err != nil {
				t.Fatalf("PreparePicture: %v", err)
			}
			if p.MIMEType != tt.mimeType || p.Side != tt.side || p.Cropped != tt.cropped {
				t.Fatalf("got %s side %d cropped %v", p.MIMEType, p.Side, p.Cropped)
			}
			if !strings.HasSuffix(p.FileName, map[string]string{"image/png": ".png", "image/jpeg": ".jpg"}[tt.mimeType]) {
				t.Errorf("file name %q does not match %s", p.FileName, tt.mimeType)
			}
			img, format, err := image.Decode(bytes.NewReader(p.Data))
			if err != nil || "image/"+format != tt.mimeType {
				t.Fatalf("result does not decode as %s: %v", tt.mimeType, err)
			}
			if b := img.Bounds(); b.Dx() != tt.side || b.Dy() != tt.side {
				t.Fatalf("result is %v, want %d×%d", b, tt.side, tt.side)
			}
			if tt.cropped {
				// The centre square is green: the red and blue thirds are
				// cut away (the middle third of 600 is 200 wide, the crop 300:
				// its edges keep a little of each, its centre is green).
				r, g, b, _ := img.At(tt.side/2, tt.side/2).RGBA()
				if g>>8 < 150 || r>>8 > 60 || b>>8 > 60 {
					t.Errorf("centre pixel = %d,%d,%d; the crop is not centred", r>>8, g>>8, b>>8)
				}
			}
		})
	}
}

func TestPreparePictureRefuses(t *testing.T) {
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, striped(300, 300), nil); err != nil {
		t.Fatal(err)
	}
	pngData := encodePNG(t, striped(300, 300))
	big := append(append([]byte{}, pngData...), make([]byte, providers.MaxProfilePictureBytes)...)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"too small", encodePNG(t, striped(191, 400)), "191×400"},
		{"too small JPEG", encodeJPEG(t, striped(100, 100)), "at least 192×192"},
		{"GIF", gifBuf.Bytes(), "a GIF"},
		{"text named like a picture", []byte("hello, this is not a picture"), "not a JPEG or PNG"},
		{"PDF", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj"), "a PDF"},
		{"damaged PNG", pngData[:40], "could not be read"},
		{"over 5 MB", big, "at most 5 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PreparePicture(tt.data)
			var pe *PictureError
			if !errors.As(err, &pe) || !strings.Contains(pe.Msg, tt.want) {
				t.Fatalf("PreparePicture = %v, want a picture error about %q", err, tt.want)
			}
		})
	}
}

// claimingPNG is a tiny PNG whose header claims width×height pixels; its
// only data is a few zero bytes, so decoding it would allocate the whole
// canvas before finding the data short.
func claimingPNG(t *testing.T, width, height uint32) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		b.WriteString(typ)
		crc.Write([]byte(typ))
		b.Write(data)
		crc.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(make([]byte, 64))
	w.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// TestHugeClaimedPictureIsRefusedFromItsHeader: a few hundred bytes
// claiming 7000×7000 pixels are refused from the header, in plain words,
// without the ~200 MB a decode would allocate.
func TestHugeClaimedPictureIsRefusedFromItsHeader(t *testing.T) {
	for _, size := range [][2]uint32{{7000, 7000}, {5000, 4000}, {20000, 700}} {
		data := claimingPNG(t, size[0], size[1])
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := PreparePicture(data)
		runtime.ReadMemStats(&after)
		var pe *PictureError
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "more than wadesk can process") {
			t.Errorf("%d-byte PNG claiming %dx%d: %v; want it refused for its size", len(data), size[0], size[1], err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
			t.Errorf("%dx%d: refusing it allocated %d MB", size[0], size[1], grew>>20)
		}
	}
}
