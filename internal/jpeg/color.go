package jpeg

import "image"

// libjpeg's YCbCr→RGB tables (jdcolor.c, build_ycc_rgb_table; SCALEBITS 16):
// R = Y + crR[Cr], G = Y + (cbG[Cb] + crG[Cr]) >> 16, B = Y + cbB[Cb], then clamped.
var crR, cbB, crG, cbG [256]int32

func init() {
	const one = 1 << 16
	fix := func(x float64) int32 { return int32(x*one + 0.5) }
	for i := 0; i < 256; i++ {
		x := int32(i - 128)
		crR[i] = (fix(1.40200)*x + one/2) >> 16
		cbB[i] = (fix(1.77200)*x + one/2) >> 16
		crG[i] = -fix(0.71414) * x
		cbG[i] = -fix(0.34414)*x + one/2
	}
}

// clamp8 is libjpeg's sample range limit for the results of the colour conversion.
func clamp8(v int32) uint8 {
	if uint32(v) <= 255 {
		return uint8(v)
	}
	if v < 0 {
		return 0
	}
	return 255
}

// upsampler produces full-resolution rows of one component for the columns
// x0…x1−1 of the picture, the way libjpeg's jdsample.c does with do_fancy_upsampling
// (its default): h2v1 and h2v2 "fancy" triangle filters (when the component is more than
// two samples wide), h1v2 fancy, and plain replication for every other integral ratio.
type upsampler struct {
	c      *component
	rx, ry int
	fancyH bool // triangle filter horizontally (ratio 2)
	fancyV bool // triangle filter vertically (ratio 2)
	x0, x1 int
	sums   []int32 // column sums for the current output row, indexed by sample
}

func newUpsampler(c *component, hmax, vmax, x0, x1 int) *upsampler {
	u := &upsampler{c: c, rx: hmax / c.hs, ry: vmax / c.vs, x0: x0, x1: x1}
	switch {
	case u.rx == 2 && u.ry == 1:
		u.fancyH = c.w > 2
	case u.rx == 1 && u.ry == 2:
		u.fancyV = true
	case u.rx == 2 && u.ry == 2:
		u.fancyH = c.w > 2
		u.fancyV = u.fancyH
	}
	u.sums = make([]int32, c.w)
	return u
}

// sampleRow returns row y of the component's plane (component coordinates), starting at
// sample column 8·bx0.
func (c *component) sampleRow(y int) []uint8 {
	off := (y - 8*c.by0) * c.stride
	return c.pix[off : off+c.stride]
}

// row writes the upsampled samples of picture row y, columns x0…x1−1, to out.
func (u *upsampler) row(out []uint8, y int) {
	c := u.c
	sx0 := 8 * c.bx0 // first sample column held in the plane
	if u.rx == 1 && u.ry == 1 {
		copy(out, c.sampleRow(y)[u.x0-sx0:u.x1-sx0])
		return
	}
	cy := y / u.ry
	if !u.fancyV && !u.fancyH {
		src := c.sampleRow(cy)
		for x := u.x0; x < u.x1; x++ {
			out[x-u.x0] = src[x/u.rx-sx0]
		}
		return
	}
	// Column sums over the samples the output columns read.
	lo, hi := u.x0/u.rx, (u.x1-1)/u.rx+1
	if u.fancyH {
		lo, hi = max(0, lo-1), min(c.w, hi+1)
	}
	near := c.sampleRow(cy)
	if u.fancyV {
		// The other row: above for the upper output row of a pair, below for the
		// lower; the edge rows repeat (jdmainct.c's context rows).
		fy := cy - 1
		if y%2 == 1 {
			fy = cy + 1
		}
		fy = max(0, min(c.h-1, fy))
		far := c.sampleRow(fy)
		for i := lo; i < hi; i++ {
			u.sums[i] = 3*int32(near[i-sx0]) + int32(far[i-sx0])
		}
	} else {
		for i := lo; i < hi; i++ {
			u.sums[i] = int32(near[i-sx0])
		}
	}
	s := u.sums
	last := c.w - 1
	switch {
	case !u.fancyH: // h1v2
		bias := int32(1)
		if y%2 == 1 {
			bias = 2
		}
		for x := u.x0; x < u.x1; x++ {
			out[x-u.x0] = uint8((s[x] + bias) >> 2)
		}
	case !u.fancyV: // h2v1
		for x := u.x0; x < u.x1; x++ {
			cx := x >> 1
			var v int32
			if x&1 == 0 {
				if cx == 0 {
					v = s[0]
				} else {
					v = (3*s[cx] + s[cx-1] + 1) >> 2
				}
			} else {
				if cx == last {
					v = s[cx]
				} else {
					v = (3*s[cx] + s[cx+1] + 2) >> 2
				}
			}
			out[x-u.x0] = uint8(v)
		}
	default: // h2v2
		for x := u.x0; x < u.x1; x++ {
			cx := x >> 1
			var v int32
			if x&1 == 0 {
				if cx == 0 {
					v = (4*s[0] + 8) >> 4
				} else {
					v = (3*s[cx] + s[cx-1] + 8) >> 4
				}
			} else {
				if cx == last {
					v = (4*s[cx] + 7) >> 4
				} else {
					v = (3*s[cx] + s[cx+1] + 7) >> 4
				}
			}
			out[x-u.x0] = uint8(v)
		}
	}
}

