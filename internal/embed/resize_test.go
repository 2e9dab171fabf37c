package embed

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// TestResizeMatchesPillow compares every filter, shrinking and enlarging, with Pillow's
// Image.resize (testdata/pil/resize-*.png, made by gen.py): bit for bit.
func TestResizeMatchesPillow(t *testing.T) {
	img, err := DecodeFile("testdata/images/rgb.png")
	if err != nil {
		t.Fatal(err)
	}
	src := cropRGBWindow(img, 60, 40, 120, 90)
	for _, r := range []Resample{Lanczos, Bilinear, Bicubic, Box, Hamming} {
		for _, size := range [][2]int{{57, 37}, {171, 133}} {
			name := fmt.Sprintf("resize-%s-%dx%d.png", r, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				want := readPNG(t, filepath.Join("testdata", "pil", name))
				got := Resize(src, size[0], size[1], r)
				if got.W != want.W || got.H != want.H {
					t.Fatalf("Resize(%v) is %dx%d, want %dx%d", r, got.W, got.H, want.W, want.H)
				}
				if i := firstDiff(got.Pix, want.Pix); i >= 0 {
					t.Fatalf("Resize(%v) pixel value %d = %d, want %d", r, i, got.Pix[i], want.Pix[i])
				}
			})
		}
	}
}

func firstDiff(a, b []uint8) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// TestResizeRegion: a window of the resize equals the same window cut from the full resize.
func TestResizeRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 40; i++ {
		img := &RGB{W: 5 + rng.IntN(60), H: 5 + rng.IntN(60)}
		img.Pix = make([]uint8, 3*img.W*img.H)
		for j := range img.Pix {
			img.Pix[j] = uint8(rng.IntN(256))
		}
		w, h := 1+rng.IntN(80), 1+rng.IntN(80)
		if i%5 == 0 {
			w = img.W
		}
		if i%7 == 0 {
			h = img.H
		}
		r := Resample(1 + rng.IntN(5))
		cw, ch := 1+rng.IntN(w), 1+rng.IntN(h)
		x0, y0 := rng.IntN(w-cw+1), rng.IntN(h-ch+1)
		full := Resize(img, w, h, r)
		want := cropRGBWindow(full, x0, y0, cw, ch)
		got := resizeRegion(img, w, h, r, x0, y0, cw, ch)
		if !bytes.Equal(got.Pix, want.Pix) {
			t.Fatalf("resizeRegion(%dx%d → %dx%d %v, window %dx%d at %d,%d) differs from the cropped Resize", img.W, img.H, w, h, r, cw, ch, x0, y0)
		}
	}
}

// TestResizeKernels checks the AVX2 resampling kernels against the portable code on
// random pictures, every filter, shrinking and enlarging, whole and windowed.
func TestResizeKernels(t *testing.T) {
	if !useResizeAsm {
		t.Skip("no assembly kernels on this machine")
	}
	defer func() { useResizeAsm = true }()
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 40 {
		w, h := 1+rng.IntN(300), 1+rng.IntN(300)
		img := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
		for i := range img.Pix {
			img.Pix[i] = uint8(rng.IntN(256))
		}
		ow, oh := 1+rng.IntN(260), 1+rng.IntN(260)
		f := Resample(1 + rng.IntN(5))
		cw, ch := 1+rng.IntN(ow), 1+rng.IntN(oh)
		x0, y0 := rng.IntN(ow-cw+1), rng.IntN(oh-ch+1)
		if trial%4 == 0 {
			x0, y0, cw, ch = 0, 0, ow, oh
		}
		useResizeAsm = true
		got := resizeRegion(img, ow, oh, f, x0, y0, cw, ch)
		useResizeAsm = false
		want := resizeRegion(img, ow, oh, f, x0, y0, cw, ch)
		if !bytes.Equal(got.Pix, want.Pix) {
			t.Fatalf("resizeRegion(%dx%d → %dx%d %v, window %dx%d at %d,%d) with AVX2 differs from the portable code",
				w, h, ow, oh, f, cw, ch, x0, y0)
		}
	}
}
