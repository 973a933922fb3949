// Package profile holds the rules of a channel's WhatsApp business
// profile that wadesk applies before anything reaches the provider: which
// pictures can become the profile picture, and how they are prepared.
// The text limits live with the provider-neutral type
// (providers.BusinessProfile.Validate).
package profile

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"

	"github.com/wadesk/wadesk/providers"
)

// maxPixels bounds the pictures wadesk decodes (a 50-megapixel picture
// needs about 200 MB of memory); anything larger is refused before it is
// decoded.
const maxPixels = 50_000_000

// jpegQuality is used when a cropped JPEG is encoded again.
const jpegQuality = 92

// PictureError is a picture wadesk cannot use; its message is plain words
// for the admin who chose it.
type PictureError struct {
	Msg string
}

func (e *PictureError) Error() string { return e.Msg }

func problem(format string, args ...any) error {
	return &PictureError{Msg: fmt.Sprintf(format, args...)}
}

// Picture is a picture ready to upload.
type Picture struct {
	providers.ProfilePicture
	// Width and Height are the chosen file's; the uploaded picture is
	// Side × Side.
	Width, Height int
	Side          int
	// Cropped is true when the file was not square and wadesk kept its
	// centre square, which is what WhatsApp shows anyway.
	Cropped bool
}

// PreparePicture checks a file chosen as the profile picture and makes it
// square. The type is taken from the bytes, never from the file name:
// JPEG and PNG are accepted, up to providers.MaxProfilePictureBytes and at
// least providers.MinProfilePictureSide pixels on each side, and the whole
// file must decode. A square
// picture is uploaded unchanged; any other is cropped to its centre square
// and encoded again in its own format.
func PreparePicture(data []byte) (Picture, error) {
	const maxBytes = providers.MaxProfilePictureBytes
	if len(data) == 0 {
		return Picture{}, problem("The chosen file is empty. Choose a JPEG or PNG picture.")
	}
	if len(data) > maxBytes {
		return Picture{}, problem("The picture is %s; WhatsApp accepts at most %d MB. Save a smaller version and try again.", sizeLabel(len(data)), maxBytes>>20)
	}
	mimeType := http.DetectContentType(data)
	if mimeType != "image/jpeg" && mimeType != "image/png" {
		return Picture{}, problem("This file is not a JPEG or PNG picture (it looks like %s). Save the picture as JPEG or PNG and try again.", kindLabel(mimeType))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != mimeType {
		return Picture{}, problem("The picture could not be read; the file may be damaged. Save it again as JPEG or PNG and try again.")
	}
	const minSide = providers.MinProfilePictureSide
	if cfg.Width < minSide || cfg.Height < minSide {
		return Picture{}, problem("The picture is %d×%d pixels; WhatsApp needs at least %d×%d. Choose a larger picture.", cfg.Width, cfg.Height, minSide, minSide)
	}
	if cfg.Width*cfg.Height > maxPixels {
		return Picture{}, problem("The picture is %d×%d pixels, more than wadesk can process. Save a smaller version (640×640 is plenty) and try again.", cfg.Width, cfg.Height)
	}
	ext := ".jpg"
	if mimeType == "image/png" {
		ext = ".png"
	}
	p := Picture{
		ProfilePicture: providers.ProfilePicture{FileName: "profile" + ext, MIMEType: mimeType, Data: data},
		Width:          cfg.Width, Height: cfg.Height, Side: min(cfg.Width, cfg.Height),
	}
	// Decode it all, so a damaged file is caught here rather than by
	// WhatsApp.
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Picture{}, problem("The picture could not be read; the file may be damaged. Save it again as JPEG or PNG and try again.")
	}
	if cfg.Width == cfg.Height {
		return p, nil
	}
	square, err := centreSquare(img)
	if err != nil {
		return Picture{}, err
	}
	var buf bytes.Buffer
	if mimeType == "image/png" {
		err = png.Encode(&buf, square)
	} else {
		err = jpeg.Encode(&buf, square, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return Picture{}, fmt.Errorf("profile: encode the cropped picture: %w", err)
	}
	if buf.Len() > maxBytes {
		return Picture{}, problem("Cropped to a square, the picture is still %s; WhatsApp accepts at most %d MB. Save a smaller version and try again.", sizeLabel(buf.Len()), maxBytes>>20)
	}
	p.Data, p.Cropped = buf.Bytes(), true
	return p, nil
}

// centreSquare returns the largest square in the middle of img.
func centreSquare(img image.Image) (image.Image, error) {
	b := img.Bounds()
	side := min(b.Dx(), b.Dy())
	x0 := b.Min.X + (b.Dx()-side)/2
	y0 := b.Min.Y + (b.Dy()-side)/2
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return nil, fmt.Errorf("profile: crop a %T picture: not supported", img)
	}
	return sub.SubImage(image.Rect(x0, y0, x0+side, y0+side)), nil
}

func sizeLabel(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}

// kindLabel names a sniffed type in words.
func kindLabel(mimeType string) string {
	switch mimeType {
	case "image/gif":
		return "a GIF"
	case "image/webp":
		return "a WebP picture"
	case "image/bmp":
		return "a BMP picture"
	case "application/pdf":
		return "a PDF"
	case "application/zip":
		return "a ZIP archive"
	}
	if len(mimeType) >= 5 && mimeType[:5] == "text/" {
		return "text"
	}
	return "some other kind of file"
}
