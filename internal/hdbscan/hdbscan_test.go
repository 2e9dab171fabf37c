package hdbscan

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSweepMatchesCluster checks that re-condensing one tree gives what a
// fresh Cluster gives, for every setting of a sweep.
func TestSweepMatchesCluster(t *testing.T) {
	data, n, dim := loadCSV(t, "umap_digits.csv")
	sizes := []int{5, 15, 40}
	samples := []int{3, 0}
	rows, err := Sweep(context.Background(), data, n, dim, sizes, samples, Options{Selection: EOM})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(sizes)*len(samples) {
		t.Fatalf("Sweep(...) returned %d rows, want %d", len(rows), len(sizes)*len(samples))
	}
	i := 0
	for _, ms := range samples {
		for _, mcs := range sizes {
			r := rows[i]
			i++
			want, err := Cluster(context.Background(), data, n, dim, Options{MinClusterSize: mcs, MinSamples: ms})
			if err != nil {
				t.Fatal(err)
			}
			wantMS := ms
			if ms == 0 {
				wantMS = mcs
			}
			if r.MinClusterSize != mcs || r.MinSamples != wantMS {
				t.Errorf("Sweep(...) row %d is (%d, %d), want (%d, %d)", i-1, r.MinClusterSize, r.MinSamples, mcs, wantMS)
			}
			if !slices.Equal(r.Labels, want.Labels) {
				t.Errorf("Sweep(...) mcs %d ms %d labels differ from Cluster(...)", mcs, ms)
			}
			noise := 0
			var pers float64
			for _, l := range want.Labels {
				if l < 0 {
					noise++
				}
			}
			for _, c := range want.Clusters {
				pers += c.Persistence
			}
			if r.Clusters != len(want.Clusters) || r.NoiseFraction != float64(noise)/float64(n) ||
				!closeTo(r.MeanPersistence, pers/float64(len(want.Clusters)), 1e-12) || r.RelativeValidity != want.RelativeValidity {
				t.Errorf("Sweep(...) row %+v disagrees with Cluster(...): %d clusters, %d noise", r, len(want.Clusters), noise)
			}
		}
	}
}

