package embed

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readPNG loads a committed reference crop as RGB.
func readPNG(t *testing.T, path string) *RGB {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	m, ok := img.(*image.RGBA)
	if !ok {
		return toRGB(img)
	}
	return toRGB(m)
}

// TestPreprocessMatchesPillow compares the normalised tensor of every committed test image
// with the one computed from Pillow's crop (testdata/pil, made by gen.py).
func TestPreprocessMatchesPillow(t *testing.T) {
	p := DINOv2()
	var names []string
	for _, dir := range []string{"images", "photos"} {
		ents, err := os.ReadDir(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			names = append(names, dir+"/"+e.Name())
		}
	}
	if len(names) < 20 {
		t.Fatalf("found %d test images, want at least 20", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			img, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			crop := p.Crop(img)
			ref := readPNG(t, filepath.Join("testdata", "pil", strings.ReplaceAll(name, "/", "-")+".png"))
			if crop.W != ref.W || crop.H != ref.H {
				t.Fatalf("Crop(%s) is %dx%d, want %dx%d", name, crop.W, crop.H, ref.W, ref.H)
			}
			got := p.Tensor(make([]float32, 3*224*224), crop)
			want := p.Tensor(make([]float32, 3*224*224), ref)
			var worst float64
			var at, levels int
			for i := range got {
				d := math.Abs(float64(got[i] - want[i]))
				if d > worst {
					worst, at = d, i
				}
				if got[i] != want[i] {
					levels++
				}
			}
			// The acceptance bound is 0.02 per value (about five levels); decoding
			// (JPEG included: the jpeg package reproduces libjpeg-turbo) and resizing
			// reproduce Pillow bit for bit, so in fact every value is equal.
			if worst > 0.02 {
				t.Errorf("Tensor(%s)[%d] = %v, want %v (±0.02)", name, at, got[at], want[at])
			}
			if levels != 0 {
				t.Errorf("Tensor(%s): %d of %d values differ from Pillow's (max %.4f), want 0", name, levels, len(got), worst)
			}
			// The pipeline's path, which decodes only what the crop reads, gives the same
			// picture.
			fast, err := p.DecodeCrop(data)
			if err != nil {
				t.Fatalf("DecodeCrop(%s): %v", name, err)
			}
			if fast.W != crop.W || fast.H != crop.H || !bytes.Equal(fast.Pix, crop.Pix) {
				t.Errorf("DecodeCrop(%s) differs from Crop(Decode(%s))", name, name)
			}
		})
	}
}

// TestTensorMatchesHF checks the float arithmetic against values numpy computed.
func TestTensorMatchesHF(t *testing.T) {
	data, err := os.ReadFile("testdata/pil/tensors.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Image   string
		Samples []struct {
			C, Y, X int
			V       float64
		}
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	crop := readPNG(t, "testdata/pil/"+strings.ReplaceAll(ref.Image, "/", "-")+".png")
	x := DINOv2().Tensor(make([]float32, 3*224*224), crop)
	for _, s := range ref.Samples {
		got := x[s.C*224*224+s.Y*224+s.X]
		if got != float32(s.V) {
			t.Errorf("Tensor(%s)[%d,%d,%d] = %v, want %v", ref.Image, s.C, s.Y, s.X, got, float32(s.V))
		}
	}
}

// TestDecodeCropMatchesCrop checks the region decoding behind DecodeCrop against the full
// decode for preprocessings whose windows differ: every JPEG (EXIF orientations included)
// must give the same pixels either way.
func TestDecodeCropMatchesCrop(t *testing.T) {
	pres := []Preprocessing{
		DINOv2(),
		{ShortestEdge: 224, Resample: Bicubic, CropWidth: 224, CropHeight: 224},
		{ShortestEdge: 160, Resample: Bilinear, CropWidth: 128, CropHeight: 96},
		{Width: 300, Height: 200, Resample: Lanczos},
		{CropWidth: 100, CropHeight: 80},
		{ShortestEdge: 400, Resample: Bicubic, CropWidth: 380, CropHeight: 390},
	}
	files, err := filepath.Glob("testdata/*/*.jpg")
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d JPEGs (%v), want at least 10", len(files), err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := Decode(data)
		if err != nil {
			t.Fatalf("Decode(%s): %v", f, err)
		}
		for _, p := range pres {
			want := p.Crop(img)
			// A recycled buffer holds another picture's pixels: the crop must not read
			// any of those that the decoder does not overwrite.
			dirty := bytes.Repeat([]byte{0xa5}, 3*img.W*img.H)
			pixPool.Put(&dirty)
			got, err := p.DecodeCrop(data)
			if err != nil {
				t.Fatalf("DecodeCrop(%s): %v", f, err)
			}
			if got.W != want.W || got.H != want.H || !bytes.Equal(got.Pix, want.Pix) {
				t.Errorf("%v: DecodeCrop(%s) differs from Crop(Decode(%s))", p, f, f)
			}
		}
	}
}
