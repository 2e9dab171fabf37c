//go:build cgo

package embed

import (
	"context"
	"testing"
)

// BenchmarkRun measures the pipeline over the committed test pictures with the tiny ViT,
// whose inference is cheap: what is left is decoding, preprocessing and the plumbing.
func BenchmarkRun(b *testing.B) {
	needRuntime(b)
	e, err := Open(Options{Model: tinyViT})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var items []Item
	for _, it := range testItems(b) {
		if it.Key != "broken" {
			items = append(items, it)
		}
	}
	for b.Loop() {
		err := Run(context.Background(), e, feed(b, items), RunOptions{Batch: 16},
			func(string, []float32) error { return nil }, func(string, error) {})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "images/s")
}

func BenchmarkEmbedTinyViT(b *testing.B) {
	needRuntime(b)
	e, err := Open(Options{Model: tinyViT})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	px := make([]float32, 16*3*224*224)
	for b.Loop() {
		if _, err := e.Embed(context.Background(), px, 16); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(16*b.N)/b.Elapsed().Seconds(), "images/s")
}
