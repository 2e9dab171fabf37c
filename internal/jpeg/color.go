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
	// c0…c1 are the sample columns the output columns read; sums[i+1] holds the column
	// sum of sample c0+i, with sums[0] and the last entry repeating the edge samples.
	c0, c1 int
	sums   []int16
	buf    []uint8
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
	u.c0, u.c1 = x0/u.rx, (x1-1)/u.rx+1
	u.sums = make([]int16, u.c1-u.c0+2)
	u.buf = make([]uint8, u.rx*(u.c1-u.c0))
	return u
}

// sampleRow returns row y of the component's plane (component coordinates), starting at
// sample column 8·bx0.
func (c *component) sampleRow(y int) []uint8 {
	off := (y - 8*c.by0) * c.stride
	return c.pix[off : off+c.stride]
}

// row returns the upsampled samples of picture row y, columns x0…x1−1.
func (u *upsampler) row(y int) []uint8 {
	c := u.c
	sx0 := 8 * c.bx0 // first sample column held in the plane
	n := u.x1 - u.x0
	if u.rx == 1 && u.ry == 1 {
		return c.sampleRow(y)[u.x0-sx0 : u.x1-sx0]
	}
	cy := y / u.ry
	if !u.fancyV && !u.fancyH {
		src := c.sampleRow(cy)
		out := u.buf[:n]
		for x := range out {
			out[x] = src[(u.x0+x)/u.rx-sx0]
		}
		return out
	}
	// Column sums of samples c0−1…c1, edges repeated.
	near := c.sampleRow(cy)
	sums := u.sums
	if !u.fancyH {
		// h1v2 reads no neighbouring columns (nor holds them in the plane)
		sums = sums[1 : len(sums)-1]
	}
	first := u.c0 - 1 + (len(u.sums)-len(sums))/2
	last := c.w - 1
	if u.fancyV {
		// The other row: above for the upper output row of a pair, below for the
		// lower; the edge rows repeat (jdmainct.c's context rows).
		fy := cy - 1
		if y%2 == 1 {
			fy = cy + 1
		}
		fy = max(0, min(c.h-1, fy))
		far := c.sampleRow(fy)
		u.columnSums(sums, near, far, first-sx0, last-sx0)
	} else {
		u.columnSums(sums, near, nil, first-sx0, last-sx0)
	}
	if !u.fancyH { // h1v2
		bias := int16(1)
		if y%2 == 1 {
			bias = 2
		}
		out := u.buf[:n]
		s := sums[:n]
		for x := range out {
			out[x] = uint8((s[x] + bias) >> 2)
		}
		return out
	}
	// h2v1: 3/4 nearer + 1/4 further sample, biases 1 and 2, >> 2; h2v2: the same on
	// column sums of 3/4 and 1/4 rows, biases 8 and 7, >> 4. At the edges the further
	// sample is the edge sample itself, which gives libjpeg's special cases.
	be, bo, sh := int16(1), int16(2), uint(2)
	if u.fancyV {
		be, bo, sh = 8, 7, 4
	}
	buf := u.buf
	i := 1
	if useColorAsm {
		m := (len(sums) - 2) &^ 15
		if m > 0 {
			fancyH2AVX2(buf[:2*m], sums[:m+2], be, bo, uint64(sh))
			i = m + 1
		}
	}
	for ; i < len(sums)-1; i++ {
		a := 3 * sums[i]
		o := buf[2*(i-1) : 2*(i-1)+2 : 2*(i-1)+2]
		o[0] = uint8((a + sums[i-1] + be) >> sh)
		o[1] = uint8((a + sums[i+1] + bo) >> sh)
	}
	off := u.x0 - 2*u.c0
	return buf[off : off+n]
}

// columnSums sets sums[i] to 3·near[j] + far[j] (near[j] when far is nil) for
// j = first+i clamped to 0…last.
func (u *upsampler) columnSums(sums []int16, near, far []uint8, first, last int) {
	i0 := min(len(sums), max(0, -first))
	i1 := max(i0, min(len(sums), last+1-first))
	nr := near[first+i0 : first+i1]
	s := sums[i0:i1]
	if far != nil {
		fr := far[first+i0 : first+i1]
		fr = fr[:len(nr)]
		s = s[:len(nr)]
		k := 0
		if useColorAsm {
			k = len(s) &^ 15
			if k > 0 {
				colsumAVX2(s[:k], nr[:k], fr[:k])
			}
		}
		for ; k < len(nr); k++ {
			s[k] = 3*int16(nr[k]) + int16(fr[k])
		}
	} else {
		s = s[:len(nr)]
		for k, v := range nr {
			s[k] = int16(v)
		}
	}
	for i := 0; i < i0; i++ {
		sums[i] = sums[i0]
	}
	for i := i1; i < len(sums); i++ {
		sums[i] = sums[i1-1]
	}
}

// convert upsamples and colour-converts the region into an Image.
func (d *decoder) convert() *Image {
	cs := d.colorSpace()
	ch := cs.Channels()
	m := &Image{Width: d.width, Height: d.height, Channels: ch, ColorSpace: cs, Region: d.region}
	if n := ch * d.width * d.height; len(d.pix) >= n {
		m.Pix = d.pix[:n]
	} else {
		m.Pix = make([]uint8, n)
	}
	r := d.region
	if r.Empty() {
		return m
	}
	w := r.Dx()
	var rows [maxComponents][]uint8
	var ups [maxComponents]*upsampler
	for i := 0; i < d.nComp; i++ {
		ups[i] = newUpsampler(&d.comp[i], d.hmax, d.vmax, r.Min.X, r.Max.X)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for i := 0; i < d.nComp; i++ {
			rows[i] = ups[i].row(y)
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
			o = o[:3*w]
			x0 := 0
			if useColorAsm {
				// groups of 8 whose 4 extra bytes stay inside Pix
				g := min(w/8, (len(m.Pix)-(ch*(y*d.width+r.Min.X))-4)/24)
				if g > 0 {
					yccRowAVX2(m.Pix[ch*(y*d.width+r.Min.X):], yy[:8*g], cb[:8*g], cr[:8*g])
					x0 = 8 * g
				}
			}
			for x := x0; x < len(yy); x++ {
				l := int32(yy[x])
				b, r := cb[x], cr[x]
				p := o[3*x : 3*x+3 : 3*x+3]
				p[0] = clamp8(l + crR[r])
				p[1] = clamp8(l + (cbG[b]+crG[r])>>16)
				p[2] = clamp8(l + cbB[b])
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
