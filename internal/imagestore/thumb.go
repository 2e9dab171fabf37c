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

// gap is the reduction the Catmull-Rom stage of Thumbnail keeps at least.
// Measured against Catmull-Rom over the whole reduction, on a 1200 × 675
// picture of 3-pixel checks: 0.4 levels of mean difference with gap 2, 5.9
// with gap 1 (block averages alone alias fine patterns).
const gap = 2

// Thumbnail scales img so that its longest side is at most size pixels
// (never enlarging it), keeping the aspect ratio, and flattens any
// transparency onto white. Large reductions first average k × k pixel
// blocks, with k the largest integer that leaves at least twice the target
// size (as Pillow's reducing_gap = 2), then finish with the Catmull-Rom
// kernel of golang.org/x/image/draw, whose support widens with the
// remaining reduction factor; both stages low-pass filter, so fine detail
// turns to its average colour instead of aliasing.
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
		return dst
	}
	if k := min(w/(gap*tw), h/(gap*th)); k >= 2 {
		img = boxReduce(img, k)
		b = img.Bounds()
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, op, nil)
	return dst
}

// boxReduce averages k × k blocks of img (dropping the partial blocks at
// the right and bottom edges, less than k pixels) into a premultiplied RGBA
// image. YCbCr (JPEG) is averaged in YCbCr and converted once per block,
// which gives the same result since the conversion is affine.
func boxReduce(img image.Image, k int) *image.RGBA {
	b := img.Bounds()
	ow, oh := b.Dx()/k, b.Dy()/k
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	n := uint32(k * k)
	if src, ok := img.(*image.YCbCr); ok {
		// With 4:2:0 chroma, even k and an even origin, a block covers
		// whole chroma samples, each standing for 2 × 2 luma pixels.
		fast420 := src.SubsampleRatio == image.YCbCrSubsampleRatio420 && k%2 == 0 &&
			b.Min.X%2 == 0 && b.Min.Y%2 == 0
		for oy := range oh {
			for ox := range ow {
				var sy, scb, scr uint32
				x0, y0 := b.Min.X+ox*k, b.Min.Y+oy*k
				for y := y0; y < y0+k; y++ {
					yi := src.YOffset(x0, y)
					for _, v := range src.Y[yi : yi+k] {
						sy += uint32(v)
					}
					if fast420 {
						if (y-b.Min.Y)%2 == 0 { // each chroma row covers two luma rows
							ci := src.COffset(x0, y)
							for j := ci; j < ci+k/2; j++ {
								scb += 4 * uint32(src.Cb[j])
								scr += 4 * uint32(src.Cr[j])
							}
						}
						continue
					}
					for x := x0; x < x0+k; x++ {
						ci := src.COffset(x, y)
						scb += uint32(src.Cb[ci])
						scr += uint32(src.Cr[ci])
					}
				}
				r, g, bb := color.YCbCrToRGB(uint8((sy+n/2)/n), uint8((scb+n/2)/n), uint8((scr+n/2)/n))
				o := out.PixOffset(ox, oy)
				out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = r, g, bb, 255
			}
		}
		return out
	}
	src, ok := img.(*image.RGBA)
	if !ok {
		src = image.NewRGBA(b)
		draw.Draw(src, b, img, b.Min, draw.Src)
	}
	for oy := range oh {
		for ox := range ow {
			var s [4]uint32
			for y := oy * k; y < oy*k+k; y++ {
				i := src.PixOffset(b.Min.X+ox*k, b.Min.Y+y)
				px := src.Pix[i : i+4*k]
				for j := 0; j < len(px); j += 4 {
					s[0] += uint32(px[j])
					s[1] += uint32(px[j+1])
					s[2] += uint32(px[j+2])
					s[3] += uint32(px[j+3])
				}
			}
			o := out.PixOffset(ox, oy)
			for c := range 4 {
				out.Pix[o+c] = uint8((s[c] + n/2) / n)
			}
		}
	}
	return out
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
