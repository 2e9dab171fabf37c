package embed

import (
	"os"
	"testing"
	"time"
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
	defer reportCPU(b, processCPU())
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

// reportCPU adds the process's CPU time per operation since start, in milliseconds: on a
// shared machine it moves far less than the wall-clock ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	if c := processCPU(); c > 0 {
		b.ReportMetric(float64((c-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

func BenchmarkDecodeAndPreprocess(b *testing.B) {
	data := benchJPEG(b)
	p := DINOv2()
	dst := make([]float32, 3*224*224)
	defer reportCPU(b, processCPU())
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
	defer reportCPU(b, processCPU())
	for b.Loop() {
		img, err := p.DecodeCrop(data)
		if err != nil {
			b.Fatal(err)
		}
		p.Tensor(dst, img)
	}
}
