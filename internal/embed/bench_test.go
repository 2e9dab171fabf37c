package embed

import (
	"os"
	"testing"
)

// benchJPEG is a social-media-sized JPEG (1080 pixels long side) when the embedding
// benchmark's pictures exist, else a committed photograph.
func benchJPEG(b *testing.B) []byte {
	b.Helper()
	for _, p := range []string{"../../bench/out/embed/images/img00000.jpg", "testdata/photos/astronaut.jpg"} {
		if data, err := os.ReadFile(p); err == nil {
			return data
		}
	}
	b.Skip("no JPEG to decode")
	return nil
}

func BenchmarkDecodeJPEG(b *testing.B) {
	data := benchJPEG(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPreprocess(b *testing.B) {
	img, err := Decode(benchJPEG(b))
	if err != nil {
		b.Fatal(err)
	}
	p := DINOv2()
	dst := make([]float32, 3*224*224)
	for b.Loop() {
		p.Tensor(dst, p.Crop(img))
	}
}

func BenchmarkDecodeAndPreprocess(b *testing.B) {
	data := benchJPEG(b)
	p := DINOv2()
	dst := make([]float32, 3*224*224)
	for b.Loop() {
		img, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		p.Tensor(dst, p.Crop(img))
	}
}

// BenchmarkDecodeCrop is the pipeline's path: decode only what the resize and centre crop
// read, then the tensor.
func BenchmarkDecodeCrop(b *testing.B) {
	data := benchJPEG(b)
	p := DINOv2()
	dst := make([]float32, 3*224*224)
	for b.Loop() {
		img, err := p.DecodeCrop(data)
		if err != nil {
			b.Fatal(err)
		}
		p.Tensor(dst, img)
	}
}
