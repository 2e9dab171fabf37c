package embed

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // register GIF
	"image/jpeg"
	_ "image/png" // register PNG
	"os"

	_ "golang.org/x/image/webp" // register WebP
)

// RGB is an 8-bit RGB picture: W×H pixels, row-major, three bytes per pixel.
type RGB struct {
	W, H int
	Pix  []uint8
}

// MaxPixels bounds the size of a picture Decode accepts (W·H), to keep a hostile file from
// allocating gigabytes: 100 megapixels.
const MaxPixels = 100 << 20

// DecodeFile reads and decodes the picture at path; see Decode.
func DecodeFile(path string) (*RGB, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(data)
}

// Decode turns the bytes of a JPEG, PNG, GIF or WebP file into an upright RGB picture the
// way Pillow does before a Hugging Face image processor sees it: the EXIF orientation of a
// JPEG is applied, grey, palette, CMYK and 16-bit pictures become 8-bit RGB (16-bit samples
// keep their high byte), and transparent pixels are composited on white. JPEG chroma is
// upsampled with libjpeg's "fancy" triangle filter and converted with libjpeg's integer
// YCbCr tables, so that pixels agree with Pillow's to within the IDCT's rounding.
func Decode(data []byte) (*RGB, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errors.New("decode image: empty picture")
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("decode image: %d×%d pixels is more than the limit of %d", cfg.Width, cfg.Height, MaxPixels)
	}
	var img image.Image
	if format == "jpeg" {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, _, err = image.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", format, err)
	}
	var rgb *RGB
	switch m := img.(type) {
	case *image.YCbCr:
		if format == "webp" {
			rgb = webpToRGB(m, nil, 0)
		}
	case *image.NYCbCrA:
		if format == "webp" {
			rgb = webpToRGB(&m.YCbCr, m.A, m.AStride)
		}
	}
	if rgb == nil {
		rgb = toRGB(img)
	}
	if format == "jpeg" {
		rgb = orient(rgb, jpegOrientation(data))
	}
	return rgb, nil
}

// toRGB converts any decoded picture to 8-bit RGB, compositing alpha on white.
func toRGB(img image.Image) *RGB {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
	switch m := img.(type) {
	case *image.YCbCr:
		ycbcrToRGB(out, m)
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			o := out.Pix[3*w*y:]
			for x, v := range row {
				o[3*x], o[3*x+1], o[3*x+2] = v, v, v
			}
		}
	case *image.CMYK:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			o := out.Pix[3*w*y:]
			for x := 0; x < w; x++ {
				c, mm, yy, k := int(row[4*x]), int(row[4*x+1]), int(row[4*x+2]), int(row[4*x+3])
				o[3*x] = cmyk8(c, k)
				o[3*x+1] = cmyk8(mm, k)
				o[3*x+2] = cmyk8(yy, k)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			o := out.Pix[3*w*y:]
			for x := 0; x < w; x++ {
				a := int(row[4*x+3])
				o[3*x] = onWhite(int(row[4*x]), a)
				o[3*x+1] = onWhite(int(row[4*x+1]), a)
				o[3*x+2] = onWhite(int(row[4*x+2]), a)
			}
		}
	case *image.Paletted:
		var lut [256][3]uint8
		for i, c := range m.Palette {
			lut[i] = colorOnWhite(c)
		}
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			o := out.Pix[3*w*y:]
			for x, i := range row {
				c := lut[i]
				o[3*x], o[3*x+1], o[3*x+2] = c[0], c[1], c[2]
			}
		}
	default:
		for y := 0; y < h; y++ {
			o := out.Pix[3*w*y:]
			for x := 0; x < w; x++ {
				c := colorOnWhite(img.At(b.Min.X+x, b.Min.Y+y))
				o[3*x], o[3*x+1], o[3*x+2] = c[0], c[1], c[2]
			}
		}
	}
	return out
}

// onWhite composites an 8-bit non-premultiplied sample of alpha a on white, rounding.
func onWhite(c, a int) uint8 {
	if a == 255 {
		return uint8(c)
	}
	return uint8((c*a + 255*(255-a) + 127) / 255)
}

