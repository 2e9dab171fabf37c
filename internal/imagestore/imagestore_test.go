package imagestore

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// gradient returns a w×h test picture with smooth colour ramps and a disc,
// so that it has both low and high spatial frequencies.
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			dx, dy := x-w/3, y-h/2
			c := color.RGBA{uint8(255 * x / w), uint8(255 * y / h), 128, 255}
			if dx*dx+dy*dy < (h/4)*(h/4) {
				c = color.RGBA{240, 30, 30, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func checker(w, h, cell int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8(20)
			if (x/cell+y/cell)%2 == 0 {
				v = 235
			}
			img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeGIF(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pngBomb returns a valid PNG header for a w×h 8-bit greyscale image followed
// by one IDAT chunk holding the first rows of zeros, zlib-compressed: a few
// kilobytes that would decode to w×h bytes.
func pngBomb(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		buf.WriteString(typ)
		buf.Write(data)
		binary.Write(&buf, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // bit depth 8, greyscale
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	row := make([]byte, 1+int(w))
	for range 16 {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return buf.Bytes()
}

func TestInspect(t *testing.T) {
	g := gradient(120, 80)
	jpg := encodeJPEG(t, g, 90)
	tests := []struct {
		name   string
		data   []byte
		format string
		w, h   int
		status string // "" when accepted
	}{
		{"jpeg", jpg, JPEG, 120, 80, ""},
		{"png", encodePNG(t, g), PNG, 120, 80, ""},
		{"gif", encodeGIF(t, g), GIF, 120, 80, ""},
		{"webp lossy", readTestdata(t, "lossy.webp"), WebP, 64, 48, ""},
		{"webp lossless", readTestdata(t, "lossless.webp"), WebP, 64, 48, ""},
		{"webp alpha", readTestdata(t, "alpha.webp"), WebP, 64, 48, ""},
		{"png bomb", pngBomb(50000, 50000), "", 0, 0, "too_many_pixels"},
		{"html", []byte("<!DOCTYPE html><html><body>gone</body></html>"), "", 0, 0, "not_image"},
		{"html with BOM", []byte("\xEF\xBB\xBF\n <html>"), "", 0, 0, "not_image"},
		{"empty", nil, "", 0, 0, "not_image"},
		{"random", []byte("\x01\x02\x03 not a picture at all"), "", 0, 0, "not_image"},
		{"avif", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), "", 0, 0, "unsupported_format"},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "", 0, 0, "unsupported_format"},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "", 0, 0, "unsupported_format"},
		{"tiff", []byte("II*\x00\x08\x00\x00\x00"), "", 0, 0, "unsupported_format"},
		{"mp4", []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), "", 0, 0, "not_image"},
		{"jpeg magic only", jpg[:3], "", 0, 0, "decode_error"},
		{"png header cut", encodePNG(t, g)[:20], "", 0, 0, "decode_error"},
		{"zero-size gif", []byte("GIF89a\x00\x00\x00\x00\x00\x00\x00;"), "", 0, 0, "decode_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Inspect(tt.data, 0)
			if tt.status == "" {
				if err != nil {
					t.Fatalf("Inspect(...) error = %v, want nil", err)
				}
				if info != (Info{tt.format, tt.w, tt.h}) {
					t.Errorf("Inspect(...) = %+v, want %v %d×%d", info, tt.format, tt.w, tt.h)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Inspect(...) error = %v, want *Error with status %s", err, tt.status)
			}
			if e.Status() != tt.status {
				t.Errorf("Inspect(...) status = %s (%v), want %s", e.Status(), err, tt.status)
			}
		})
	}
}

func TestDecodeTruncated(t *testing.T) {
	jpg := encodeJPEG(t, gradient(300, 200), 90)
	_, _, err := Decode(jpg[:len(jpg)/2], 0)
	if !errors.Is(err, ErrDecode) {
		t.Errorf("Decode(half a JPEG) error = %v, want ErrDecode", err)
	}
	pngb := encodePNG(t, gradient(300, 200))
	_, _, err = Decode(pngb[:len(pngb)-40], 0)
	if !errors.Is(err, ErrDecode) {
		t.Errorf("Decode(truncated PNG) error = %v, want ErrDecode", err)
	}
}

func TestMaxPixels(t *testing.T) {
	data := encodePNG(t, gradient(100, 100))
	if _, err := Inspect(data, 10_000); err != nil {
		t.Errorf("Inspect(100×100, max 10000) error = %v, want nil", err)
	}
	if _, err := Inspect(data, 9_999); !errors.Is(err, ErrTooManyPixels) {
		t.Errorf("Inspect(100×100, max 9999) error = %v, want ErrTooManyPixels", err)
	}
}

// TestBombNotDecoded checks that a 50,000 × 50,000 PNG (2.5 GB of pixels)
// is refused from its header, allocating almost nothing.
func TestBombNotDecoded(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	bomb := pngBomb(50000, 50000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = s.Put(bomb)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("Put(bomb) error = %v, want ErrTooManyPixels", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("Put(bomb) allocated %d bytes, want < 1 MiB", alloc)
	}
}

func TestThumbnail(t *testing.T) {
	tests := []struct {
		name       string
		w, h, size int
		tw, th     int
	}{
		{"landscape", 1200, 675, 256, 256, 144},
		{"portrait", 100, 300, 256, 85, 256},
		{"small kept", 50, 40, 256, 50, 40},
		{"square", 512, 512, 128, 128, 128},
		{"thin", 5000, 3, 256, 256, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Thumbnail(gradient(tt.w, tt.h), tt.size).Bounds()
			if got.Dx() != tt.tw || got.Dy() != tt.th {
				t.Errorf("Thumbnail(%d×%d, %d) = %d×%d, want %d×%d", tt.w, tt.h, tt.size, got.Dx(), got.Dy(), tt.tw, tt.th)
			}
		})
	}
	// Transparency is flattened onto white.
	clear := image.NewNRGBA(image.Rect(0, 0, 600, 300))
	th := Thumbnail(clear, 256)
	if c := th.RGBAAt(10, 10); c != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("Thumbnail(transparent) pixel = %v, want white", c)
	}
	// A checkerboard of 1-pixel cells averages to mid grey, not to aliased
	// stripes: the kernel low-pass filters.
	fine := Thumbnail(checker(1024, 1024, 1), 256)
	for _, p := range []image.Point{{3, 3}, {100, 57}, {200, 201}} {
		if c := fine.RGBAAt(p.X, p.Y); c.R < 110 || c.R > 145 {
			t.Errorf("Thumbnail(1-px checkerboard) at %v = %v, want grey near 128", p, c)
		}
	}
}

func TestPHash(t *testing.T) {
	g := gradient(800, 450)
	h := PHash(g)
	tests := []struct {
		name    string
		img     image.Image
		maxDist int
		minDist int
	}{
		{"same picture smaller", Thumbnail(g, 256), 4, 0},
		{"same picture recompressed", mustDecode(t, encodeJPEG(t, g, 40)), 4, 0},
		{"other picture", checker(800, 450, 60), 64, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Distance(h, PHash(tt.img))
			if d > tt.maxDist || d < tt.minDist {
				t.Errorf("Distance(PHash(gradient), PHash(%s)) = %d, want in [%d, %d]", tt.name, d, tt.minDist, tt.maxDist)
			}
		})
	}
	if h == 0 || h == ^uint64(0) {
		t.Errorf("PHash(gradient) = %016x, want a mix of bits", h)
	}
}

