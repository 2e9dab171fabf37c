package embed

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParsePreprocessing(t *testing.T) {
	clip := Preprocessing{ShortestEdge: 224, Resample: Bicubic, CropWidth: 224, CropHeight: 224,
		RescaleFactor: 1.0 / 255, Mean: []float64{0.48145466, 0.4578275, 0.40821073}, Std: []float64{0.26862954, 0.26130258, 0.27577711}}
	vit := Preprocessing{Width: 224, Height: 224, Resample: Bilinear, RescaleFactor: 1.0 / 255, Mean: []float64{0.5, 0.5, 0.5}, Std: []float64{0.5, 0.5, 0.5}}
	tests := []struct {
		name, json string
		want       Preprocessing
		err        string
	}{
		{"dinov2", `{"do_resize": true, "size": {"shortest_edge": 256}, "resample": 3, "do_center_crop": true,
			"crop_size": {"height": 224, "width": 224}, "do_rescale": true, "rescale_factor": 0.00392156862745098,
			"do_normalize": true, "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}`, DINOv2(), ""},
		{"empty means BitImageProcessor defaults", `{}`, DINOv2(), ""},
		{"clip, old-style int sizes", `{"size": 224, "crop_size": 224, "image_mean": [0.48145466, 0.4578275, 0.40821073],
			"image_std": [0.26862954, 0.26130258, 0.27577711]}`, clip, ""},
		{"vit, fixed size, no crop", `{"size": {"height": 224, "width": 224}, "resample": 2, "do_center_crop": false,
			"image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}`, vit, ""},
		{"nearest refused", `{"resample": 0}`, Preprocessing{}, "resample filter 0"},
		{"two means", `{"image_mean": [0.5, 0.5], "image_std": [0.5, 0.5]}`, Preprocessing{}, "three values"},
		{"zero std", `{"image_std": [0.5, 0, 0.5]}`, Preprocessing{}, "zero"},
		{"not json", `{"size": `, Preprocessing{}, "preprocessor config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePreprocessing([]byte(tc.json))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParsePreprocessing(%s) error = %v, want one containing %q", tc.json, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ParsePreprocessing(%s) = %+v, want %+v", tc.json, got, tc.want)
			}
		})
	}
}

func TestSharedModelConfig(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "models", "preprocessor_config.json")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared model directory absent: %v", err)
	}
	p, err := LoadPreprocessing(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, DINOv2()) {
		t.Fatalf("LoadPreprocessing(%s) = %+v, want DINOv2() %+v", path, p, DINOv2())
	}
}

func TestOutputSize(t *testing.T) {
	p := DINOv2()
	p.CropWidth, p.CropHeight = 0, 0
	for _, tc := range []struct{ w, h, ow, oh int }{
		{640, 480, 341, 256}, {480, 640, 256, 341}, {300, 300, 256, 256}, {1000, 7, 36571, 256},
	} {
		if ow, oh := p.OutputSize(tc.w, tc.h); ow != tc.ow || oh != tc.oh {
			t.Errorf("OutputSize(%d, %d) = %d, %d, want %d, %d", tc.w, tc.h, ow, oh, tc.ow, tc.oh)
		}
	}
}

// TestCentreCropPads: a picture smaller than the crop is centred on black, as Hugging
// Face's center_crop pads it.
func TestCentreCropPads(t *testing.T) {
	img := &RGB{W: 3, H: 2, Pix: []uint8{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6}}
	got := centreCrop(img, 4, 5)
	// top pad ceil(3/2) = 2, left pad ceil(1/2) = 1
	want := []uint8{
		0, 0, 0, 0,
		0, 0, 0, 0,
		0, 1, 2, 3,
		0, 4, 5, 6,
		0, 0, 0, 0,
	}
	for i, v := range want {
		if got.Pix[3*i] != v {
			t.Fatalf("centreCrop(3x2 → 4x5) = %v, want red channel %v", got.Pix, want)
		}
	}
	// larger: plain centre crop, Python's floor division
	big := &RGB{W: 5, H: 1, Pix: []uint8{1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 5, 0, 0}}
	if got := centreCrop(big, 2, 1); got.Pix[0] != 2 || got.Pix[3] != 3 {
		t.Fatalf("centreCrop(5x1 → 2x1) = %v, want columns 2, 3", got.Pix)
	}
}

