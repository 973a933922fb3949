package profile

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// exifSegment is a minimal APP1 segment holding an EXIF block whose IFD0
// has one entry: Orientation = o, stored as a SHORT in the given byte
// order.
func exifSegment(order binary.ByteOrder, o uint16) []byte {
	tiff := make([]byte, 8+2+12+4)
	if order == binary.BigEndian {
		copy(tiff, "MM")
	} else {
		copy(tiff, "II")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8)                   // IFD0 right after the header
	order.PutUint16(tiff[8:], 1)                   // one entry
	order.PutUint16(tiff[10:], exifTagOrientation) // tag
	order.PutUint16(tiff[12:], tiffTypeShort)      // type
	order.PutUint32(tiff[14:], 1)                  // count
	order.PutUint16(tiff[18:], o)                  // value, left-justified
	// next IFD offset: 0 (already zero)
	body := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(body)))
	return append(seg, body...)
}

// withSegment puts seg right after the SOI marker of a JPEG file.
func withSegment(jpg, seg []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// xmpSegment is an APP1 segment that is not EXIF, which a parser must
// step over.
func xmpSegment() []byte {
	body := []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(body)))
	return append(seg, body...)
}

func smallJPEG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestJPEGOrientation(t *testing.T) {
	jpg := smallJPEG(t)
	for o := uint16(1); o <= 8; o++ {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			if got := jpegOrientation(withSegment(jpg, exifSegment(order, o))); got != Orientation(o) {
				t.Errorf("orientation %d (%v) read as %d", o, order, got)
			}
		}
	}
	// After an XMP APP1 and with fill bytes before the marker.
	data := withSegment(withSegment(jpg, exifSegment(binary.BigEndian, 6)), xmpSegment())
	if got := jpegOrientation(data); got != OrientRotate90 {
		t.Errorf("EXIF after XMP read as %d", got)
	}
	fill := withSegment(jpg, append([]byte{0xFF, 0xFF}, exifSegment(binary.LittleEndian, 8)...))
	if got := jpegOrientation(fill); got != OrientRotate270 {
		t.Errorf("EXIF after fill bytes read as %d", got)
	}

	good := exifSegment(binary.LittleEndian, 6)
	damaged := func(f func(seg []byte) []byte) []byte {
		return withSegment(jpg, f(append([]byte{}, good...)))
	}
	// Inside the segment: marker and length (4 bytes), "Exif\0\0" (6), then the TIFF block.
	const tiff = 4 + 6
	normal := []struct {
		name string
		data []byte
	}{
		{"no EXIF", jpg},
		{"empty", nil},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n")},
		{"SOI only", []byte{0xFF, 0xD8}},
		{"truncated in the segment", withSegment(jpg, good)[:2+len(good)-6]},
		{"truncated at the length", withSegment(jpg, good)[:5]},
		{"length below 2", damaged(func(s []byte) []byte { s[2], s[3] = 0, 1; return s })},
		{"length past the end", damaged(func(s []byte) []byte { s[2], s[3] = 0xFF, 0xF0; return s })},
		{"value 0", withSegment(jpg, exifSegment(binary.LittleEndian, 0))},
		{"value 9", withSegment(jpg, exifSegment(binary.BigEndian, 9))},
		{"bad byte order", damaged(func(s []byte) []byte { copy(s[tiff:], "XX"); return s })},
		{"bad magic", damaged(func(s []byte) []byte { s[tiff+2] = 43; return s })},
		{"IFD offset past the end", damaged(func(s []byte) []byte {
			binary.LittleEndian.PutUint32(s[tiff+4:], 0xFFFFFFF0)
			return s
		})},
		{"IFD offset inside the header", damaged(func(s []byte) []byte {
			binary.LittleEndian.PutUint32(s[tiff+4:], 2)
			return s
		})},
		{"more entries than bytes", damaged(func(s []byte) []byte {
			binary.LittleEndian.PutUint16(s[tiff+8:], 0xFFFF)
			s[tiff+10] = 0 // the first entry is another tag
			return s
		})},
		{"wrong type", damaged(func(s []byte) []byte { s[tiff+12] = 2; return s })},
		{"count 2", damaged(func(s []byte) []byte { s[tiff+14] = 2; return s })},
		{"EXIF after the scan", append(append([]byte{}, jpg...), good...)},
	}
	for _, tt := range normal {
		if got := jpegOrientation(tt.data); got != OrientNormal {
			t.Errorf("%s: orientation %d, want 1", tt.name, got)
		}
	}
}

