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

// maxPixels and maxSide bound the pictures wadesk decodes, read from the
// file's header before any pixel is: WhatsApp shows a profile picture at
// 640×640, so 16 megapixels (a 12-megapixel phone photo fits) is plenty,
// and costs at most 64 MB while it is scaled down. A file whose header
// claims more is refused, however small the file is.
const (
	maxPixels = 4096 * 4096
	maxSide   = 8192
)

// decodeSlots bounds how many pictures are decoded at once, so that a few
// admins uploading together cannot add up to more memory than that.
var decodeSlots = make(chan struct{}, 2)

// jpegQuality is used when a prepared JPEG is encoded again.
const jpegQuality = 90

// MaxPictureSide is the largest side wadesk uploads: WhatsApp shows the
// profile picture at 640×640 at most, so larger squares are scaled down
// to it rather than sent as megabytes nobody sees.
const MaxPictureSide = 640

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
	// Width and Height are the chosen file's, upright (a phone photo
	// stored on its side counts as it is shown); the uploaded picture is
	// Side × Side.
	Width, Height int
	Side          int
	// Cropped is true when the picture was not square and wadesk kept its
	// centre square, which is what WhatsApp shows anyway.
	Cropped bool
	// Scaled is true when that square was larger than MaxPictureSide and
	// was scaled down to it.
	Scaled bool
	// Turned is true when the photo's EXIF orientation said its pixels
	// are stored turned or mirrored, and wadesk turned them upright.
	Turned bool
}

// PreparePicture checks a file chosen as the profile picture and makes it
// an upright square of at most MaxPictureSide pixels. The type is taken
// from the bytes, never from the file name: JPEG and PNG are accepted, up
// to providers.MaxProfilePictureBytes and at least
// providers.MinProfilePictureSide pixels on each side, and the whole file
// must decode. A JPEG is turned as its EXIF orientation says, the
// picture is cropped to its centre square and scaled down to
// MaxPictureSide, then encoded again in its own format — always, even when
// nothing else changed, so that what the file carries besides its pixels
// (a camera's EXIF, a phone's GPS location) is not published with the
// business's profile.
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
	turn := OrientNormal
	if mimeType == "image/jpeg" {
		turn = jpegOrientation(data)
	}
	width, height := cfg.Width, cfg.Height
	if turn.swapsSides() {
		width, height = height, width
	}
	const minSide = providers.MinProfilePictureSide
	if width < minSide || height < minSide {
		return Picture{}, problem("The picture is %d×%d pixels; WhatsApp needs at least %d×%d. Choose a larger picture.", width, height, minSide, minSide)
	}
	if width*height > maxPixels || width > maxSide || height > maxSide {
		return Picture{}, problem("The picture is %d×%d pixels, more than wadesk can process. Save a smaller version (640×640 is plenty) and try again.", width, height)
	}
	ext := ".jpg"
	if mimeType == "image/png" {
		ext = ".png"
	}
	square := min(width, height)
	p := Picture{
		ProfilePicture: providers.ProfilePicture{FileName: "profile" + ext, MIMEType: mimeType, Data: data},
		Width:          width, Height: height, Side: min(square, MaxPictureSide),
		Cropped: width != height, Scaled: square > MaxPictureSide, Turned: turn != OrientNormal,
	}
	decodeSlots <- struct{}{}
	defer func() { <-decodeSlots }()
	// Decode it all, so a damaged file is caught here rather than by
	// WhatsApp.
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Picture{}, problem("The picture could not be read; the file may be damaged. Save it again as JPEG or PNG and try again.")
	}
	// Crop and scale in the stored picture's coordinates, then turn the
	// small result: the centre square and the box filter come out the
	// same either way, and turning 640×640 pixels is cheaper than turning
	// the whole photo.
	part := uprightCentreSquare(img.Bounds(), turn)
	out := orient(scaleDown(img, part, p.Side, p.Side), turn)
	var buf bytes.Buffer
	if mimeType == "image/png" {
		err = png.Encode(&buf, out)
	} else {
		err = jpeg.Encode(&buf, out, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return Picture{}, fmt.Errorf("profile: encode the prepared picture: %w", err)
	}
	if buf.Len() > maxBytes {
		return Picture{}, problem("Prepared for WhatsApp, the picture is still %s; WhatsApp accepts at most %d MB. Save a smaller version and try again.", sizeLabel(buf.Len()), maxBytes>>20)
	}
	p.Data = buf.Bytes()
	return p, nil
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
