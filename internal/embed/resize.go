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
	f, ok := filters[r]
	if !ok {
		panic(fmt.Sprintf("embed: unknown resample filter %d", int(r)))
	}
	if img.W == w && img.H == h {
		return &RGB{W: w, H: h, Pix: append([]uint8(nil), img.Pix...)}
	}
	horiz := precompute(img.W, w, f)
	vert := precompute(img.H, h, f)
	src := img
	if img.W != w {
		first := vert.bounds[0]
		last := vert.bounds[2*h-2] + vert.bounds[2*h-1]
		if img.H == h {
			first, last = 0, img.H
		} else {
			for i := 0; i < h; i++ {
				vert.bounds[2*i] -= first
			}
		}
		tmp := &RGB{W: w, H: last - first, Pix: make([]uint8, 3*w*(last-first))}
		for y := 0; y < tmp.H; y++ {
			in := img.Pix[3*img.W*(y+first):]
			out := tmp.Pix[3*w*y:]
			for xx := 0; xx < w; xx++ {
				xmin, n := horiz.bounds[2*xx], horiz.bounds[2*xx+1]
				k := horiz.k[xx*horiz.ksize:]
				s0, s1, s2 := int32(1<<(precisionBits-1)), int32(1<<(precisionBits-1)), int32(1<<(precisionBits-1))
				p := in[3*xmin:]
				for x := 0; x < n; x++ {
					kx := k[x]
					s0 += int32(p[3*x]) * kx
					s1 += int32(p[3*x+1]) * kx
					s2 += int32(p[3*x+2]) * kx
				}
				out[3*xx], out[3*xx+1], out[3*xx+2] = clip8(s0), clip8(s1), clip8(s2)
			}
		}
		src = tmp
	}
	if img.H == h {
		return src
	}
	dst := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
	acc := make([]int32, 3*w)
	for yy := 0; yy < h; yy++ {
		ymin, n := vert.bounds[2*yy], vert.bounds[2*yy+1]
		k := vert.k[yy*vert.ksize:]
		for i := range acc {
			acc[i] = 1 << (precisionBits - 1)
		}
		for y := 0; y < n; y++ {
			ky := k[y]
			row := src.Pix[3*w*(y+ymin) : 3*w*(y+ymin+1)]
			for i, v := range row {
				acc[i] += int32(v) * ky
			}
		}
		out := dst.Pix[3*w*yy : 3*w*(yy+1)]
		for i, v := range acc {
			out[i] = clip8(v)
		}
	}
	return dst
}
