package embed

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // register GIF
	_ "image/png" // register PNG
	"os"
	"sync"

	"motif/internal/jpeg"

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
// keep their high byte), and transparent pixels are composited on white. JPEGs are decoded
// by motif's jpeg package, whose pixels are libjpeg-turbo's (Pillow's) exactly.
func Decode(data []byte) (*RGB, error) {
	if isJPEG(data) {
		return decodeJPEG(data, jpegOrientation(data), image.Rectangle{}, nil, nil)
	}
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
	img, _, err := image.Decode(bytes.NewReader(data))
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
	return rgb, nil
}

// DecodeCrop returns p.Crop(Decode(data)) — the same pixels — but decodes a JPEG only as
// far as the crop needs: the inverse DCT, upsampling, colour conversion and orientation of
// the blocks outside the window that the resize and centre crop read are skipped.
func (p Preprocessing) DecodeCrop(data []byte) (*RGB, error) {
	if !isJPEG(data) {
		img, err := Decode(data)
		if err != nil {
			return nil, err
		}
		return p.Crop(img), nil
	}
	cfg, err := jpeg.DecodeConfig(data)
	if err != nil {
		return nil, fmt.Errorf("decode jpeg: %w", err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		// before the buffer is allocated
		return nil, fmt.Errorf("decode jpeg: %d×%d pixels is more than the limit of %d", cfg.Width, cfg.Height, MaxPixels)
	}
	o := jpegOrientation(data)
	w, h := cfg.Width, cfg.Height
	if o >= 5 {
		w, h = h, w
	}
	win := p.cropWindow(w, h)
	n := 3 * cfg.Width * cfg.Height
	var buf []uint8
	if b, ok := pixPool.Get().(*[]uint8); ok && cap(*b) >= n {
		buf = (*b)[:n]
	} else {
		buf = make([]uint8, n)
	}
	img, err := decodeJPEG(data, o, storedRect(win, o, cfg.Width, cfg.Height), &win, buf)
	if err != nil {
		pixPool.Put(&buf)
		return nil, err
	}
	crop := p.Crop(img)
	// The buffer goes back to the pool unless the crop is the picture itself.
	if len(crop.Pix) == 0 || &crop.Pix[0] != &buf[0] {
		pixPool.Put(&buf)
	}
	return crop, nil
}

// pixPool holds full-size RGB buffers for DecodeCrop to decode into: the JPEG decoder
// writes only the window the crop reads, so reusing a buffer saves clearing megabytes per
// picture.
var pixPool sync.Pool

// cropWindow is the part of a w×h (upright) picture that Crop reads.
func (p Preprocessing) cropWindow(w, h int) image.Rectangle {
	full := image.Rect(0, 0, w, h)
	rw, rh := p.resizedSize(w, h)
	cw, ch := p.CropWidth, p.CropHeight
	if cw <= 0 || ch <= 0 || cw > rw || ch > rh {
		return full
	}
	if rw == w && rh == h {
		// no resize: the centre crop alone
		return image.Rect(0, 0, cw, ch).Add(image.Pt(floorDiv2(w-cw), floorDiv2(h-ch)))
	}
	f, ok := filters[p.Resample]
	if !ok {
		return full
	}
	span := func(in, out, first, n int) (int, int) {
		if in == out {
			return first, first + n
		}
		c := precompute(in, out, f)
		lo, hi := in, 0
		for i := first; i < first+n; i++ {
			lo = min(lo, c.bounds[2*i])
			hi = max(hi, c.bounds[2*i]+c.bounds[2*i+1])
		}
		return lo, hi
	}
	x0, x1 := span(w, rw, floorDiv2(rw-cw), cw)
	y0, y1 := span(h, rh, floorDiv2(rh-ch), ch)
	return image.Rect(x0, y0, x1, y1).Intersect(full)
}

func isJPEG(data []byte) bool {
	return len(data) >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff
}

// decodeJPEG decodes a JPEG whose EXIF orientation is o to upright RGB. When win is not
// nil only the pixels inside that (upright) rectangle are computed, region being the
// stored picture's rectangle that turns into it (storedRect); the rest of the picture is
// unspecified. buf, when not nil, is reused for the decoded pixels. The caller has read
// the orientation and, for a window, the size, so the headers are parsed only once more,
// by the decoder itself.
func decodeJPEG(data []byte, o int, region image.Rectangle, win *image.Rectangle, buf []uint8) (*RGB, error) {
	m, err := jpeg.Decode(data, &jpeg.Options{MaxPixels: MaxPixels, Pix: buf, Region: region})
	if err != nil {
		return nil, fmt.Errorf("decode jpeg: %w", err)
	}
	rgb := &RGB{W: m.Width, H: m.Height}
	r := m.Region
	switch m.Channels {
	case 3:
		rgb.Pix = m.Pix
	case 1:
		rgb.Pix = make([]uint8, 3*m.Width*m.Height)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := m.Pix[y*m.Width+r.Min.X : y*m.Width+r.Max.X]
			o := rgb.Pix[3*(y*m.Width+r.Min.X):]
			for x, v := range row {
				o[3*x], o[3*x+1], o[3*x+2] = v, v, v
			}
		}
	case 4:
		rgb.Pix = make([]uint8, 3*m.Width*m.Height)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := m.Pix[4*(y*m.Width+r.Min.X) : 4*(y*m.Width+r.Max.X)]
			o := rgb.Pix[3*(y*m.Width+r.Min.X):]
			for x := 0; x < len(row)/4; x++ {
				c, mm, yy, k := int(row[4*x]), int(row[4*x+1]), int(row[4*x+2]), int(row[4*x+3])
				o[3*x] = cmyk8(c, k)
				o[3*x+1] = cmyk8(mm, k)
				o[3*x+2] = cmyk8(yy, k)
			}
		}
	}
	full := image.Rect(0, 0, rgb.W, rgb.H)
	if o >= 5 {
		full = image.Rect(0, 0, rgb.H, rgb.W)
	}
	if win == nil {
		win = &full
	}
	return orient(rgb, o, win.Intersect(full)), nil
}

// storedRect maps a rectangle of the upright picture to the rectangle of the stored
// (w×h) picture that orientation o turns into it.
func storedRect(r image.Rectangle, o, w, h int) image.Rectangle {
	if r.Empty() {
		return r
	}
	ax, ay := orientSource(r.Min.X, r.Min.Y, o, w, h)
	bx, by := orientSource(r.Max.X-1, r.Max.Y-1, o, w, h)
	return image.Rect(min(ax, bx), min(ay, by), max(ax, bx)+1, max(ay, by)+1)
}

// toRGB converts any decoded picture to 8-bit RGB, compositing alpha on white.
func toRGB(img image.Image) *RGB {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
	switch m := img.(type) {
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