// cmyk8 is Pillow's CMYK→RGB conversion of one channel: (255−c)(255−k)/255, rounded.
func cmyk8(c, k int) uint8 {
	nk := 255 - k
	t := c*nk + 128
	return uint8(nk - ((t>>8)+t)>>8)
}

// colorOnWhite converts any color to 8-bit RGB on white. 16-bit samples keep their high byte
// (as Pillow reads 16-bit PNGs) before the 8-bit compositing.
func colorOnWhite(c color.Color) [3]uint8 {
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	a := int(n.A >> 8)
	return [3]uint8{onWhite(int(n.R>>8), a), onWhite(int(n.G>>8), a), onWhite(int(n.B>>8), a)}
}

// libjpeg's YCbCr→RGB tables (jdcolor.c, SCALEBITS 16).
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

// rangeLimit clamps v+256 to 0…255 for v in −256…511 (libjpeg's range_limit table).
var rangeLimit = func() (t [1024]uint8) {
	for i := range t {
		t[i] = uint8(max(0, min(255, i-256)))
	}
	return t
}()

func clampU8(v int32) uint8 { return rangeLimit[(v+256)&1023] }

// ycbcrToRGB converts a decoded JPEG to RGB as libjpeg(-turbo) does with its defaults:
// fancy (triangle) upsampling of subsampled chroma, then the integer colour tables.
func ycbcrToRGB(out *RGB, m *image.YCbCr) {
	w, h := out.W, out.H
	hs, vs := 1, 1
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444:
	case image.YCbCrSubsampleRatio422:
		hs = 2
	case image.YCbCrSubsampleRatio420:
		hs, vs = 2, 2
	case image.YCbCrSubsampleRatio440:
		vs = 2
	default:
		for y := 0; y < h; y++ {
			o := out.Pix[3*w*y:]
			for x := 0; x < w; x++ {
				c := m.YCbCrAt(m.Rect.Min.X+x, m.Rect.Min.Y+y)
				ycc(o[3*x:3*x+3], c.Y, c.Cb, c.Cr)
			}
		}
		return
	}
	cw := (w + hs - 1) / hs
	ch := (h + vs - 1) / vs
	cb, cr := make([]uint8, w), make([]uint8, w)
	sums := make([]int32, cw)
	for y := 0; y < h; y++ {
		upsampleRow(cb, sums, m.Cb, m.CStride, cw, ch, y, hs, vs)
		upsampleRow(cr, sums, m.Cr, m.CStride, cw, ch, y, hs, vs)
		yrow := m.Y[y*m.YStride : y*m.YStride+w]
		o := out.Pix[3*w*y : 3*w*(y+1)]
		for x, yy := range yrow {
			ycc(o[3*x:3*x+3], yy, cb[x], cr[x])
		}
	}
}

func ycc(o []uint8, y, cb, cr uint8) {
	yy := int32(y)
	o[0] = clampU8(yy + crR[cr])
	o[1] = clampU8(yy + ((cbG[cb] + crG[cr]) >> 16))
	o[2] = clampU8(yy + cbB[cb])
}

// upsampleRow computes output row y (w = len(o) samples) of a cw×ch chroma plane with
// libjpeg's fancy upsampling (jdsample.c: h2v1, h1v2 and h2v2 triangle filters, edges
// replicated). sums is scratch space of cw values.
func upsampleRow(o []uint8, sums []int32, src []uint8, stride, cw, ch, y, hs, vs int) {
	w := len(o)
	cy := y / vs
	row := src[cy*stride : cy*stride+cw]
	if hs == 1 && vs == 1 {
		copy(o, row)
		return
	}
	if vs == 2 {
		ny := cy - 1 // the other chroma row: above for even output rows, below for odd
		if y%2 == 1 {
			ny = cy + 1
		}
		ny = max(0, min(ch-1, ny))
		nrow := src[ny*stride : ny*stride+cw]
		for i, v := range row {
			sums[i] = 3*int32(v) + int32(nrow[i])
		}
	} else {
		for i, v := range row {
			sums[i] = int32(v)
		}
	}
	switch {
	case hs == 1: // h1v2
		bias := int32(1)
		if y%2 == 1 {
			bias = 2
		}
		for x := range o {
			o[x] = uint8((sums[x] + bias) >> 2)
		}
	case vs == 1: // h2v1
		for cx := 0; cx < cw; cx++ {
			v := 3 * sums[cx]
			a := (v + sums[max(0, cx-1)] + 1) >> 2
			b := (v + sums[min(cw-1, cx+1)] + 2) >> 2
			if cx == 0 {
				a = sums[cx]
			}
			if cx == cw-1 {
				b = sums[cx]
			}
			o[2*cx] = uint8(a)
			if 2*cx+1 < w {
				o[2*cx+1] = uint8(b)
			}
		}
	default: // h2v2
		for cx := 0; cx < cw; cx++ {
			v := 3 * sums[cx]
			a := (v + sums[max(0, cx-1)] + 8) >> 4
			b := (v + sums[min(cw-1, cx+1)] + 7) >> 4
			if cx == 0 {
				a = (4*sums[cx] + 8) >> 4
			}
			if cx == cw-1 {
				b = (4*sums[cx] + 7) >> 4
			}
			o[2*cx] = uint8(a)
			if 2*cx+1 < w {
				o[2*cx+1] = uint8(b)
			}
		}
	}
}

