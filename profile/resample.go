package profile

import (
	"image"
	"image/draw"
)

// sourcePoint is the point of a stored w×h picture that shows at (x, y)
// once the picture is turned upright by o (coordinates from 0).
func (o Orientation) sourcePoint(x, y, w, h int) (int, int) {
	switch o {
	case OrientFlipH:
		return w - 1 - x, y
	case OrientRotate180:
		return w - 1 - x, h - 1 - y
	case OrientFlipV:
		return x, h - 1 - y
	case OrientTranspose:
		return y, x
	case OrientRotate90:
		return y, h - 1 - x
	case OrientTransverse:
		return w - 1 - y, h - 1 - x
	case OrientRotate270:
		return w - 1 - y, x
	}
	return x, y
}

// uprightCentreSquare is the part of the stored picture b that, turned
// upright by o, is the centre square of the upright picture.
func uprightCentreSquare(b image.Rectangle, o Orientation) image.Rectangle {
	w, h := b.Dx(), b.Dy()
	uw, uh := w, h
	if o.swapsSides() {
		uw, uh = h, w
	}
	side := min(uw, uh)
	x0, y0 := (uw-side)/2, (uh-side)/2
	ax, ay := o.sourcePoint(x0, y0, w, h)
	bx, by := o.sourcePoint(x0+side-1, y0+side-1, w, h)
	r := image.Rect(min(ax, bx), min(ay, by), max(ax, bx)+1, max(ay, by)+1)
	return r.Add(b.Min)
}

// orient returns src turned upright by o.
func orient(src *image.RGBA, o Orientation) *image.RGBA {
	if o == OrientNormal {
		return src
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o.swapsSides() {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+dw*4]
		for x := range dw {
			sx, sy := o.sourcePoint(x, y, w, h)
			si := sy*src.Stride + sx*4
			copy(row[x*4:x*4+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// tap is one source pixel's share of an output pixel.
type tap struct {
	at     int
	weight float32
}

// boxTaps gives, for each of n output pixels along one axis, the source
// pixels (of srcN, srcN ≥ n) it covers and by how much: output pixel i is
// the average of the source interval [i·s, (i+1)·s) with s = srcN/n,
// source pixels cut by the interval's ends counting for the part inside.
func boxTaps(srcN, n int) [][]tap {
	taps := make([][]tap, n)
	scale := float64(srcN) / float64(n)
	for i := range n {
		lo, hi := float64(i)*scale, float64(i+1)*scale
		for j := int(lo); j < srcN && float64(j) < hi; j++ {
			cover := min(hi, float64(j+1)) - max(lo, float64(j))
			if cover <= 1e-9 {
				continue
			}
			taps[i] = append(taps[i], tap{at: j, weight: float32(cover / scale)})
		}
	}
	return taps
}

// scaleDown returns the part r of src scaled to dw×dh (no larger than r)
// by area averaging: every output pixel is the mean of the source pixels
// it covers, which keeps fine detail from turning into jagged noise the
// way picking pixels would. Averaging is done on premultiplied colour,
// so transparent pixels do not darken their neighbours. The source is
// read one row at a time, so memory stays small whatever its size.
func scaleDown(src image.Image, r image.Rectangle, dw, dh int) *image.RGBA {
	xTaps, yTaps := boxTaps(r.Dx(), dw), boxTaps(r.Dy(), dh)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	row := image.NewRGBA(image.Rect(0, 0, r.Dx(), 1))
	rowAt := -1
	acc := make([]float32, dw*4)
	for y := range dh {
		clear(acc)
		for _, ty := range yTaps[y] {
			if ty.at != rowAt {
				// draw.Draw has fast paths for the YCbCr, gray and
				// NRGBA pictures the JPEG and PNG decoders return.
				draw.Draw(row, row.Bounds(), src, image.Pt(r.Min.X, r.Min.Y+ty.at), draw.Src)
				rowAt = ty.at
			}
			for x, txs := range xTaps {
				a := acc[x*4 : x*4+4]
				for _, tx := range txs {
					p := row.Pix[tx.at*4 : tx.at*4+4]
					wgt := ty.weight * tx.weight
					a[0] += wgt * float32(p[0])
					a[1] += wgt * float32(p[1])
					a[2] += wgt * float32(p[2])
					a[3] += wgt * float32(p[3])
				}
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+dw*4]
		for i := 0; i < len(acc); i += 4 {
			// Premultiplied colour never exceeds its alpha; rounding
			// must not make it.
			a := uint8(min(acc[i+3]+0.5, 255))
			out[i+0] = min(uint8(min(acc[i+0]+0.5, 255)), a)
			out[i+1] = min(uint8(min(acc[i+1]+0.5, 255)), a)
			out[i+2] = min(uint8(min(acc[i+2]+0.5, 255)), a)
			out[i+3] = a
		}
	}
	return dst
}
