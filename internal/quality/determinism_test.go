package quality

import (
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Every score must be bitwise identical whatever the thread count.
func TestThreadCountInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	const n, dim = 301, 6
	data, labels := randomBlobs(rng, n, dim, 5, 1.5)
	low, _ := randomBlobs(rng, n, 2, 5, 1.5)
	ctx := context.Background()
	var sil [][]float64
	var nb []NeighborScores
	var dbcv []Validity
	for _, threads := range []int{1, 2, 7} {
		s, err := SilhouetteSamples(ctx, data, n, dim, labels, Cosine, SilhouetteOptions{Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		sil = append(sil, s)
		p, err := NeighborPreservation(ctx, data, dim, low, 2, n, 9, Euclidean, NeighborOptions{Threads: threads, Queries: 50, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		nb = append(nb, p)
		v, err := DBCV(ctx, data, n, dim, labels, Euclidean, DBCVOptions{Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		dbcv = append(dbcv, v)
	}
	for x := 1; x < len(sil); x++ {
		if !slices.Equal(sil[x], sil[0]) {
			t.Errorf("SilhouetteSamples(...) differs between thread counts")
		}
		if nb[x] != nb[0] {
			t.Errorf("NeighborPreservation(...) = %+v and %+v for different thread counts", nb[x], nb[0])
		}
		if dbcv[x].Score != dbcv[0].Score || !maps.Equal(dbcv[x].Clusters, dbcv[0].Clusters) {
			t.Errorf("DBCV(...) = %+v and %+v for different thread counts", dbcv[x], dbcv[0])
		}
	}
}

// Sampled neighbourhood scores estimate the exact ones without bias.
func TestNeighborPreservationSampledMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n, dim, k = 400, 8, 10
	high, _ := randomBlobs(rng, n, dim, 6, 2)
	low := make([]float32, 2*n)
	for i := range n {
		low[2*i] = high[i*dim] + float32(rng.NormFloat64())
		low[2*i+1] = high[i*dim+1] + float32(rng.NormFloat64())
	}
	ctx := context.Background()
	exact, err := NeighborPreservation(ctx, high, dim, low, 2, n, k, Euclidean, NeighborOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const seeds = 30
	var meanT, meanR, sqT float64
	for s := range seeds {
		p, err := NeighborPreservation(ctx, high, dim, low, 2, n, k, Euclidean, NeighborOptions{Queries: 60, Seed: int64(s)})
		if err != nil {
			t.Fatal(err)
		}
		if p.Queries != 60 {
			t.Fatalf("NeighborPreservation(Queries 60).Queries = %d", p.Queries)
		}
		meanT += p.Trustworthiness / seeds
		meanR += p.Recall / seeds
		sqT += p.Trustworthiness * p.Trustworthiness / seeds
	}
	sdT := math.Sqrt(math.Max(0, sqT-meanT*meanT))
	// Sampling without replacement from 400: the mean of 30 draws lies
	// within 4 standard errors of the exact value.
	if math.Abs(meanT-exact.Trustworthiness) > 4*sdT/math.Sqrt(seeds) {
		t.Errorf("mean sampled trustworthiness = %v (sd %v), want about %v", meanT, sdT, exact.Trustworthiness)
	}
	if math.Abs(meanR-exact.Recall) > 0.03 {
		t.Errorf("mean sampled recall = %v, want about %v", meanR, exact.Recall)
	}
}

func TestAgreementExtremeLabels(t *testing.T) {
	a := []int32{math.MinInt32, math.MinInt32, 0, 0, math.MaxInt32, math.MaxInt32, -1}
	b := []int32{7, 7, 8, 8, 9, 9, 10}
	for _, s := range []struct {
		name string
		fn   func(a, b []int32) float64
	}{
		{"AdjustedRand", AdjustedRand},
		{"AdjustedMutualInfo", AdjustedMutualInfo},
		{"NormalizedMutualInfo", NormalizedMutualInfo},
	} {
		if got := s.fn(a, b); !close(got, 1, 1e-12) {
			t.Errorf("%s(renamed labels) = %v, want 1", s.name, got)
		}
	}
}