// convert upsamples and colour-converts the region into an Image.
func (d *decoder) convert() *Image {
	cs := d.colorSpace()
	ch := cs.Channels()
	m := &Image{Width: d.width, Height: d.height, Channels: ch, ColorSpace: cs, Region: d.region,
		Pix: make([]uint8, ch*d.width*d.height)}
	r := d.region
	if r.Empty() {
		return m
	}
	w := r.Dx()
	var rows [maxComponents][]uint8
	var ups [maxComponents]*upsampler
	for i := 0; i < d.nComp; i++ {
		ups[i] = newUpsampler(&d.comp[i], d.hmax, d.vmax, r.Min.X, r.Max.X)
		rows[i] = make([]uint8, w)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for i := 0; i < d.nComp; i++ {
			ups[i].row(rows[i], y)
		}
		o := m.Pix[ch*(y*d.width+r.Min.X) : ch*(y*d.width+r.Max.X)]
		switch cs {
		case Gray:
			copy(o, rows[0])
		case RGB:
			r, g, b := rows[0], rows[1], rows[2]
			for x := range w {
				o[3*x], o[3*x+1], o[3*x+2] = r[x], g[x], b[x]
			}
		case YCbCr:
			yy, cb, cr := rows[0][:w], rows[1][:w], rows[2][:w]
			for x := range w {
				l := int32(yy[x])
				o[3*x] = clamp8(l + crR[cr[x]])
				o[3*x+1] = clamp8(l + (cbG[cb[x]]+crG[cr[x]])>>16)
				o[3*x+2] = clamp8(l + cbB[cb[x]])
			}
		case CMYK:
			// Pillow reads every CMYK JPEG with Adobe's inverted polarity.
			for x := range w {
				o[4*x] = 255 - rows[0][x]
				o[4*x+1] = 255 - rows[1][x]
				o[4*x+2] = 255 - rows[2][x]
				o[4*x+3] = 255 - rows[3][x]
			}
		case YCCK:
			// libjpeg: C = 255 − R, M = 255 − G, Y = 255 − B (R, G, B from YCbCr), K
			// unchanged; Pillow then inverts all four.
			yy, cb, cr := rows[0][:w], rows[1][:w], rows[2][:w]
			for x := range w {
				l := int32(yy[x])
				o[4*x] = clamp8(l + crR[cr[x]])
				o[4*x+1] = clamp8(l + (cbG[cb[x]]+crG[cr[x]])>>16)
				o[4*x+2] = clamp8(l + cbB[cb[x]])
				o[4*x+3] = 255 - rows[3][x]
			}
		}
	}
	return m
}

// Bounds is the picture's rectangle.
func (m *Image) Bounds() image.Rectangle { return image.Rect(0, 0, m.Width, m.Height) }
