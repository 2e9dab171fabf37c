package quality

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSilhouetteReference(t *testing.T) {
	var cases []struct {
		Name    string
		Metric  string
		N, Dim  int
		Data    []float32
		Labels  []int32
		Score   float64
		Samples []float64
	}
	loadCases(t, "silhouette.json", &cases)
	if len(cases) == 0 {
		t.Fatal("no cases in silhouette.json")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			m := mustMetric(t, c.Metric)
			for _, threads := range []int{1, 3} {
				opts := SilhouetteOptions{Threads: threads}
				got, err := Silhouette(context.Background(), c.Data, c.N, c.Dim, c.Labels, m, opts)
				if err != nil {
					t.Fatalf("Silhouette(...) error: %v", err)
				}
				if !close(got, c.Score, 1e-9) {
					t.Errorf("Silhouette(threads %d) = %.17g, want %.17g", threads, got, c.Score)
				}
				samples, err := SilhouetteSamples(context.Background(), c.Data, c.N, c.Dim, c.Labels, m, opts)
				if err != nil {
					t.Fatalf("SilhouetteSamples(...) error: %v", err)
				}
				for i := range samples {
					if !close(samples[i], c.Samples[i], 1e-9) {
						t.Errorf("SilhouetteSamples(threads %d)[%d] = %.17g, want %.17g", threads, i, samples[i], c.Samples[i])
					}
				}
			}
		})
	}
}

// bruteSilhouette scores every point straight from the definition.
func bruteSilhouette(data []float32, n, dim int, labels []int32, metric Metric) []float64 {
	out := make([]float64, n)
	for i := range n {
		sums := map[int32]float64{}
		sizes := map[int32]int{}
		for j := range n {
			sizes[labels[j]]++
			if j != i {
				sums[labels[j]] += bruteDist(data[i*dim:(i+1)*dim], data[j*dim:(j+1)*dim], metric)
			}
		}
		own := labels[i]
		if sizes[own] == 1 {
			continue
		}
		a := sums[own] / float64(sizes[own]-1)
		b := math.Inf(1)
		for l, s := range sums {
			if l != own {
				b = math.Min(b, s/float64(sizes[l]))
			}
		}
		if d := math.Max(a, b); d > 0 {
			out[i] = (b - a) / d
		}
	}
	return out
}

func TestSilhouetteBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name              string
		n, dim, k         int
		metric            Metric
		singletons, noise bool
	}{
		{"1d-euclidean", 37, 1, 3, Euclidean, false, false},
		{"2d-euclidean", 90, 2, 5, Euclidean, true, false},
		{"2d-cosine", 64, 2, 4, Cosine, false, true},
		{"3d-euclidean-noise", 50, 3, 2, Euclidean, false, true},
		{"7d-euclidean", 41, 7, 6, Euclidean, true, false},
		{"9d-cosine", 55, 9, 3, Cosine, true, false},
		{"33d-cosine", 40, 33, 2, Cosine, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, labels := randomBlobs(rng, tt.n, tt.dim, tt.k, 2)
			if tt.singletons {
				labels[0], labels[1] = 100, 101
			}
			if tt.noise {
				for i := range 6 {
					labels[i+2] = -1
				}
			}
			want := bruteSilhouette(data, tt.n, tt.dim, labels, tt.metric)
			for _, threads := range []int{1, 2, 5} {
				got, err := SilhouetteSamples(context.Background(), data, tt.n, tt.dim, labels, tt.metric, SilhouetteOptions{Threads: threads})
				if err != nil {
					t.Fatalf("SilhouetteSamples(...) error: %v", err)
				}
				for i := range got {
					if !close(got[i], want[i], 1e-12) {
						t.Fatalf("SilhouetteSamples(threads %d)[%d] = %.17g, want %.17g", threads, i, got[i], want[i])
					}
				}
			}
		})
	}
}

