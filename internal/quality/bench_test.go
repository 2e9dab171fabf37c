package quality

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

func BenchmarkSilhouette(b *testing.B) {
	for _, bc := range []struct {
		n, dim, k, sample int
		metric            Metric
		float32           bool
	}{
		{20_000, 2, 40, 0, Euclidean, false},
		{40_000, 2, 400, 0, Euclidean, false},
		{5_000, 768, 20, 0, Cosine, false},
		{5_000, 768, 20, 0, Cosine, true},
		{40_000, 768, 20, 3_000, Cosine, false},
	} {
		b.Run(fmt.Sprintf("n=%d/dim=%d/%v/sample=%d/float32=%v", bc.n, bc.dim, bc.metric, bc.sample, bc.float32), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			data, labels := randomBlobs(rng, bc.n, bc.dim, bc.k, 2)
			opts := SilhouetteOptions{SampleSize: bc.sample, Float32: bc.float32}
			for b.Loop() {
				if _, err := Silhouette(context.Background(), data, bc.n, bc.dim, labels, bc.metric, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNeighborPreservation(b *testing.B) {
	for _, bc := range []struct {
		n, dim, k, queries int
		float32            bool
	}{
		{5_000, 768, 15, 0, false},
		{20_000, 768, 15, 1_000, false},
		{20_000, 768, 15, 1_000, true},
	} {
		b.Run(fmt.Sprintf("n=%d/dim=%d/k=%d/queries=%d/float32=%v", bc.n, bc.dim, bc.k, bc.queries, bc.float32), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(2, 2))
			high, _ := randomBlobs(rng, bc.n, bc.dim, 20, 2)
			low, _ := randomBlobs(rng, bc.n, 2, 20, 2)
			opts := NeighborOptions{Queries: bc.queries, Float32: bc.float32}
			for b.Loop() {
				if _, err := NeighborPreservation(context.Background(), high, bc.dim, low, 2, bc.n, bc.k, Cosine, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAdjustedMutualInfo(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	const n = 40_000
	a := make([]int32, n)
	c := make([]int32, n)
	for i := range a {
		a[i] = int32(rng.IntN(200)) - 1
		c[i] = a[i]
		if rng.Float64() < 0.3 {
			c[i] = int32(rng.IntN(250)) - 1
		}
	}
	for b.Loop() {
		AdjustedMutualInfo(a, c)
	}
}

func BenchmarkDBCV(b *testing.B) {
	for _, bc := range []struct {
		n, dim, k int
	}{
		{20_000, 2, 40},
		{5_000, 2, 2},
	} {
		b.Run(fmt.Sprintf("n=%d/dim=%d/clusters=%d", bc.n, bc.dim, bc.k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(4, 4))
			data, labels := randomBlobs(rng, bc.n, bc.dim, bc.k, 1)
			for b.Loop() {
				if _, err := DBCV(context.Background(), data, bc.n, bc.dim, labels, Euclidean, DBCVOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
