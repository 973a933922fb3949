package profile

import "image"

// JPEGOrientation is the EXIF orientation of a JPEG file (OrientNormal
// when it has none or it cannot be read); thumbnails of kept photos use
// it to come out upright, as browsers show the photos themselves.
func JPEGOrientation(data []byte) Orientation { return jpegOrientation(data) }

// Upright returns src turned upright by o.
func Upright(src *image.RGBA, o Orientation) *image.RGBA { return orient(src, o) }
