package profile

import (
	"bytes"
	"encoding/binary"
)

// Orientation is the EXIF Orientation tag (0x0112) of a photo: how the
// stored pixels must be turned to show the picture upright. Phones store
// the pixels as the sensor read them and record the turn here.
type Orientation int

// The eight EXIF orientations, named for what makes the stored pixels
// upright.
const (
	OrientNormal     Orientation = 1 // as stored
	OrientFlipH      Orientation = 2 // mirrored left to right
	OrientRotate180  Orientation = 3
	OrientFlipV      Orientation = 4 // mirrored top to bottom
	OrientTranspose  Orientation = 5 // mirrored across the top-left to bottom-right diagonal
	OrientRotate90   Orientation = 6 // a quarter turn clockwise
	OrientTransverse Orientation = 7 // mirrored across the top-right to bottom-left diagonal
	OrientRotate270  Orientation = 8 // a quarter turn anticlockwise
)

// swapsSides reports whether the upright picture is the stored one turned
// on its side (its width is the stored height).
func (o Orientation) swapsSides() bool { return o >= OrientTranspose && o <= OrientRotate270 }

const (
	exifTagOrientation = 0x0112
	tiffTypeShort      = 3
	tiffTypeLong       = 4
)

// jpegOrientation reads the EXIF orientation of a JPEG file. It walks the
// markers up to the first scan, looking for an APP1 segment that starts
// with "Exif\x00\x00", and reads the Orientation entry of its IFD0. Any
// file without one, or with one that is truncated, malformed or out of
// range, is OrientNormal: a damaged EXIF block never stops a picture.
func jpegOrientation(data []byte) Orientation {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return OrientNormal
	}
	i := 2
	for i+1 < len(data) {
		if data[i] != 0xFF {
			return OrientNormal // not at a marker: the file is damaged
		}
		marker := data[i+1]
		i += 2
		switch {
		case marker == 0xFF:
			i-- // fill byte: the marker is the next byte
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			continue // TEM and RSTn stand alone
		case marker == 0xD9 || marker == 0xDA:
			return OrientNormal // end of image or start of scan: no EXIF before the pixels
		}
		if i+2 > len(data) {
			return OrientNormal
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return OrientNormal
		}
		segment := data[i+2 : i+n]
		i += n
		if marker == 0xE1 && bytes.HasPrefix(segment, []byte("Exif\x00\x00")) {
			return tiffOrientation(segment[6:])
		}
	}
	return OrientNormal
}

// tiffOrientation reads the Orientation entry of IFD0 in a TIFF structure
// (the body of an EXIF segment).
func tiffOrientation(tiff []byte) Orientation {
	if len(tiff) < 8 {
		return OrientNormal
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return OrientNormal
	}
	if order.Uint16(tiff[2:]) != 42 {
		return OrientNormal
	}
	// Offsets are uint32 and compared as uint64, so a huge offset cannot
	// wrap around on any platform.
	size := uint64(len(tiff))
	ifd := uint64(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > size {
		return OrientNormal
	}
	count := uint64(order.Uint16(tiff[ifd:]))
	for k := range count {
		entry := ifd + 2 + 12*k
		if entry+12 > size {
			return OrientNormal
		}
		e := tiff[entry : entry+12]
		if order.Uint16(e) != exifTagOrientation {
			continue
		}
		if order.Uint32(e[4:]) != 1 {
			return OrientNormal
		}
		var v uint32
		switch order.Uint16(e[2:]) {
		case tiffTypeShort:
			v = uint32(order.Uint16(e[8:]))
		case tiffTypeLong: // not what the standard says, but some writers do it
			v = order.Uint32(e[8:])
		default:
			return OrientNormal
		}
		if v < 1 || v > 8 {
			return OrientNormal
		}
		return Orientation(v)
	}
	return OrientNormal
}
