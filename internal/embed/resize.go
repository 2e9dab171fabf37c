package embed

import (
	"fmt"
	"math"
)

// Resample is a resampling filter, numbered as Pillow numbers them (and as Hugging Face's
// preprocessor_config.json "resample" field stores them).
type Resample int

// The filters Pillow's Image.resize offers, except NEAREST.
const (
	Lanczos  Resample = 1
	Bilinear Resample = 2
	Bicubic  Resample = 3
	Box      Resample = 4
	Hamming  Resample = 5
)

func (r Resample) String() string {
	switch r {
	case Lanczos:
		return "lanczos"
	case Bilinear:
		return "bilinear"
	case Bicubic:
		return "bicubic"
	case Box:
		return "box"
	case Hamming:
		return "hamming"
	}
	return fmt.Sprintf("resample(%d)", int(r))
}

type filter struct {
	support float64
	f       func(float64) float64
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	x *= math.Pi
	return math.Sin(x) / x
}

// The filters of Pillow's libImaging/Resample.c.
var filters = map[Resample]filter{
	Box: {0.5, func(x float64) float64 {
		if x > -0.5 && x <= 0.5 {
			return 1
		}
		return 0
	}},
	Bilinear: {1, func(x float64) float64 {
		x = math.Abs(x)
		if x < 1 {
			return 1 - x
		}
		return 0
	}},
	Hamming: {1, func(x float64) float64 {
		x = math.Abs(x)
		if x == 0 {
			return 1
		}
		if x >= 1 {
			return 0
		}
		x *= math.Pi
		return math.Sin(x) / x * (0.54 + 0.46*math.Cos(x))
	}},
	Bicubic: {2, func(x float64) float64 {
		const a = -0.5
		x = math.Abs(x)
		if x < 1 {
			return ((a+2)*x-(a+3))*x*x + 1
		}
		if x < 2 {
			return (((x-5)*x+8)*x - 4) * a
		}
		return 0
	}},
	Lanczos: {3, func(x float64) float64 {
		if x > -3 && x < 3 {
			return sinc(x) * sinc(x/3)
		}
		return 0
	}},
}

const precisionBits = 32 - 8 - 2

// coeffs are the fixed-point weights of one resampling pass: output sample i reads inputs
// bounds[2i] … bounds[2i]+bounds[2i+1]−1 with weights k[i*ksize:].
type coeffs struct {
	ksize  int
	bounds []int
	k      []int32
}

// precompute follows Pillow's precompute_coeffs and normalize_coeffs_8bpc: the filter is
// stretched by the scale when shrinking (antialiasing), weights are normalised to sum 1 and
// turned into 22-bit fixed point.
func precompute(inSize, outSize int, f filter) coeffs {
	scale := float64(inSize) / float64(outSize)
	fscale := max(scale, 1)
	support := f.support * fscale
	ksize := int(math.Ceil(support))*2 + 1
	c := coeffs{ksize: ksize, bounds: make([]int, 2*outSize), k: make([]int32, outSize*ksize)}
	w := make([]float64, ksize)
	for xx := 0; xx < outSize; xx++ {
		center := (float64(xx) + 0.5) * scale
		ss := 1 / fscale
		xmin := max(int(center-support+0.5), 0)
		xmax := min(int(center+support+0.5), inSize) - xmin
		var ww float64
		for x := 0; x < xmax; x++ {
			w[x] = f.f((float64(x+xmin) - center + 0.5) * ss)
			ww += w[x]
		}
		k := c.k[xx*ksize : (xx+1)*ksize]
		for x := 0; x < xmax; x++ {
			v := w[x]
			if ww != 0 {
				v /= ww
			}
			if v < 0 {
				k[x] = int32(-0.5 + v*(1<<precisionBits))
			} else {
				k[x] = int32(0.5 + v*(1<<precisionBits))
			}
		}
		c.bounds[2*xx], c.bounds[2*xx+1] = xmin, xmax
	}
	return c
}

func clip8(v int32) uint8 {
	if v >= 1<<precisionBits<<8 {
		return 255
	}
	if v <= 0 {
		return 0
	}
	return uint8(v >> precisionBits)
}

// Resize scales img to w×h as Pillow's Image.resize(size, resample) does on an RGB image
// (reducing_gap None): a horizontal then a vertical pass of the filter, antialiased when
// shrinking, in 8-bit fixed point with the intermediate rounded to 8 bits — bit for bit
// Pillow's libImaging/Resample.c. It panics on an unknown filter.
func Resize(img *RGB, w, h int, r Resample) *RGB {
	return resizeRegion(img, w, h, r, 0, 0, w, h)
}