func TestNonFiniteRows(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	n, dim := 300, 2
	data := randomData(r, n, dim, 0)
	bad := []int{3, 100, 299}
	for _, i := range bad {
		data[i*dim] = float32(math.NaN())
	}
	data[50*dim+1] = float32(math.Inf(1))
	bad = append(bad, 50)
	res, err := Cluster(context.Background(), data, n, dim, Options{MinClusterSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	var clean []float32
	for i := range n {
		if !slices.Contains(bad, i) {
			clean = append(clean, data[i*dim:(i+1)*dim]...)
		}
	}
	want, err := Cluster(context.Background(), clean, n-len(bad), dim, Options{MinClusterSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	j := 0
	for i := range n {
		if slices.Contains(bad, i) {
			if res.Labels[i] != -1 || res.Probabilities[i] != 0 {
				t.Errorf("Cluster(...) non-finite row %d: label %d, prob %v; want -1, 0", i, res.Labels[i], res.Probabilities[i])
			}
			continue
		}
		if res.Labels[i] != want.Labels[j] || res.Probabilities[i] != want.Probabilities[j] {
			t.Errorf("Cluster(...) row %d: label %d, want %d", i, res.Labels[i], want.Labels[j])
		}
		j++
	}
}

func TestErrors(t *testing.T) {
	data := []float32{0, 0, 1, 1, 2, 2, 3, 3, 4, 4}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"min cluster size 1", Options{MinClusterSize: 1}, "min cluster size"},
		{"negative min samples", Options{MinSamples: -1}, "min samples"},
		{"min samples too large", Options{MinClusterSize: 2, MinSamples: 5}, "needs more than"},
		{"negative alpha", Options{Alpha: -1}, "alpha"},
		{"negative epsilon", Options{MinClusterSize: 2, MinSamples: 1, Epsilon: -0.5}, "epsilon"},
		{"bad selection", Options{MinClusterSize: 2, MinSamples: 1, Selection: 7}, "selection"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Cluster(context.Background(), data, 5, 2, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Cluster(...) error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := randomData(rand.New(rand.NewPCG(1, 1)), 5000, 2, 0)
	if _, err := Cluster(ctx, big, 5000, 2, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Cluster(cancelled ctx) error = %v, want context.Canceled", err)
	}
}

// TestDegenerate covers inputs without structure: all points identical,
// two points, and a min_cluster_size larger than half the data.
func TestDegenerate(t *testing.T) {
	same := make([]float32, 40)
	for i := range same {
		same[i] = 1.5
	}
	res, err := Cluster(context.Background(), same, 20, 2, Options{MinClusterSize: 5, MinSamples: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.MSTWeight != 0 {
		t.Errorf("Cluster(identical points) MSTWeight = %v, want 0", res.MSTWeight)
	}
	for _, c := range res.Clusters {
		if c.Persistence != 1 {
			t.Errorf("Cluster(identical points) persistence = %v, want 1 (λ = ∞)", c.Persistence)
		}
	}
	res, err = Cluster(context.Background(), []float32{0, 0, 3, 4}, 2, 2, Options{MinClusterSize: 2, MinSamples: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.MSTWeight != 5 || len(res.Clusters) != 0 || !slices.Equal(res.Labels, []int32{-1, -1}) {
		t.Errorf("Cluster(2 points) = weight %v, labels %v; want 5, [-1 -1]", res.MSTWeight, res.Labels)
	}
	r := rand.New(rand.NewPCG(9, 9))
	data := randomData(r, 100, 2, 0)
	for _, single := range []bool{false, true} {
		res, err = Cluster(context.Background(), data, 100, 2, Options{MinClusterSize: 60, AllowSingleCluster: single})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if single {
			want = 1
		}
		if len(res.Clusters) != want {
			t.Errorf("Cluster(mcs 60 of 100, single %v) has %d clusters, want %d", single, len(res.Clusters), want)
		}
	}
}

// TestProgress checks that progress reaches the end of each phase and never
// overlaps.
func TestProgress(t *testing.T) {
	data := layout2D(5000, 3)
	var inside, overlap bool
	last := map[string][2]int{}
	opts := Options{MinClusterSize: 20, Threads: 4, Progress: func(phase string, done, total int) {
		if inside {
			overlap = true
		}
		inside = true
		last[phase] = [2]int{done, total}
		inside = false
	}}
	if _, err := Cluster(context.Background(), data, 5000, 2, opts); err != nil {
		t.Fatal(err)
	}
	if overlap {
		t.Errorf("Progress calls overlapped")
	}
	for _, ph := range []string{"core", "mst", "tree", "select"} {
		if p, ok := last[ph]; !ok || p[0] != p[1] {
			t.Errorf("Progress(%q) last reported %v, want done == total", ph, p)
		}
	}
}

// TestThreadsDoNotChangeResult runs the same clustering on 1 and 4 threads.
func TestThreadsDoNotChangeResult(t *testing.T) {
	data := layout2D(20000, 4)
	a, err := Cluster(context.Background(), data, 20000, 2, Options{MinClusterSize: 50, MinSamples: 5, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Cluster(context.Background(), data, 20000, 2, Options{MinClusterSize: 50, MinSamples: 5, Threads: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Labels, b.Labels) || !slices.Equal(a.Probabilities, b.Probabilities) || a.MSTWeight != b.MSTWeight {
		t.Errorf("Cluster(Threads 4) differs from Cluster(Threads 1)")
	}
	if len(a.Clusters) < 5 {
		t.Errorf("Cluster(layout) found %d clusters; want a layout with structure", len(a.Clusters))
	}
}