func mustDecode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, _, err := Decode(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestPut(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := gradient(1200, 675)
	inputs := []struct {
		name   string
		data   []byte
		format string
		w, h   int
		tw, th int
	}{
		{"jpeg", encodeJPEG(t, g, 85), JPEG, 1200, 675, 256, 144},
		{"png", encodePNG(t, g), PNG, 1200, 675, 256, 144},
		{"gif", encodeGIF(t, gradient(300, 600)), GIF, 300, 600, 128, 256},
		{"webp", readTestdata(t, "alpha.webp"), WebP, 64, 48, 64, 48},
	}
	keys := map[string]string{}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			im, err := s.Put(in.data)
			if err != nil {
				t.Fatalf("Put(%s) error = %v", in.name, err)
			}
			if im.Key != Key(in.data) || im.Format != in.format || im.Width != in.w || im.Height != in.h || im.Bytes != int64(len(in.data)) {
				t.Errorf("Put(%s) = %+v, want key %s, %s %d×%d, %d bytes", in.name, im, Key(in.data), in.format, in.w, in.h, len(in.data))
			}
			got, err := os.ReadFile(s.OriginalPath(im.Key, im.Format))
			if err != nil || !bytes.Equal(got, in.data) {
				t.Fatalf("original of %s: %d bytes, err %v; want the %d bytes put", in.name, len(got), err, len(in.data))
			}
			f, err := os.Open(s.ThumbPath(im.Key))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cfg, err := jpeg.DecodeConfig(f)
			if err != nil || cfg.Width != in.tw || cfg.Height != in.th {
				t.Errorf("thumbnail of %s = %d×%d (err %v), want %d×%d JPEG", in.name, cfg.Width, cfg.Height, err, in.tw, in.th)
			}
			if !s.Has(im.Key, im.Format, im.Bytes) {
				t.Errorf("Has(%s) = false after Put", in.name)
			}
			if err := s.Verify(im.Key, im.Format); err != nil {
				t.Errorf("Verify(%s) = %v", in.name, err)
			}
			// The same bytes again are the same image and no new file.
			again, err := s.Put(in.data)
			if err != nil || again != im {
				t.Errorf("Put(%s) again = %+v, %v; want %+v", in.name, again, err, im)
			}
			keys[im.Key] = im.Format
		})
	}
	var walked []Entry
	stray, err := s.Walk(func(e Entry) error { walked = append(walked, e); return nil })
	if err != nil || len(stray) != 0 {
		t.Fatalf("Walk() stray = %v, err = %v; want none", stray, err)
	}
	if len(walked) != len(keys) {
		t.Errorf("Walk() found %d originals, want %d", len(walked), len(keys))
	}
	for _, e := range walked {
		if keys[e.Key] != e.Format || !e.Thumb {
			t.Errorf("Walk() entry %+v, want format %s with thumbnail", e, keys[e.Key])
		}
	}
	// A refused input leaves no file.
	if _, err := s.Put([]byte("<html>")); !errors.Is(err, ErrNotImage) {
		t.Errorf("Put(html) error = %v, want ErrNotImage", err)
	}
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, _ error) error {
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if n != 2*len(keys) {
		t.Errorf("store holds %d files, want %d (original + thumbnail per image)", n, 2*len(keys))
	}
}

