package jpeg

import (
	"image"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode checks that no input makes Decode panic, loop or return a picture whose
// pixel buffer does not match its size, with and without a region.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("testdata/*.jpg")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []*Options{{MaxPixels: 1 << 20}, {MaxPixels: 1 << 20, Region: image.Rect(3, 5, 40, 31)}} {
			m, err := Decode(data, opts)
			if err != nil {
				continue
			}
			if m.Width <= 0 || m.Height <= 0 || len(m.Pix) != m.Width*m.Height*m.Channels {
				t.Fatalf("Decode returned %d samples for %dx%d×%d", len(m.Pix), m.Width, m.Height, m.Channels)
			}
		}
		if cfg, err := DecodeConfig(data); err == nil && (cfg.Width <= 0 || cfg.Height <= 0) {
			t.Fatalf("DecodeConfig = %+v without an error", cfg)
		}
	})
}