// webpClip is libwebp's VP8Clip8 (YUV_FIX2 = 6).
func webpClip(v int) uint8 {
	if v&^(256<<6-1) == 0 {
		return uint8(v >> 6)
	}
	if v < 0 {
		return 0
	}
	return 255
}

func multHi(v, c int) int { return (v * c) >> 8 }

// webpToRGB converts a lossy WebP frame as libwebp does (and so Pillow): "fancy" chroma
// upsampling (upsampling.c: 9-3-3-1 weights, 3-1 on the first and last columns) and the
// limited-range BT.601 integer conversion of yuv.h. x/image/webp leaves the picture as YCbCr
// that image/color would convert with the full-range JPEG formula: visibly wrong colours.
// alpha (stride astride), when not nil, is composited on white. It returns nil for a
// subsampling other than 4:2:0, which lossy WebP never has.
func webpToRGB(m *image.YCbCr, alpha []uint8, astride int) *RGB {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if m.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return nil
	}
	ch := (h + 1) / 2
	out := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
	for y := 0; y < h; y++ {
		// even rows: nearest chroma row y/2, the other one above; odd rows: below
		near, far := y/2, y/2-1
		if y%2 == 1 {
			near, far = (y-1)/2, (y+1)/2
		}
		near, far = max(0, min(ch-1, near))*m.CStride, max(0, min(ch-1, far))*m.CStride
		yrow := m.Y[y*m.YStride:]
		o := out.Pix[3*w*y:]
		for x := 0; x < w; x++ {
			u := webpChroma(m.Cb[near:], m.Cb[far:], x, w)
			v := webpChroma(m.Cr[near:], m.Cr[far:], x, w)
			yy := multHi(int(yrow[x]), 19077)
			r := webpClip(yy + multHi(v, 26149) - 14234)
			g := webpClip(yy - multHi(u, 6419) - multHi(v, 13320) + 8708)
			b := webpClip(yy + multHi(u, 33050) - 17685)
			if alpha != nil {
				a := int(alpha[y*astride+x])
				r, g, b = onWhite(int(r), a), onWhite(int(g), a), onWhite(int(b), a)
			}
			o[3*x], o[3*x+1], o[3*x+2] = r, g, b
		}
	}
	return out
}

// webpChroma interpolates the chroma of output column x of a picture w wide from the
// nearest chroma row a and the other neighbouring row b.
func webpChroma(a, b []uint8, x, w int) int {
	if x == 0 || (x == w-1 && w%2 == 0) {
		c := x / 2
		return (3*int(a[c]) + int(b[c]) + 2) >> 2
	}
	// odd x: nearest chroma column (x-1)/2, the other (x+1)/2; even x: x/2 and x/2-1
	nc, fc := x/2, x/2+1
	if x%2 == 0 {
		fc = x/2 - 1
	}
	nn, nf, fn, ff := int(a[nc]), int(a[fc]), int(b[nc]), int(b[fc])
	return (((nn + 3*nf + 3*fn + ff + 8) >> 3) + nn) >> 1
}
