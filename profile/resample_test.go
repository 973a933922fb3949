package profile

import (
	"bytes"
	"image"
	"image/color"
	"testing"
)

func TestPreparePictureScalesDown(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		mimeType string
		cropped  bool
		scaled   bool
		side     int
	}{
		{"2000×1500 JPEG", encodeJPEG(t, striped(2000, 1500)), "image/jpeg", true, true, 640},
		{"1000×1000 PNG", encodePNG(t, striped(1000, 1000)), "image/png", false, true, 640},
		{"641×641 PNG", encodePNG(t, striped(641, 641)), "image/png", false, true, 640},
		{"300×300 JPEG", encodeJPEG(t, striped(300, 300)), "image/jpeg", false, false, 300},
		{"640×900 PNG", encodePNG(t, striped(640, 900)), "image/png", true, false, 640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PreparePicture(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if p.Side != tt.side || p.Cropped != tt.cropped || p.Scaled != tt.scaled || p.Turned {
				t.Fatalf("side %d cropped %v scaled %v turned %v", p.Side, p.Cropped, p.Scaled, p.Turned)
			}
			img, format, err := image.Decode(bytes.NewReader(p.Data))
			if err != nil || "image/"+format != tt.mimeType || p.MIMEType != tt.mimeType {
				t.Fatalf("result is %s (%s), want %s: %v", format, p.MIMEType, tt.mimeType, err)
			}
			if b := img.Bounds(); b.Dx() != tt.side || b.Dy() != tt.side {
				t.Fatalf("result is %v, want %d×%d", b.Size(), tt.side, tt.side)
			}
		})
	}
	// 2000×1500 striped red|green|blue: the centre 1500 square keeps 416
	// red columns, 667 green and 417 blue; scaled by 640/1500 the left
	// edge stays red, the middle green, the right edge blue.
	p, err := PreparePicture(encodeJPEG(t, striped(2000, 1500)))
	if err != nil {
		t.Fatal(err)
	}
	img, _, _ := image.Decode(bytes.NewReader(p.Data))
	for _, c := range []struct {
		x    int
		want string
	}{{10, "red"}, {320, "green"}, {630, "blue"}} {
		r, g, b, _ := img.At(c.x, 320).RGBA()
		got := map[bool]string{true: "red"}[r>>8 > 150 && g>>8 < 60 && b>>8 < 60]
		if g>>8 > 150 && r>>8 < 60 && b>>8 < 60 {
			got = "green"
		}
		if b>>8 > 150 && r>>8 < 60 && g>>8 < 60 {
			got = "blue"
		}
		if got != c.want {
			t.Errorf("pixel %d,320 = %d,%d,%d, want %s", c.x, r>>8, g>>8, b>>8, c.want)
		}
	}
}

func TestScaleDownAverages(t *testing.T) {
	// A one-pixel checkerboard of black and white averages to mid grey;
	// picking pixels instead would give black or white.
	src := image.NewGray(image.Rect(0, 0, 1000, 1000))
	for y := range 1000 {
		for x := range 1000 {
			if (x+y)%2 == 0 {
				src.SetGray(x, y, color.Gray{255})
			}
		}
	}
	out := scaleDown(src, src.Bounds(), 640, 640)
	for _, pt := range []image.Point{{0, 0}, {1, 0}, {317, 400}, {639, 639}} {
		c := out.RGBAAt(pt.X, pt.Y)
		if c.R < 100 || c.R > 155 || c.R != c.G || c.G != c.B || c.A != 255 {
			t.Errorf("pixel %v = %v, want mid grey", pt, c)
		}
	}

	// Exact halving: each output pixel is the mean of a 2×2 block, and a
	// sub-rectangle is read from its own origin.
	src2 := image.NewNRGBA(image.Rect(5, 5, 9, 9))
	vals := []uint8{0, 100, 200, 40}
	for y := 5; y < 9; y++ {
		for x := 5; x < 9; x++ {
			src2.SetNRGBA(x, y, color.NRGBA{vals[(x-5)%2+2*((y-5)%2)], 0, 0, 255})
		}
	}
	half := scaleDown(src2, src2.Bounds(), 2, 2)
	for y := range 2 {
		for x := range 2 {
			if c := half.RGBAAt(x, y); c.R != 85 || c.A != 255 { // (0+100+200+40)/4
				t.Errorf("half %d,%d = %v, want R 85", x, y, c)
			}
		}
	}

	// Transparent pixels do not darken the colour next to them.
	src3 := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	src3.SetNRGBA(0, 0, color.NRGBA{255, 255, 255, 255})
	src3.SetNRGBA(1, 0, color.NRGBA{0, 0, 0, 0})
	c := color.NRGBAModel.Convert(scaleDown(src3, src3.Bounds(), 1, 1).At(0, 0)).(color.NRGBA)
	if c.A < 126 || c.A > 129 || c.R < 250 {
		t.Errorf("white next to transparent = %v, want half-transparent white", c)
	}

	// Same size is a copy.
	same := scaleDown(src2, src2.Bounds(), 4, 4)
	for y := range 4 {
		for x := range 4 {
			if same.RGBAAt(x, y).R != src2.NRGBAAt(x+5, y+5).R {
				t.Fatalf("same-size copy differs at %d,%d", x, y)
			}
		}
	}
}

func TestBoxTapsCoverTheSource(t *testing.T) {
	for _, c := range [][2]int{{1500, 640}, {641, 640}, {7071, 640}, {640, 640}, {3, 2}} {
		taps := boxTaps(c[0], c[1])
		cover := make([]float64, c[0])
		for i, ts := range taps {
			var sum float64
			for _, tp := range ts {
				sum += float64(tp.weight)
				cover[tp.at] += float64(tp.weight) * float64(c[0]) / float64(c[1])
			}
			if sum < 0.999 || sum > 1.001 {
				t.Errorf("%d→%d: output %d weights sum to %f", c[0], c[1], i, sum)
			}
		}
		for j, v := range cover {
			if v < 0.999 || v > 1.001 {
				t.Errorf("%d→%d: source %d counts %f times", c[0], c[1], j, v)
				break
			}
		}
	}
}

func BenchmarkPreparePictureLargePhoto(b *testing.B) {
	data := encodeJPEG(b, striped(4000, 3000))
	b.ResetTimer()
	for b.Loop() {
		if _, err := PreparePicture(data); err != nil {
			b.Fatal(err)
		}
	}
}
