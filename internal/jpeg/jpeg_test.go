package jpeg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

type pillowRef struct {
	Mode          string
	Width, Height int
	SHA256        string
	Unsupported   bool
}

func loadRefs(t testing.TB) map[string]pillowRef {
	t.Helper()
	data, err := os.ReadFile("testdata/pillow.json")
	if err != nil {
		t.Fatal(err)
	}
	var refs map[string]pillowRef
	if err := json.Unmarshal(data, &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs) < 15 {
		t.Fatalf("testdata/pillow.json lists %d files, want at least 15", len(refs))
	}
	return refs
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodeMatchesPillow checks that every test file decodes to exactly the pixels
// Pillow (libjpeg-turbo) gives: same size, same channels, same bytes.
func TestDecodeMatchesPillow(t *testing.T) {
	channels := map[string]int{"L": 1, "RGB": 3, "CMYK": 4}
	for name, ref := range loadRefs(t) {
		t.Run(name, func(t *testing.T) {
			data := readFile(t, name)
			m, err := Decode(data, nil)
			if ref.Unsupported {
				var u UnsupportedError
				if !errors.As(err, &u) {
					t.Fatalf("Decode(%s) error = %v, want an UnsupportedError", name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%s): %v", name, err)
			}
			if m.Width != ref.Width || m.Height != ref.Height || m.Channels != channels[ref.Mode] {
				t.Fatalf("Decode(%s) = %dx%d×%d, want %dx%d×%d (%s)", name, m.Width, m.Height, m.Channels,
					ref.Width, ref.Height, channels[ref.Mode], ref.Mode)
			}
			sum := sha256.Sum256(m.Pix)
			if got := hex.EncodeToString(sum[:]); got != ref.SHA256 {
				t.Errorf("Decode(%s) pixels sha256 = %s, want Pillow's %s", name, got, ref.SHA256)
			}
			cfg, err := DecodeConfig(data)
			if err != nil {
				t.Fatalf("DecodeConfig(%s): %v", name, err)
			}
			if cfg.Width != ref.Width || cfg.Height != ref.Height || cfg.ColorSpace != m.ColorSpace {
				t.Errorf("DecodeConfig(%s) = %+v, want %dx%d %v", name, cfg, ref.Width, ref.Height, m.ColorSpace)
			}
		})
	}
}

// TestRegion checks that decoding a region gives exactly the pixels of a full decode
// inside it, for regions touching every edge and random ones.
func TestRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, ref := range loadRefs(t) {
		if ref.Unsupported {
			continue
		}
		data := readFile(t, name)
		full, err := Decode(data, nil)
		if err != nil {
			t.Fatalf("Decode(%s): %v", name, err)
		}
		w, h := full.Width, full.Height
		regions := []image.Rectangle{
			image.Rect(0, 0, 1, 1), image.Rect(w-1, h-1, w, h), image.Rect(0, 0, w, h),
			image.Rect(w/3, h/4, w-w/3, h-h/5), image.Rect(-5, -5, w+5, 2),
		}
		for range 8 {
			x0, y0 := rng.IntN(w), rng.IntN(h)
			regions = append(regions, image.Rect(x0, y0, x0+1+rng.IntN(w-x0), y0+1+rng.IntN(h-y0)))
		}
		for _, r := range regions {
			m, err := Decode(data, &Options{Region: r})
			if err != nil {
				t.Fatalf("Decode(%s, region %v): %v", name, r, err)
			}
			in := r.Intersect(full.Bounds())
			if m.Region != in {
				t.Errorf("Decode(%s, region %v).Region = %v, want %v", name, r, m.Region, in)
			}
			ch := full.Channels
			for y := in.Min.Y; y < in.Max.Y; y++ {
				a := full.Pix[ch*(y*w+in.Min.X) : ch*(y*w+in.Max.X)]
				b := m.Pix[ch*(y*w+in.Min.X) : ch*(y*w+in.Max.X)]
				if !bytes.Equal(a, b) {
					t.Fatalf("Decode(%s, region %v) row %d differs from the full decode", name, r, y)
				}
			}
		}
	}
}

// TestIDCT compares the integer inverse DCT with the exact one in float64 on random
// blocks: libjpeg's islow is accurate to within one level.
func TestIDCT(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var q [blockSize]int32
	for i := range q {
		q[i] = 1 + int32(rng.IntN(8))
	}
	checked := 0
	for trial := range 3000 {
		var coef [blockSize]int16
		n := 1 + rng.IntN(12)
		for range n {
			k := rng.IntN(blockSize)
			coef[k] = int16(rng.IntN(61) - 30)
		}
		if trial%3 == 0 {
			coef[0] = int16(rng.IntN(255) - 127)
		}
		var exact [blockSize]float64
		inRange := true
		for y := 0; y < 8; y++ {
			for x := 0; x < 8; x++ {
				var s float64
				for v := 0; v < 8; v++ {
					for u := 0; u < 8; u++ {
						cu, cv := 1.0, 1.0
						if u == 0 {
							cu = 1 / math.Sqrt2
						}
						if v == 0 {
							cv = 1 / math.Sqrt2
						}
						f := float64(coef[8*v+u]) * float64(q[8*v+u])
						s += cu * cv * f * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) *
							math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
					}
				}
				exact[8*y+x] = s/4 + 128
				// Far outside 0…255 libjpeg's range limit wraps; real data never goes there.
				inRange = inRange && exact[8*y+x] > -250 && exact[8*y+x] < 500
			}
		}
		if !inRange {
			continue
		}
		checked++
		var got [blockSize]uint8
		idctIslow(got[:], 8, &coef, &q)
		for i, e := range exact {
			want := math.Max(0, math.Min(255, math.Round(e)))
			if d := math.Abs(float64(got[i]) - want); d > 1 {
				t.Fatalf("idctIslow(%v)[%d] = %d, want %v ± 1", coef, i, got[i], want)
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d of 3000 random blocks stayed in range", checked)
	}
}

// TestCorrupt feeds truncated and damaged files: Decode must return an error or a
// picture, never panic, and errors must be ours.
func TestCorrupt(t *testing.T) {
	for _, name := range []string{"pil-420.jpg", "pil-progressive.jpg", "restart-blocks.jpg", "pil-cmyk.jpg"} {
		data := readFile(t, name)
		// Truncated inside the scan data: an error (Pillow refuses these too).
		if _, err := Decode(data[:len(data)*2/3], nil); err == nil {
			t.Errorf("Decode(%s truncated to 2/3) succeeded, want an error", name)
		}
		rng := rand.New(rand.NewPCG(5, uint64(len(data))))
		for n := 0; n < len(data); n += 1 + len(data)/97 {
			if _, err := Decode(data[:n], nil); err == nil && n < len(data)/2 {
				t.Errorf("Decode(%s truncated to %d bytes) succeeded, want an error", name, n)
			}
		}
		for range 200 {
			bad := bytes.Clone(data)
			for range 1 + rng.IntN(4) {
				bad[rng.IntN(len(bad))] = byte(rng.IntN(256))
			}
			m, err := Decode(bad, &Options{MaxPixels: 1 << 20})
			if err == nil && len(m.Pix) != m.Width*m.Height*m.Channels {
				t.Errorf("Decode(damaged %s) returned %d samples for %dx%d×%d", name, len(m.Pix), m.Width, m.Height, m.Channels)
			}
		}
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n")},
		{"SOI only", []byte{0xff, 0xd8}},
		{"SOI EOI", []byte{0xff, 0xd8, 0xff, 0xd9}},
	} {
		if _, err := Decode(tc.data, nil); err == nil {
			t.Errorf("Decode(%s) succeeded, want an error", tc.name)
		}
	}
}

func TestMaxPixels(t *testing.T) {
	data := readFile(t, "pil-420.jpg")
	if _, err := Decode(data, &Options{MaxPixels: 1000}); err == nil {
		t.Errorf("Decode(203x151, MaxPixels 1000) succeeded, want an error")
	}
}

// TestIDCTDC checks the constant-block shortcut against the full inverse DCT.
func TestIDCTDC(t *testing.T) {
	for _, q := range []int32{1, 2, 7, 16, 99, 255} {
		for dc := int16(-1024); dc <= 1024; dc += 3 {
			coef := [blockSize]int16{dc}
			qt := [blockSize]int32{q}
			var want, got [blockSize]uint8
			idctIslow(want[:], 8, &coef, &qt)
			idctDC(got[:], 8, dc, q)
			if got != want {
				t.Fatalf("idctDC(%d, q %d) = %v, want %v", dc, q, got[:8], want[:8])
			}
		}
	}
}

// TestIDCTAsm checks the AVX2 inverse DCT against idctIslow on random blocks, from sparse
// to dense, with coefficients as large as valid data has.
func TestIDCTAsm(t *testing.T) {
	if !useIDCTAsm {
		t.Skip("no assembly inverse DCT on this machine")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := range 20000 {
		var coef [blockSize]int16
		var q [blockSize]int32
		for i := range q {
			q[i] = 1 + int32(rng.IntN(255))
		}
		n := 1 + rng.IntN(64)
		for range n {
			k := rng.IntN(blockSize)
			// |coef·q| up to 2^15, beyond what 8-bit data produces
			coef[k] = int16(rng.IntN(2*(1<<15)/int(q[k])+1) - (1<<15)/int(q[k]))
		}
		var want, got [16 * 8]uint8
		idctIslow(want[3:], 16, &coef, &q)
		idctAVX2(got[3:], 16, &coef, &q)
		if got != want {
			t.Fatalf("trial %d: idctAVX2(%v, q %v) = %v, want %v", trial, coef, q, got, want)
		}
	}
}

// TestColorAsm checks the AVX2 YCbCr→RGB conversion against libjpeg's tables on every
// (Cb, Cr) pair with random luma, and the AVX2 conversion and upsampling through whole
// decodes (every sampling of the test files) with and without them.
func TestColorAsm(t *testing.T) {
	if !useColorAsm {
		t.Skip("no assembly colour conversion on this machine")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 256 * 256
	y, cb, cr := make([]uint8, n), make([]uint8, n), make([]uint8, n)
	for i := range n {
		y[i], cb[i], cr[i] = uint8(rng.IntN(256)), uint8(i>>8), uint8(i)
	}
	got := make([]uint8, 3*n+4)
	yccRowAVX2(got, y, cb, cr)
	for i := range n {
		l := int32(y[i])
		want := [3]uint8{clamp8(l + crR[cr[i]]), clamp8(l + (cbG[cb[i]]+crG[cr[i]])>>16), clamp8(l + cbB[cb[i]])}
		if [3]uint8(got[3*i:3*i+3]) != want {
			t.Fatalf("yccRowAVX2(Y %d, Cb %d, Cr %d) = %v, want %v", y[i], cb[i], cr[i], got[3*i:3*i+3], want)
		}
	}
	for name, ref := range loadRefs(t) {
		if ref.Unsupported {
			continue
		}
		data := readFile(t, name)
		useColorAsm = false
		want, err := Decode(data, nil)
		useColorAsm = true
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.Pix, want.Pix) {
			t.Errorf("Decode(%s) with the AVX2 colour conversion differs from the portable one", name)
		}
	}
}

// TestStandardHuffmanTables decodes a file whose Huffman tables were stripped, as
// Motion-JPEG frames come: libjpeg (and so Pillow) then uses the specification's example
// tables, which are the ones libjpeg's encoder wrote into the file in the first place.
func TestStandardHuffmanTables(t *testing.T) {
	data := readFile(t, "pil-420.jpg")
	want, err := Decode(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	var stripped []byte
	stripped = append(stripped, data[:2]...)
	removed := 0
	for p := 2; p+4 <= len(data); {
		marker := data[p+1]
		n := int(data[p+2])<<8 | int(data[p+3])
		if marker == sosMarker {
			stripped = append(stripped, data[p:]...)
			break
		}
		if marker == dhtMarker {
			removed++
		} else {
			stripped = append(stripped, data[p:p+2+n]...)
		}
		p += 2 + n
	}
	if removed == 0 {
		t.Fatal("pil-420.jpg has no DHT segment to remove")
	}
	got, err := Decode(stripped, nil)
	if err != nil {
		t.Fatalf("Decode(pil-420.jpg without its %d DHT segments): %v", removed, err)
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Errorf("Decode(pil-420.jpg without DHT) differs from Decode(pil-420.jpg)")
	}
}
