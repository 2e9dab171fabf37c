package umap

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"

	"motif/internal/knn"
)

// benchGraph returns the pruned fuzzy graph of the first n Fashion-MNIST
// test images (cosine, k = 20) and its exact edge-sample count per epoch.
func benchGraph(b testing.TB, n int) (*sparseGraph, float64) {
	x := loadFashion(b, n)
	kg, err := knn.Build(context.Background(), x, n, 784, 20, knn.Options{Metric: knn.Cosine, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	sigmas, rhos := smoothKNNDist(kg.Dists, n, 20, 20, 1, 0)
	g := fuzzyUnion(membershipGraph(kg.Indices, kg.Dists, n, 20, sigmas, rhos, 2), 1, 2)
	var wmax float32
	for _, w := range g.weights {
		wmax = max(wmax, w)
	}
	g = prune(g, float64(wmax)/200, 2)
	var samples float64
	for _, w := range g.weights {
		samples += float64(w / wmax)
	}
	return g, samples
}

// BenchmarkLayoutEpochs times 20 SGD epochs on 10,000 Fashion-MNIST images
// on one thread, for a 2-d map and a 5-d clustering layout, and reports the
// cost per edge sample (two attractive steps and about five negative
// samples).
func BenchmarkLayoutEpochs(b *testing.B) {
	const n, epochs = 10000, 20
	g, samples := benchGraph(b, n)
	a, bb := FindAB(1, 0)
	for _, dim := range []int{2, 5} {
		b.Run(fmt.Sprintf("dim=%d", dim), func(b *testing.B) {
			y := make([]float32, dim*n)
			for i := range y {
				y[i] = float32(i%1000) / 100
			}
			cpu0 := cpuTime()
			for b.Loop() {
				l := newLayout(g, dim, a, bb, 1, 1, 5, 200, 1, 1)
				l.nEpochs = epochs
				if err := l.run(context.Background(), y, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(samples*epochs), "ns/sample")
			b.ReportMetric((cpuTime()-cpu0)/float64(b.N)/(samples*epochs), "cpu-ns/sample")
		})
	}
}

// cpuTime returns the process's user CPU time in nanoseconds, a steadier
// measure than wall time on a shared machine.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano())
}

// BenchmarkSpectral times the spectral initialisation of 10,000
// Fashion-MNIST images.
func BenchmarkSpectral(b *testing.B) {
	g, _ := benchGraph(b, 10000)
	cpu0 := cpuTime()
	for b.Loop() {
		if _, ok, err := spectralLayout(context.Background(), g, 2, spectralInput{}, rand.New(rand.NewPCG(1, 1)), 1); err != nil || !ok {
			b.Fatalf("spectralLayout(...) ok = %v, err = %v", ok, err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0)/float64(b.N)/1e9, "cpu-s/op")
}