func TestWalkStrayAndRemoveTemp(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	im, err := s.Put(encodePNG(t, gradient(40, 30)))
	if err != nil {
		t.Fatal(err)
	}
	sub := filepath.Dir(s.OriginalPath(im.Key, im.Format))
	for _, name := range []string{tempPrefix + "123", "notes.txt"} {
		os.WriteFile(filepath.Join(sub, name), []byte("x"), 0o644)
	}
	os.WriteFile(filepath.Join(filepath.Dir(s.ThumbPath(im.Key)), tempPrefix+"9"), []byte("x"), 0o644)
	stray, err := s.Walk(func(Entry) error { return nil })
	if err != nil || len(stray) != 3 {
		t.Errorf("Walk() stray = %v, err %v; want 3 paths", stray, err)
	}
	n, err := s.RemoveTemp()
	if err != nil || n != 2 {
		t.Errorf("RemoveTemp() = %d, %v; want 2, nil", n, err)
	}
	// A corrupted original fails Verify.
	os.WriteFile(s.OriginalPath(im.Key, im.Format), []byte("garbage"), 0o644)
	if err := s.Verify(im.Key, im.Format); err == nil {
		t.Errorf("Verify(corrupted) = nil, want an error")
	}
	if err := s.Remove(im.Key, im.Format); err != nil || s.Has(im.Key, im.Format, im.Bytes) {
		t.Errorf("Remove() = %v, Has after = %v; want nil, false", err, s.Has(im.Key, im.Format, im.Bytes))
	}
}