// resizeRegion computes the cw×ch window at (x0, y0) of Resize(img, w, h, r) without
// computing the rest: each output pixel depends only on its own filter taps, so the window
// is bit for bit that of the full resize. The window must lie inside w×h.
func resizeRegion(img *RGB, w, h int, r Resample, x0, y0, cw, ch int) *RGB {
	f, ok := filters[r]
	if !ok {
		panic(fmt.Sprintf("embed: unknown resample filter %d", int(r)))
	}
	if x0 < 0 || y0 < 0 || x0+cw > w || y0+ch > h {
		panic(fmt.Sprintf("embed: resize window %dx%d at (%d, %d) outside %dx%d", cw, ch, x0, y0, w, h))
	}
	if img.W == w && img.H == h {
		return cropRGBWindow(img, x0, y0, cw, ch)
	}
	src := img
	if img.W != w {
		horiz := precompute(img.W, w, f)
		first, last := 0, img.H
		if img.H != h {
			// only the source rows the window's output rows read
			vert := precompute(img.H, h, f)
			first = vert.bounds[2*y0]
			last = vert.bounds[2*(y0+ch-1)] + vert.bounds[2*(y0+ch-1)+1]
		} else {
			first, last = y0, y0+ch
		}
		// one spare byte, which the AVX2 kernel writes past the last pixel
		tmp := &RGB{W: cw, H: last - first, Pix: make([]uint8, 3*cw*(last-first)+1)[:3*cw*(last-first)]}
		// The source columns the window reads.
		lo := horiz.bounds[2*x0]
		hi := horiz.bounds[2*(x0+cw-1)] + horiz.bounds[2*(x0+cw-1)+1]
		for xx := x0; xx < x0+cw; xx++ {
			lo = min(lo, horiz.bounds[2*xx])
			hi = max(hi, horiz.bounds[2*xx]+horiz.bounds[2*xx+1])
		}
		if useResizeAsm {
			hp := newHorizontalPlan(&horiz, x0, cw, lo, hi)
			for y := 0; y < tmp.H; y++ {
				in := img.Pix[3*img.W*(y+first) : 3*img.W*(y+first+1)]
				hp.row(tmp.Pix[3*cw*y:3*cw*(y+1):3*cw*(y+1)+1], in)
			}
		} else {
			rb := make([]int64, hi-lo)
			g := make([]int32, hi-lo)
			for y := 0; y < tmp.H; y++ {
				in := img.Pix[3*img.W*(y+first) : 3*img.W*(y+first+1)]
				horizontalRow(tmp.Pix[3*cw*y:3*cw*(y+1)], in, &horiz, x0, lo, rb, g)
			}
		}
		if img.H == h {
			return tmp
		}
		src = tmp
		// tmp's row 0 is source row first; the vertical pass below reads relative rows
		return verticalPass(src, img.H, h, f, y0, ch, first)
	}
	// width unchanged: crop the columns, then the vertical pass
	return verticalPass(cropRGBWindow(img, x0, 0, cw, img.H), img.H, h, f, y0, ch, 0)
}

// horizontalRow resamples one row: output pixels x0 … x0+len(out)/3−1 of the horizontal
// pass from the source row in, whose columns lo … lo+len(rb)−1 they read. rb and g are
// scratch space. Red and blue share one 64-bit accumulator (red in the low 32 bits, blue
// in the high): each sum fits in 32 bits signed, so both come out exact, and a tap costs
// two multiplications instead of three.
func horizontalRow(out, in []uint8, c *coeffs, x0, lo int, rb []int64, g []int32) {
	src := in[3*lo : 3*(lo+len(rb))]
	g = g[:len(rb)]
	for i := range rb {
		p := src[3*i : 3*i+3 : 3*i+3]
		rb[i] = int64(p[0]) | int64(p[2])<<32
		g[i] = int32(p[1])
	}
	const half = 1 << (precisionBits - 1)
	for xx := 0; xx < len(out)/3; xx++ {
		xmin, n := c.bounds[2*(xx+x0)]-lo, c.bounds[2*(xx+x0)+1]
		k := c.k[(xx+x0)*c.ksize : (xx+x0)*c.ksize+n]
		prb := rb[xmin : xmin+len(k)]
		pg := g[xmin : xmin+len(k)]
		acc, sg := int64(half)|int64(half)<<32, int32(half)
		for i, kx := range k {
			acc += prb[i] * int64(kx)
			sg += pg[i] * kx
		}
		r := int32(acc)
		b := int32((acc - int64(r)) >> 32)
		o := out[3*xx : 3*xx+3 : 3*xx+3]
		o[0], o[1], o[2] = clip8(r), clip8(sg), clip8(b)
	}
}

