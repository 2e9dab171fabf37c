package imagestore

import (
	"image"
	"image/color"
	"math"
	"math/bits"
	"slices"

	"golang.org/x/image/draw"
)

// DefaultThumbSize is the longest side of a thumbnail, in pixels.
const DefaultThumbSize = 256

// Thumbnail scales img so that its longest side is at most size pixels
// (never enlarging it), keeping the aspect ratio, and flattens any
// transparency onto white. Scaling uses the Catmull-Rom kernel of
// golang.org/x/image/draw, whose support widens with the reduction factor,
// so large reductions are properly low-pass filtered rather than aliased.
func Thumbnail(img image.Image, size int) *image.RGBA {
	if size <= 0 {
		size = DefaultThumbSize
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if w > size || h > size {
		if w >= h {
			tw, th = size, max(1, int(math.Round(float64(h)*float64(size)/float64(w))))
		} else {
			tw, th = max(1, int(math.Round(float64(w)*float64(size)/float64(h)))), size
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	op := draw.Src
	if !opaque(img) {
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	if tw == w && th == h {
		draw.Draw(dst, dst.Bounds(), img, b.Min, op)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, op, nil)
	}
	return dst
}

func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// PHash returns the 64-bit DCT perceptual hash of img as defined by
// imagehash.phash (Buchner's ImageHash, after Zauner 2010): the image is
// reduced to 32 × 32 luma (ITU-R 601: 0.299 R + 0.587 G + 0.114 B), a 2-D
// DCT-II is taken, and each of the 8 × 8 lowest-frequency coefficients
// (DC included, row-major, first one in the most significant bit) is set
// when it exceeds their median. Near-duplicates differ in few bits; compare
// with Distance. The reduction here uses Catmull-Rom instead of PIL's
// Lanczos, so hashes agree with imagehash's in most but not all bits.
func PHash(img image.Image) uint64 {
	const n, k = 32, 8
	small := image.NewRGBA(image.Rect(0, 0, n, n))
	draw.Draw(small, small.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(small, small.Bounds(), img, img.Bounds(), draw.Over, nil)
	var px [n][n]float64
	for y := range n {
		for x := range n {
			o := small.PixOffset(x, y)
			p := small.Pix[o : o+3 : o+3]
			px[y][x] = 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
		}
	}
	// cos[u][x] = cos(π (2x + 1) u / 2n); the DCT scale factors do not change
	// the comparison with the median except for the DC term's, which scipy's
	// unnormalised DCT (the one imagehash uses) also leaves at 1.
	var cos [k][n]float64
	for u := range k {
		for x := range n {
			cos[u][x] = math.Cos(math.Pi * float64(2*x+1) * float64(u) / (2 * n))
		}
	}
	var rows [n][k]float64 // DCT along x of every row
	for y := range n {
		for u := range k {
			s := 0.0
			for x := range n {
				s += px[y][x] * cos[u][x]
			}
			rows[y][u] = 2 * s
		}
	}
	var coef [k * k]float64
	for v := range k {
		for u := range k {
			s := 0.0
			for y := range n {
				s += rows[y][u] * cos[v][y]
			}
			coef[v*k+u] = 2 * s
		}
	}
	sorted := coef
	slices.Sort(sorted[:])
	median := (sorted[k*k/2-1] + sorted[k*k/2]) / 2
	var h uint64
	for i, c := range coef {
		if c > median {
			h |= 1 << (63 - i)
		}
	}
	return h
}

// Distance returns the Hamming distance between two perceptual hashes.
func Distance(a, b uint64) int {
	return bits.OnesCount64(a ^ b)
}
