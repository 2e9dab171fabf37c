package hdbscan

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// layout2D is a synthetic stand-in for a UMAP layout: n points in 2-D
// around 30 centres of various sizes, spreads and elongations, with 5 %
// uniform background.
func layout2D(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	type centre struct{ x, y, sx, sy, rot float64 }
	cs := make([]centre, 30)
	for i := range cs {
		cs[i] = centre{r.Float64() * 20, r.Float64() * 20, 0.1 + r.Float64()*0.6, 0.1 + r.Float64()*0.6, r.Float64() * math.Pi}
	}
	out := make([]float32, 2*n)
	for i := range n {
		if r.Float64() < 0.05 {
			out[2*i], out[2*i+1] = float32(r.Float64()*22-1), float32(r.Float64()*22-1)
			continue
		}
		c := cs[int(math.Sqrt(r.Float64())*float64(len(cs)))]
		u, v := r.NormFloat64()*c.sx, r.NormFloat64()*c.sy
		s, co := math.Sincos(c.rot)
		out[2*i] = float32(c.x + co*u - s*v)
		out[2*i+1] = float32(c.y + s*u + co*v)
	}
	return out
}

func BenchmarkCluster2D(b *testing.B) {
	const n = 70000
	data := layout2D(n, 1)
	opts := Options{MinClusterSize: 177, MinSamples: 5}
	for b.Loop() {
		if _, err := Cluster(context.Background(), data, n, 2, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildTree2D(b *testing.B) {
	const n = 70000
	data := layout2D(n, 1)
	opts := Options{MinSamples: 5}
	for b.Loop() {
		if _, err := BuildTree(context.Background(), data, n, 2, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTreeCluster(b *testing.B) {
	const n = 70000
	data := layout2D(n, 1)
	t, err := BuildTree(context.Background(), data, n, 2, Options{MinSamples: 5})
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{MinClusterSize: 177}
	for b.Loop() {
		if _, err := t.Cluster(opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPrimDense(b *testing.B) {
	const n, dim = 3000, 256
	r := rand.New(rand.NewPCG(2, 2))
	data := randomData(r, n, dim, 0)
	opts := Options{MinSamples: 5, Metric: Cosine, MST: Exact}
	for b.Loop() {
		if _, err := BuildTree(context.Background(), data, n, dim, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweep is the notebook's sweep (min_cluster_size 2, 7, …, 197,
// min_samples 5) on 70,000 2-D points, silhouette excluded.
func BenchmarkSweep(b *testing.B) {
	const n = 70000
	data := layout2D(n, 1)
	var sizes []int
	for m := 2; m < 200; m += 5 {
		sizes = append(sizes, m)
	}
	for b.Loop() {
		if _, err := Sweep(context.Background(), data, n, 2, sizes, []int{5}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