// horizontalPlan lays out the horizontal pass for the AVX2 kernel: the kernels of the
// window's output pixels padded with zeros to k8 taps (a multiple of 8), their first
// source columns relative to lo, and planar int32 copies of a source row's columns
// lo … hi−1 followed by k8 zeros, which the padded taps may read.
type horizontalPlan struct {
	k8        int
	k         []int32
	offs      []int32
	r, g, b   []int32
	lo, width int
}

func newHorizontalPlan(c *coeffs, x0, cw, lo, hi int) *horizontalPlan {
	k8 := (c.ksize + 7) &^ 7
	p := &horizontalPlan{k8: k8, k: make([]int32, cw*k8), offs: make([]int32, cw),
		r: make([]int32, hi-lo+k8), g: make([]int32, hi-lo+k8), b: make([]int32, hi-lo+k8),
		lo: lo, width: hi - lo}
	for xx := 0; xx < cw; xx++ {
		xmin, n := c.bounds[2*(xx+x0)], c.bounds[2*(xx+x0)+1]
		copy(p.k[xx*k8:xx*k8+n], c.k[(xx+x0)*c.ksize:])
		p.offs[xx] = int32(xmin - lo)
	}
	return p
}

// row computes one output row (3·cw bytes) of the horizontal pass from the source row in;
// out must have room for one more byte, which the kernel overwrites.
func (p *horizontalPlan) row(out, in []uint8) {
	if cap(out) < len(out)+1 {
		panic("embed: horizontal pass output without a spare byte")
	}
	src := in[3*p.lo:]
	r, g, b := p.r[:p.width], p.g[:p.width], p.b[:p.width]
	// The kernel reads 4 bytes past each group of 8 pixels.
	n := min(p.width, (len(src)-4)/3) &^ 7
	if n > 0 {
		deinterleaveAVX2(r[:n], g[:n], b[:n], src[:3*n+4])
	}
	for i := n; i < len(r); i++ {
		q := src[3*i : 3*i+3 : 3*i+3]
		r[i], g[i], b[i] = int32(q[0]), int32(q[1]), int32(q[2])
	}
	hresampleAVX2(out[:len(out)+1], p.r, p.g, p.b, p.k, p.offs, p.k8)
}

// verticalPass resamples the columns of src (whose row 0 is source row first of a picture
// inH high) to output rows y0 … y0+ch−1 of h.
func verticalPass(src *RGB, inH, h int, f filter, y0, ch, first int) *RGB {
	vert := precompute(inH, h, f)
	w := src.W
	dst := &RGB{W: w, H: ch, Pix: make([]uint8, 3*w*ch)}
	acc := make([]int32, 3*w)
	for yy := 0; yy < ch; yy++ {
		ymin, n := vert.bounds[2*(yy+y0)]-first, vert.bounds[2*(yy+y0)+1]
		k := vert.k[(yy+y0)*vert.ksize : (yy+y0)*vert.ksize+n]
		for i := range acc {
			acc[i] = 1 << (precisionBits - 1)
		}
		for y, ky := range k {
			row := src.Pix[3*w*(y+ymin) : 3*w*(y+ymin+1)]
			acc := acc[:len(row)]
			i := 0
			if useResizeAsm {
				vaccumAVX2(acc, row, ky)
				i = len(acc) &^ 7
			}
			for ; i < len(row); i++ {
				acc[i] += int32(row[i]) * ky
			}
		}
		out := dst.Pix[3*w*yy : 3*w*(yy+1)]
		for i, v := range acc {
			out[i] = clip8(v)
		}
	}
	return dst
}

// cropRGBWindow copies the w×h window at (x0, y0) of img, which must lie inside it.
func cropRGBWindow(img *RGB, x0, y0, w, h int) *RGB {
	out := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
	for y := 0; y < h; y++ {
		copy(out.Pix[3*w*y:3*w*(y+1)], img.Pix[3*(img.W*(y+y0)+x0):])
	}
	return out
}
