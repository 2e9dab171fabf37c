package quality

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTrustworthinessReference(t *testing.T) {
	var cases []struct {
		Name            string
		Metric          string
		N               int
		HighDim         int `json:"high_dim"`
		LowDim          int `json:"low_dim"`
		High, Low       []float32
		K               []int
		Trustworthiness []float64
	}
	loadCases(t, "trustworthiness.json", &cases)
	if len(cases) == 0 {
		t.Fatal("no cases in trustworthiness.json")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			m := mustMetric(t, c.Metric)
			for i, k := range c.K {
				got, err := Trustworthiness(context.Background(), c.High, c.HighDim, c.Low, c.LowDim, c.N, k, m, NeighborOptions{Threads: 2})
				if err != nil {
					t.Fatalf("Trustworthiness(k %d) error: %v", k, err)
				}
				if math.Abs(got-c.Trustworthiness[i]) > 1e-9 {
					t.Errorf("Trustworthiness(k %d) = %.17g, want %.17g", k, got, c.Trustworthiness[i])
				}
			}
		})
	}
}

// bruteNeighbors ranks all other points of i by distance (ties by index).
func bruteNeighbors(data []float32, n, dim, i int, metric Metric) []int {
	var others []int
	d := make([]float64, n)
	for j := range n {
		if j != i {
			others = append(others, j)
			d[j] = bruteDist(data[i*dim:(i+1)*dim], data[j*dim:(j+1)*dim], metric)
		}
	}
	slices.SortStableFunc(others, func(a, b int) int {
		switch {
		case d[a] < d[b]:
			return -1
		case d[a] > d[b]:
			return 1
		}
		return 0
	})
	return others
}

// bruteNeighborScores computes trustworthiness and recall over the given
// queries by sorting every distance row.
func bruteNeighborScores(high []float32, highDim int, low []float32, lowDim, n, k int, metric Metric, queries []int) (trust, recall float64) {
	var penalty, shared int
	for _, i := range queries {
		hi := bruteNeighbors(high, n, highDim, i, metric)
		lo := bruteNeighbors(low, n, lowDim, i, Euclidean)
		rank := make([]int, n)
		for r, j := range hi {
			rank[j] = r + 1
		}
		for _, j := range lo[:k] {
			if rank[j] > k {
				penalty += rank[j] - k
			}
			if slices.Contains(hi[:k], j) {
				shared++
			}
		}
	}
	m, nf, kf := float64(len(queries)), float64(n), float64(k)
	return 1 - float64(penalty)*2/(m*kf*(2*nf-3*kf-1)), float64(shared) / (m * kf)
}

func TestNeighborPreservationBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	tests := []struct {
		name          string
		n, highDim, k int
		metric        Metric
		queries       int
		quantise      bool // coarse values: many distance ties
	}{
		{"euclidean-exact", 70, 5, 6, Euclidean, 0, false},
		{"cosine-exact", 61, 9, 10, Cosine, 0, false},
		{"euclidean-k1", 30, 3, 1, Euclidean, 0, false},
		{"ties", 50, 2, 7, Euclidean, 0, true},
		{"sampled", 90, 6, 5, Euclidean, 17, false},
		{"sampled-cosine", 80, 4, 12, Cosine, 33, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			high, _ := randomBlobs(rng, tt.n, tt.highDim, 4, 1.5)
			low := make([]float32, tt.n*2)
			for i := range tt.n {
				for d := range 2 {
					low[2*i+d] = high[i*tt.highDim+d] + float32(rng.NormFloat64())
				}
			}
			if tt.quantise {
				for i := range high {
					high[i] = float32(math.Round(float64(high[i])))
				}
				for i := range low {
					low[i] = float32(math.Round(float64(low[i])))
				}
			}
			queries := SampleIndices(tt.n, tt.queries, 4)
			if tt.queries == 0 {
				queries = SampleIndices(tt.n, tt.n, 0)
			}
			wantT, wantR := bruteNeighborScores(high, tt.highDim, low, 2, tt.n, tt.k, tt.metric, queries)
			for _, threads := range []int{1, 3} {
				got, err := NeighborPreservation(context.Background(), high, tt.highDim, low, 2, tt.n, tt.k, tt.metric,
					NeighborOptions{Queries: tt.queries, Seed: 4, Threads: threads})
				if err != nil {
					t.Fatalf("NeighborPreservation(...) error: %v", err)
				}
				if !close(got.Trustworthiness, wantT, 1e-12) || !close(got.Recall, wantR, 1e-12) {
					t.Errorf("NeighborPreservation(threads %d) = %+v, want trustworthiness %.17g, recall %.17g", threads, got, wantT, wantR)
				}
				if got.K != tt.k || got.Queries != len(queries) {
					t.Errorf("NeighborPreservation(...) K, Queries = %d, %d, want %d, %d", got.K, got.Queries, tt.k, len(queries))
				}
			}
		})
	}
}

func TestNeighborPreservationIdentity(t *testing.T) {
	// A layout identical to the data preserves every neighbourhood.
	rng := rand.New(rand.NewPCG(13, 14))
	data, _ := randomBlobs(rng, 100, 2, 3, 1)
	got, err := NeighborPreservation(context.Background(), data, 2, data, 2, 100, 10, Euclidean, NeighborOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Trustworthiness != 1 || got.Recall != 1 {
		t.Errorf("NeighborPreservation(data, data) = %+v, want trustworthiness 1, recall 1", got)
	}
	r, err := NeighborRecall(context.Background(), data, 2, data, 2, 100, 10, Euclidean, NeighborOptions{Queries: 20})
	if err != nil || r != 1 {
		t.Errorf("NeighborRecall(data, data, Queries 20) = %v, %v, want 1, nil", r, err)
	}
}

func TestNeighborPreservationErrors(t *testing.T) {
	data := make([]float32, 10)
	for _, k := range []int{0, 5, 6} {
		if _, err := NeighborPreservation(context.Background(), data, 1, data, 1, 10, k, Euclidean, NeighborOptions{}); err == nil {
			t.Errorf("NeighborPreservation(n 10, k %d) error = nil, want an error", k)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Trustworthiness(ctx, data, 1, data, 1, 10, 2, Euclidean, NeighborOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Trustworthiness(cancelled ctx) error = %v, want context.Canceled", err)
	}
}

func TestNeighborPreservationProgress(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	data, _ := randomBlobs(rng, 100, 3, 3, 1)
	var last, calls int
	opts := NeighborOptions{Queries: 37, Threads: 2, Progress: func(phase string, done, total int) {
		if phase != "neighbors" || total != 37 || done < last || done > total {
			t.Errorf("Progress(%q, %d, %d) after done %d", phase, done, total, last)
		}
		last = done
		calls++
	}}
	if _, err := NeighborPreservation(context.Background(), data, 3, data, 3, 100, 5, Euclidean, opts); err != nil {
		t.Fatal(err)
	}
	if last != 37 || calls == 0 {
		t.Errorf("Progress ended at done %d after %d calls, want 37", last, calls)
	}
}
