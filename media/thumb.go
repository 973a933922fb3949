package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"

	"github.com/wadesk/wadesk/profile"
)

// ThumbSide is the longest side of an image's thumbnail in pixels: the
// thread shows photos at most 320 CSS pixels wide, so this is sharp on a
// high-density screen while a tenth of a phone photo's bytes.
const ThumbSide = 640

// Bounds of what is decoded, read from the image's header before any
// pixel is (as profile pictures are checked): WhatsApp's images are at
// most 5 MB, and a header claiming more than 24 megapixels (a 6000×4000
// camera photo) or a side longer than 12000 pixels is not decoded at
// all, however small the file is, so a crafted "decompression bomb"
// cannot take the server's memory.
const (
	thumbMaxPixels = 24_000_000
	thumbMaxSide   = 12000
	thumbMaxBytes  = 5 << 20
)

// thumbSlots bounds how many images are decoded at once (at most about
// 96 MB each at the pixel limit).
var thumbSlots = make(chan struct{}, 1)

// errNoThumb says an image cannot have a thumbnail (not decodable within
// the limits); the thread then shows the image itself.
var errNoThumb = errors.New("media: no thumbnail for this image")

// Thumbnail makes the thumbnail of an image read from r (size bytes): a
// JPEG (a PNG when the image has transparency) whose longest side is at
// most ThumbSide. small is true when the image is no larger than that
// already: it is its own thumbnail and nothing is returned.
func Thumbnail(r io.ReadSeeker, size int64) (data []byte, contentType string, small bool, err error) {
	if size > thumbMaxBytes {
		return nil, "", false, fmt.Errorf("%w: %d bytes", errNoThumb, size)
	}
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		return nil, "", false, fmt.Errorf("%w: %v", errNoThumb, err)
	}
	if format != "jpeg" && format != "png" {
		return nil, "", false, fmt.Errorf("%w: format %s", errNoThumb, format)
	}
	w, h := cfg.Width, cfg.Height
	if w <= 0 || h <= 0 || w > thumbMaxSide || h > thumbMaxSide || int64(w)*int64(h) > thumbMaxPixels {
		return nil, "", false, fmt.Errorf("%w: %d×%d pixels", errNoThumb, w, h)
	}
	if w <= ThumbSide && h <= ThumbSide {
		return nil, "", true, nil
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, "", false, err
	}
	thumbSlots <- struct{}{}
	defer func() { <-thumbSlots }()
	// At most 5 MB, read whole: the EXIF orientation is in the header.
	whole, err := io.ReadAll(io.LimitReader(r, thumbMaxBytes+1))
	if err != nil {
		return nil, "", false, fmt.Errorf("media: read image: %w", err)
	}
	turn := profile.OrientNormal
	if format == "jpeg" {
		turn = profile.JPEGOrientation(whole)
	}
	img, _, err := image.Decode(bytes.NewReader(whole))
	if err != nil {
		return nil, "", false, fmt.Errorf("%w: %v", errNoThumb, err)
	}
	tw, th := ThumbSide, ThumbSide
	if w >= h {
		th = max(1, h*ThumbSide/w)
	} else {
		tw = max(1, w*ThumbSide/h)
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	// A photo the camera stored on its side is shown upright by browsers
	// (its EXIF orientation); the thumbnail, which has no EXIF, is turned
	// the same way.
	dst = profile.Upright(dst, turn)
	var buf bytes.Buffer
	if dst.Opaque() {
		err, contentType = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 82}), "image/jpeg"
	} else {
		err, contentType = png.Encode(&buf, dst), "image/png"
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("media: encode thumbnail: %w", err)
	}
	return buf.Bytes(), contentType, false, nil
}

// makeThumbnail makes and stores the thumbnail of a kept image, and
// records it; an image that cannot have one is recorded as such (the
// thread shows the image itself).
func (f *Fetcher) makeThumbnail(ctx context.Context, messageID int64, sha string, size int64) {
	log := f.Log.With("message_id", messageID)
	b, err := f.Blobs.Open(ctx, sha)
	if err != nil {
		log.Warn("media: open image for its thumbnail", "err", err)
		return
	}
	data, _, small, err := Thumbnail(b, size)
	b.Close()
	state, thumb := "made", sha
	switch {
	case errors.Is(err, errNoThumb):
		log.Info("media: no thumbnail", "err", err)
		state, thumb = "none", ""
	case err != nil:
		log.Warn("media: thumbnail", "err", err)
		return
	case !small:
		if thumb, _, err = f.Blobs.Put(ctx, bytes.NewReader(data), 0); err != nil {
			log.Warn("media: store thumbnail", "err", err)
			return
		}
	}
	if err := f.DB.SetMediaThumbnail(ctx, messageID, state, thumb, f.now()); err != nil {
		log.Warn("media: record thumbnail", "err", err)
	}
}

// thumbnails makes the thumbnails of kept images that have none yet, up
// to a hundred at each discovery (one that failed for a passing reason is
// tried again at the next).
func (f *Fetcher) thumbnails(ctx context.Context) {
	list, err := f.DB.KeptImagesWithoutThumbnail(ctx, 100)
	if err != nil {
		if ctx.Err() == nil {
			f.Log.Warn("media: find images without thumbnail", "err", err)
		}
		return
	}
	for _, mf := range list {
		if ctx.Err() != nil {
			return
		}
		f.makeThumbnail(ctx, mf.MessageID, mf.SHA256, mf.Size)
	}
}