// FuzzJPEGOrientation checks the parser on any bytes: it must never
// panic and must answer one of the eight orientations.
func FuzzJPEGOrientation(f *testing.F) {
	jpg := smallJPEG(f)
	for o := uint16(0); o <= 9; o++ {
		f.Add(withSegment(jpg, exifSegment(binary.LittleEndian, o))[:64])
		f.Add(withSegment(jpg, exifSegment(binary.BigEndian, o))[:64])
	}
	f.Add(withSegment(jpg, xmpSegment())[:80])
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		o := jpegOrientation(data)
		if o < OrientNormal || o > OrientRotate270 {
			t.Fatalf("orientation %d", o)
		}
		// The TIFF reader alone, as if the bytes were an EXIF body.
		if o := tiffOrientation(data); o < OrientNormal || o > OrientRotate270 {
			t.Fatalf("TIFF orientation %d", o)
		}
	})
}

// marked is a w×h grey picture with a red block in its top-left corner
// and a blue block in its top-right corner, as stored.
func marked(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	const block = 40
	for y := range h {
		for x := range w {
			c := color.RGBA{128, 128, 128, 255}
			switch {
			case x < block && y < block:
				c = color.RGBA{220, 0, 0, 255}
			case x >= w-block && y < block:
				c = color.RGBA{0, 0, 220, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// corner names the colour near a corner of img: "red", "blue" or "grey".
func corner(img image.Image, right, bottom bool) string {
	b := img.Bounds()
	x, y := b.Min.X+10, b.Min.Y+10
	if right {
		x = b.Max.X - 11
	}
	if bottom {
		y = b.Max.Y - 11
	}
	r, g, bl, _ := img.At(x, y).RGBA()
	r, g, bl = r>>8, g>>8, bl>>8
	switch {
	case r > 170 && g < 60 && bl < 60:
		return "red"
	case bl > 170 && r < 60 && g < 60:
		return "blue"
	case r > 90 && r < 170 && g > 90 && g < 170:
		return "grey"
	}
	return "unclear"
}

func TestPreparePictureTurnsUpright(t *testing.T) {
	// Where the stored top-left (red) and top-right (blue) corners show
	// once the photo is upright.
	type at struct{ right, bottom bool }
	tl, tr, bl, br := at{false, false}, at{true, false}, at{false, true}, at{true, true}
	tests := []struct {
		o         uint16
		red, blue at
	}{
		{1, tl, tr},
		{2, tr, tl},
		{3, br, bl},
		{4, bl, br},
		{5, tl, bl},
		{6, tr, br},
		{7, br, tr},
		{8, bl, tl},
	}
	jpg := encodeJPEG(t, marked(300, 300))
	for _, tt := range tests {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			p, err := PreparePicture(withSegment(jpg, exifSegment(order, tt.o)))
			if err != nil {
				t.Fatalf("orientation %d: %v", tt.o, err)
			}
			if p.Turned != (tt.o != 1) || p.Cropped || p.Scaled || p.Side != 300 {
				t.Errorf("orientation %d: turned %v cropped %v scaled %v side %d", tt.o, p.Turned, p.Cropped, p.Scaled, p.Side)
			}
			img, err := jpeg.Decode(bytes.NewReader(p.Data))
			if err != nil {
				t.Fatalf("orientation %d: result: %v", tt.o, err)
			}
			for _, c := range []at{tl, tr, bl, br} {
				want := "grey"
				switch c {
				case tt.red:
					want = "red"
				case tt.blue:
					want = "blue"
				}
				if got := corner(img, c.right, c.bottom); got != want {
					t.Errorf("orientation %d (%v): corner right=%v bottom=%v is %s, want %s", tt.o, order, c.right, c.bottom, got, want)
				}
			}
		}
	}
}

func TestPreparePictureTurnsBeforeCropping(t *testing.T) {
	// A portrait phone photo stored landscape: 480×300 stored, 300×480
	// upright. The upright centre square is the stored centre square; the
	// reported size is the upright one.
	stored := marked(480, 300)
	for o, want := range map[uint16][2]int{1: {480, 300}, 3: {480, 300}, 6: {300, 480}, 8: {300, 480}, 5: {300, 480}} {
		p, err := PreparePicture(withSegment(encodeJPEG(t, stored), exifSegment(binary.LittleEndian, o)))
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		if p.Width != want[0] || p.Height != want[1] || p.Side != 300 || !p.Cropped {
			t.Errorf("orientation %d: %d×%d side %d cropped %v, want %d×%d side 300 cropped", o, p.Width, p.Height, p.Side, p.Cropped, want[0], want[1])
		}
		img, err := jpeg.Decode(bytes.NewReader(p.Data))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 300 {
			t.Errorf("orientation %d: result %v", o, b)
		}
		// The marks sit in the stored corners, 90 pixels outside the
		// stored centre square: all four corners of the crop are grey.
		for _, c := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			if got := corner(img, c[0], c[1]); got != "grey" {
				t.Errorf("orientation %d: corner %v is %s; the crop is off centre", o, c, got)
			}
		}
	}
	// The minimum size is checked on the upright picture and named so.
	_, err := PreparePicture(withSegment(encodeJPEG(t, marked(400, 150)), exifSegment(binary.BigEndian, 6)))
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("150×400 pixels")) {
		t.Errorf("a 150×400 upright photo: %v", err)
	}
}

func TestUprightCentreSquare(t *testing.T) {
	// An odd difference between the sides leaves one pixel more on the
	// right (or below) of the upright picture, whichever way it is stored.
	b := image.Rect(10, 20, 10+301, 20+200) // 301×200 stored
	tests := []struct {
		o    Orientation
		want image.Rectangle
	}{
		{OrientNormal, image.Rect(60, 20, 260, 220)},
		{OrientFlipH, image.Rect(61, 20, 261, 220)}, // upright x 50..249 is stored x 250..51
		{OrientRotate180, image.Rect(61, 20, 261, 220)},
		{OrientFlipV, image.Rect(60, 20, 260, 220)},
		{OrientRotate90, image.Rect(60, 20, 260, 220)}, // upright y 50..249 is stored x 50..249
		{OrientRotate270, image.Rect(61, 20, 261, 220)},
	}
	for _, tt := range tests {
		got := uprightCentreSquare(b, tt.o)
		if got.Dx() != 200 || got.Dy() != 200 || !got.In(b) {
			t.Errorf("orientation %d: %v is not a 200-pixel square inside %v", tt.o, got, b)
		}
		if got != tt.want {
			t.Errorf("orientation %d: %v, want %v", tt.o, got, tt.want)
		}
	}
}

// A picture that needs no turning, cropping or scaling is still encoded
// again, so that its metadata (here an EXIF block, which on a phone photo
// holds the camera and often the GPS location) is not published.
func TestPreparePictureDropsMetadata(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
		data := withSegment(encodeJPEG(t, striped(300, 300)), exifSegment(order, 1))
		if !bytes.Contains(data, []byte("Exif\x00\x00")) {
			t.Fatal("the test picture has no EXIF block")
		}
		p, err := PreparePicture(data)
		if err != nil {
			t.Fatal(err)
		}
		if p.Cropped || p.Scaled || p.Turned || p.Side != 300 {
			t.Fatalf("got %+v", p)
		}
		if bytes.Contains(p.Data, []byte("Exif\x00\x00")) {
			t.Error("the EXIF block was uploaded with the picture")
		}
	}
}