func TestParsePooling(t *testing.T) {
	for in, want := range map[string]Pooling{"": PoolingAuto, "auto": PoolingAuto, "CLS": PoolingCLS, "mean": PoolingMean, "cls+mean": PoolingCLSMean} {
		if got, err := ParsePooling(in); err != nil || got != want {
			t.Errorf("ParsePooling(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParsePooling("max"); err == nil {
		t.Error("ParsePooling(max) succeeded, want an error")
	}
}

func TestFindLibrary(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "libonnxruntime.so.1")
	if err := os.WriteFile(lib, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(LibraryEnv, lib)
	if got, err := FindLibrary(""); err != nil || got != lib {
		t.Errorf("FindLibrary(\"\") with $%s = %q, %v; want %q", LibraryEnv, got, err, lib)
	}
	if got, err := FindLibrary(lib); err != nil || got != lib {
		t.Errorf("FindLibrary(%q) = %q, %v", lib, got, err)
	}
	for _, bad := range []string{filepath.Join(dir, "missing.so"), dir} {
		_, err := FindLibrary(bad)
		if !errors.Is(err, ErrNoLibrary) || !strings.Contains(err.Error(), "npm pack onnxruntime-node@1.30.0") {
			t.Errorf("FindLibrary(%q) error = %v, want ErrNoLibrary saying how to get it", bad, err)
		}
	}
}

func TestJPEGOrientation(t *testing.T) {
	for o := 2; o <= 8; o++ {
		data, err := os.ReadFile(filepath.Join("testdata", "images", "exif"+string(rune('0'+o))+".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if got := jpegOrientation(data); got != o {
			t.Errorf("jpegOrientation(exif%d.jpg) = %d, want %d", o, got, o)
		}
	}
	data, _ := os.ReadFile("testdata/images/rgb420.jpg")
	for _, tc := range []struct {
		name string
		data []byte
	}{{"no exif", data}, {"png", []byte("\x89PNG\r\n\x1a\n")}, {"empty", nil}, {"truncated", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x40}}} {
		if got := jpegOrientation(tc.data); got != 1 {
			t.Errorf("jpegOrientation(%s) = %d, want 1", tc.name, got)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	jpg, _ := os.ReadFile("testdata/images/rgb420.jpg")
	for _, tc := range []struct {
		name string
		data []byte
	}{{"text", []byte("hello")}, {"truncated jpeg", jpg[:len(jpg)/3]}, {"empty", nil}, {"huge jpeg", hugeJPEG(t, jpg)}} {
		if _, err := Decode(tc.data); err == nil {
			t.Errorf("Decode(%s) succeeded, want an error", tc.name)
		}
		if _, err := DINOv2().DecodeCrop(tc.data); err == nil {
			t.Errorf("DecodeCrop(%s) succeeded, want an error", tc.name)
		}
	}
}

// hugeJPEG claims 65535×65535 pixels in the frame header of jpg: decoding must refuse it
// before allocating anything that size.
func hugeJPEG(t *testing.T, jpg []byte) []byte {
	i := bytes.Index(jpg, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 marker in rgb420.jpg")
	}
	huge := bytes.Clone(jpg)
	copy(huge[i+5:], []byte{0xff, 0xff, 0xff, 0xff})
	return huge
}

func FuzzDecode(f *testing.F) {
	for _, name := range []string{"images/rgb420.jpg", "images/exif6.jpg", "images/palette.gif", "images/lossy.webp", "images/grey-alpha.png"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data)
		if err != nil {
			return
		}
		if img.W <= 0 || img.H <= 0 || len(img.Pix) != 3*img.W*img.H {
			t.Fatalf("Decode gave %dx%d with %d bytes", img.W, img.H, len(img.Pix))
		}
		p := DINOv2()
		want := p.Crop(img)
		p.Tensor(make([]float32, 3*224*224), want)
		got, err := p.DecodeCrop(data)
		if err != nil {
			t.Fatalf("Decode succeeded but DecodeCrop failed: %v", err)
		}
		if got.W != want.W || got.H != want.H || !bytes.Equal(got.Pix, want.Pix) {
			t.Fatalf("DecodeCrop differs from Crop(Decode)")
		}
	})
}