func FuzzInspect(f *testing.F) {
	for _, name := range []string{"lossy.webp", "lossless.webp", "alpha.webp"} {
		f.Add(readTestdata(f, name))
	}
	f.Add(encodePNG(f, gradient(8, 8)))
	f.Add(encodeJPEG(f, gradient(8, 8), 50))
	f.Add(encodeGIF(f, gradient(8, 8)))
	f.Add(pngBomb(50000, 50000))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data, 1<<20)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Inspect error %v is not an *Error", err)
			}
			return
		}
		if !Supported(info.Format) || int64(info.Width)*int64(info.Height) > 1<<20 {
			t.Fatalf("Inspect accepted %+v", info)
		}
		img, _, err := Decode(data, 1<<20)
		if err == nil && img.Bounds().Empty() {
			t.Fatalf("Decode returned an empty image")
		}
	})
}

// TestThumbnailMatchesDirectKernel checks that the block-average first
// stage changes the thumbnail by little compared with Catmull-Rom alone
// over the whole reduction.
func TestThumbnailMatchesDirectKernel(t *testing.T) {
	g := gradient(1200, 675)
	inputs := map[string]image.Image{"rgba": g, "ycbcr": mustDecode(t, encodeJPEG(t, g, 95)), "nrgba": toNRGBA(g),
		"fine checks": checker(1200, 676, 3)}
	for name, img := range inputs {
		got := Thumbnail(img, 256)
		want := image.NewRGBA(got.Bounds())
		xdraw.CatmullRom.Scale(want, want.Bounds(), img, img.Bounds(), xdraw.Src, nil)
		var sum, worst float64
		for i := range got.Pix {
			d := math.Abs(float64(got.Pix[i]) - float64(want.Pix[i]))
			sum += d
			worst = max(worst, d)
		}
		if mean := sum / float64(len(got.Pix)); mean > 1.5 {
			t.Errorf("Thumbnail(%s) differs from Catmull-Rom alone by %.2f levels on average (worst %.0f), want ≤ 1.5", name, mean, worst)
		}
	}
}

func toNRGBA(img image.Image) *image.NRGBA {
	out := image.NewNRGBA(img.Bounds())
	xdraw.Draw(out, out.Bounds(), img, img.Bounds().Min, xdraw.Src)
	return out
}

func BenchmarkThumbnail(b *testing.B) {
	img := mustDecodeB(b, encodeJPEG(b, gradient(1200, 675), 85))
	for b.Loop() {
		Thumbnail(img, 256)
	}
}

func BenchmarkDecodeJPEG(b *testing.B) {
	data := encodeJPEG(b, gradient(1200, 675), 85)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Decode(data, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPut(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	data := encodeJPEG(b, gradient(1200, 675), 85)
	n := len(data)
	for i := 0; b.Loop(); i++ {
		// Unique bytes each time (after the end-of-image marker, which
		// decoders ignore), so every Put writes its files.
		data = binary.LittleEndian.AppendUint64(data[:n], uint64(i))
		if _, err := s.Put(data); err != nil {
			b.Fatal(err)
		}
	}
}

func mustDecodeB(b *testing.B, data []byte) image.Image {
	img, _, err := Decode(data, 0)
	if err != nil {
		b.Fatal(err)
	}
	return img
}

// TestPHashReference compares PHash, computed from the thumbnail as Put
// does, with imagehash.phash's definition computed by Pillow and SciPy
// (testdata/make_phash.py). The resampling filters differ (Catmull-Rom here,
// Lanczos there), so a few bits may differ; a different picture differs in
// about half of them.
func TestPHashReference(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "phash_reference.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		want, err := strconv.ParseUint(r[1], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		img := mustDecode(t, readTestdata(t, r[0]))
		got := PHash(Thumbnail(img, DefaultThumbSize))
		d := Distance(got, want)
		t.Logf("%s: %d bits differ", r[0], d)
		if d > 4 {
			t.Errorf("PHash(%s) = %016x, imagehash's definition gives %016x: %d bits differ, want ≤ 4", r[0], got, want, d)
		}
	}
}