func TestSilhouetteLabelCount(t *testing.T) {
	data := []float32{0, 1, 2, 3}
	tests := []struct {
		name    string
		labels  []int32
		wantErr bool
	}{
		{"one label", []int32{5, 5, 5, 5}, true},
		{"every point its own label", []int32{0, 1, 2, 3}, true},
		{"two labels", []int32{0, 0, 1, 1}, false},
		{"n-1 labels", []int32{0, 1, 2, 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Silhouette(context.Background(), data, 4, 1, tt.labels, Euclidean, SilhouetteOptions{})
			if (err != nil) != tt.wantErr {
				t.Errorf("Silhouette(labels %v) error = %v, want error %v", tt.labels, err, tt.wantErr)
			}
		})
	}
	if _, err := SilhouetteSamples(context.Background(), data, 4, 1, []int32{0, 0, 1, 1}, Euclidean, SilhouetteOptions{SampleSize: 2}); err == nil {
		t.Error("SilhouetteSamples(SampleSize 2) error = nil, want an error")
	}
}

func TestSilhouetteSampled(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, dim = 1500, 2
	data, labels := randomBlobs(rng, n, dim, 6, 3)
	ctx := context.Background()
	full, err := Silhouette(ctx, data, n, dim, labels, Euclidean, SilhouetteOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// A sample scores exactly the subset SampleIndices selects.
	idx := SampleIndices(n, 200, 9)
	sd, sl := gather(data, dim, labels, idx)
	want, err := Silhouette(ctx, sd, len(idx), dim, sl, Euclidean, SilhouetteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Silhouette(ctx, data, n, dim, labels, Euclidean, SilhouetteOptions{SampleSize: 200, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Silhouette(SampleSize 200, Seed 9) = %v, want %v (the subset's exact score)", got, want)
	}

	// SampleSize ≥ n is the exact score.
	if got, _ := Silhouette(ctx, data, n, dim, labels, Euclidean, SilhouetteOptions{SampleSize: n}); got != full {
		t.Errorf("Silhouette(SampleSize n) = %v, want %v", got, full)
	}

	// Statistically: sampled scores scatter around the exact one.
	const seeds, size = 40, 300
	var mean, sq float64
	for s := range seeds {
		v, err := Silhouette(ctx, data, n, dim, labels, Euclidean, SilhouetteOptions{SampleSize: size, Seed: int64(s)})
		if err != nil {
			t.Fatal(err)
		}
		mean += v / seeds
		sq += v * v / seeds
	}
	sd2 := math.Sqrt(math.Max(0, sq-mean*mean))
	// The standard error of the mean of 40 draws is sd/√40; allow 4 of them
	// plus the small bias of a subsample's own cluster means.
	if math.Abs(mean-full) > 4*sd2/math.Sqrt(seeds)+0.01 {
		t.Errorf("mean of %d sampled Silhouette(SampleSize %d) = %v (sd %v), want about %v", seeds, size, mean, sd2, full)
	}
	if sd2 == 0 {
		t.Errorf("sampled Silhouette(...) gave the same value for every seed")
	}
}

func TestSampleIndices(t *testing.T) {
	tests := []struct {
		name      string
		n, size   int
		wantLen   int
		seed      int64
		otherSeed int64
	}{
		{"subset", 100, 10, 10, 1, 2},
		{"all", 20, 20, 20, 5, 6},
		{"more than n", 7, 50, 7, 0, 1},
		{"none", 7, 0, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SampleIndices(tt.n, tt.size, tt.seed)
			if len(got) != tt.wantLen {
				t.Fatalf("SampleIndices(%d, %d, %d) has %d indices, want %d", tt.n, tt.size, tt.seed, len(got), tt.wantLen)
			}
			seen := map[int]bool{}
			for _, i := range got {
				if i < 0 || i >= tt.n || seen[i] {
					t.Fatalf("SampleIndices(%d, %d, %d) = %v, want distinct indices in [0, %d)", tt.n, tt.size, tt.seed, got, tt.n)
				}
				seen[i] = true
			}
			if again := SampleIndices(tt.n, tt.size, tt.seed); !slices.Equal(got, again) {
				t.Errorf("SampleIndices(%d, %d, %d) = %v then %v, want the same", tt.n, tt.size, tt.seed, got, again)
			}
			if tt.size > 1 && tt.size < tt.n {
				if other := SampleIndices(tt.n, tt.size, tt.otherSeed); slices.Equal(got, other) {
					t.Errorf("SampleIndices with seeds %d and %d both = %v", tt.seed, tt.otherSeed, got)
				}
			}
		})
	}

	// Uniformity: over many seeds each index is drawn about equally often.
	const n, size, draws = 50, 5, 4000
	counts := make([]int, n)
	for s := range draws {
		for _, i := range SampleIndices(n, size, int64(s)) {
			counts[i]++
		}
	}
	expect := float64(draws*size) / n
	var chi2 float64
	for _, c := range counts {
		chi2 += (float64(c) - expect) * (float64(c) - expect) / expect
	}
	// 49 degrees of freedom: P(χ² > 90) < 1e-3.
	if chi2 > 90 {
		t.Errorf("SampleIndices index counts have χ² = %.1f over %d indices, want < 90 (counts %v)", chi2, n, counts)
	}
}

func TestWithoutNoise(t *testing.T) {
	data := []float32{0, 0, 1, 1, 2, 2, 3, 3}
	labels := []int32{-1, 4, -1, 2}
	gotData, gotLabels := WithoutNoise(data, 2, labels)
	if want := []float32{1, 1, 3, 3}; !slices.Equal(gotData, want) {
		t.Errorf("WithoutNoise(...) data = %v, want %v", gotData, want)
	}
	if want := []int32{4, 2}; !slices.Equal(gotLabels, want) {
		t.Errorf("WithoutNoise(...) labels = %v, want %v", gotLabels, want)
	}
}

func TestSilhouetteCancelAndProgress(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	data, labels := randomBlobs(rng, 200, 3, 3, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Silhouette(ctx, data, 200, 3, labels, Euclidean, SilhouetteOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Silhouette(cancelled ctx) error = %v, want context.Canceled", err)
	}
	var last, calls int
	opts := SilhouetteOptions{Threads: 2, Progress: func(phase string, done, total int) {
		if phase != "silhouette" || total != 200 || done < last || done > total {
			t.Errorf("Progress(%q, %d, %d) after done %d", phase, done, total, last)
		}
		last = done
		calls++
	}}
	if _, err := Silhouette(context.Background(), data, 200, 3, labels, Euclidean, opts); err != nil {
		t.Fatal(err)
	}
	if last != 200 || calls == 0 {
		t.Errorf("Progress ended at done %d after %d calls, want 200", last, calls)
	}
}

func TestSilhouetteInvariance(t *testing.T) {
	// Shuffling the points shuffles the scores; renaming labels changes
	// nothing; every score lies in [−1, 1].
	rng := rand.New(rand.NewPCG(27, 28))
	const n, dim = 140, 3
	data, labels := randomBlobs(rng, n, dim, 4, 2.5)
	labels[5] = 99 // a singleton
	ctx := context.Background()
	want, err := SilhouetteSamples(ctx, data, n, dim, labels, Euclidean, SilhouetteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	perm := rng.Perm(n)
	pd := make([]float32, 0, n*dim)
	pl := make([]int32, 0, n)
	for _, i := range perm {
		pd = append(pd, data[i*dim:(i+1)*dim]...)
		pl = append(pl, -3*labels[i]+1)
	}
	got, err := SilhouetteSamples(ctx, pd, n, dim, pl, Euclidean, SilhouetteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for x, i := range perm {
		if !close(got[x], want[i], 1e-12) {
			t.Errorf("SilhouetteSamples(shuffled)[%d] = %v, want %v", x, got[x], want[i])
		}
		if got[x] < -1 || got[x] > 1 {
			t.Errorf("SilhouetteSamples(...)[%d] = %v, want a value in [-1, 1]", x, got[x])
		}
	}
	if want[5] != 0 {
		t.Errorf("SilhouetteSamples(...)[5] (a singleton) = %v, want 0", want[5])
	}
}
