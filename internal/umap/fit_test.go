package umap

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"motif/internal/knn"
	"motif/internal/quality"
)

// fashionImages is Debian's dataset-fashion-mnist; tests that need it skip
// when it is not installed (CI installs it).
const fashionImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"

// loadFashion returns the first n test images as pixels / 255.
func loadFashion(t testing.TB, n int) []float32 {
	t.Helper()
	f, err := os.Open(fashionImages)
	if err != nil {
		t.Skipf("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 16+n*784)
	if _, err := io.ReadFull(zr, b); err != nil {
		t.Fatal(err)
	}
	out := make([]float32, n*784)
	for i := range out {
		out[i] = float32(b[16+i]) / 255
	}
	return out
}

func floatBytes(x []float32) []byte {
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, x)
	return buf.Bytes()
}

// TestFitFashionQuality lays out 2,000 Fashion-MNIST images with the
// notebook's parameters and compares trustworthiness@15 with umap-learn's
// on the same input (testdata/fashion_quality.json).
func TestFitFashionQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out 2,000 points")
	}
	const n = 2000
	x := loadFashion(t, n)
	var ref struct {
		Runs []struct {
			RandomState     int64   `json:"random_state"`
			Trustworthiness float64 `json:"trustworthiness"`
		} `json:"runs"`
	}
	b, err := os.ReadFile("testdata/fashion_quality.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	var want float64
	for _, r := range ref.Runs {
		want += r.Trustworthiness / float64(len(ref.Runs))
	}
	ctx := context.Background()
	var phases []string
	opts := Options{NNeighbors: 20, Metric: knn.Cosine, Seed: 42, Progress: func(p string, done, total int) {
		if done == total && (len(phases) == 0 || phases[len(phases)-1] != p) {
			phases = append(phases, p)
		}
	}}
	res, err := Fit(ctx, x, n, 784, opts)
	if err != nil {
		t.Fatalf("Fit(...) error: %v", err)
	}
	if res.NEpochs != 500 || res.Components != 1 || res.Init != "spectral" || res.Dim != 2 {
		t.Errorf("Fit(...) = NEpochs %d, Components %d, Init %q, Dim %d; want 500, 1, spectral, 2", res.NEpochs, res.Components, res.Init, res.Dim)
	}
	tw, err := quality.Trustworthiness(ctx, x, 784, res.Embedding, 2, n, 15, quality.Cosine, quality.NeighborOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trustworthiness@15 = %.4f (umap-learn mean over 3 seeds %.4f)", tw, want)
	if tw < want-0.01 {
		t.Errorf("Fit(...) trustworthiness@15 = %.4f, want ≥ %.4f (umap-learn %.4f − 0.01)", tw, want-0.01, want)
	}
	if got := strings.Join(phases[:4], ","); got != "knn,graph,init,epochs" {
		t.Errorf("Fit(...) phases = %s, want knn,graph,init,epochs", got)
	}
}

// rollData is the 600-point Swiss roll fixture.
func rollData(t testing.TB) ([]float32, int, int) {
	return flat32(readCSV(t, "roll_data.csv"))
}

func TestFitDeterministic(t *testing.T) {
	x, n, dim := rollData(t)
	ctx := context.Background()
	var ref []byte
	for _, threads := range []int{1, 2, 5} {
		res, err := Fit(ctx, x, n, dim, Options{Seed: 3, Threads: threads, NEpochs: 60})
		if err != nil {
			t.Fatal(err)
		}
		got := floatBytes(res.Embedding)
		if ref == nil {
			ref = got
			continue
		}
		if !bytes.Equal(got, ref) {
			t.Errorf("Fit(Threads: %d) layout differs from Fit(Threads: 1) with the same seed", threads)
		}
	}
	// A different seed gives a different layout of the same quality.
	var tws []float64
	var layouts [][]byte
	for _, seed := range []int64{3, 4} {
		res, err := Fit(ctx, x, n, dim, Options{Seed: seed, NEpochs: 200})
		if err != nil {
			t.Fatal(err)
		}
		tw, err := quality.Trustworthiness(ctx, x, dim, res.Embedding, 2, n, 15, quality.Euclidean, quality.NeighborOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tws = append(tws, tw)
		layouts = append(layouts, floatBytes(res.Embedding))
	}
	if bytes.Equal(layouts[0], layouts[1]) {
		t.Errorf("Fit(...) with seeds 3 and 4 gave the same layout")
	}
	if math.Abs(tws[0]-tws[1]) > 0.01 || tws[0] < 0.9 {
		t.Errorf("Fit(...) trustworthiness@15 with seeds 3 and 4 = %.4f, %.4f; want equal within 0.01 and ≥ 0.9", tws[0], tws[1])
	}
	t.Logf("trustworthiness@15 with seeds 3, 4: %.4f, %.4f", tws[0], tws[1])
}

func TestFitOptions(t *testing.T) {
	x, n, dim := rollData(t)
	ctx := context.Background()
	tests := []struct {
		name       string
		opts       Options
		dim        int
		epochs     int
		init       string
		a, b       float64
		neighbours int
	}{
		{"defaults", Options{NEpochs: 20}, 2, 20, "spectral", 1.9328, 0.7905, 15},
		{"3-d random init min_dist 0.1", Options{NComponents: 3, Init: InitRandom, MinDist: 0.1, NEpochs: 20}, 3, 20, "random", 1.5769, 0.8951, 15},
		{"1-d", Options{NComponents: 1, NEpochs: 20, NNeighbors: 8}, 1, 20, "spectral", 1.9328, 0.7905, 8},
		{"5-d cosine", Options{NComponents: 5, Metric: knn.Cosine, NEpochs: 20}, 5, 20, "spectral", 1.9328, 0.7905, 15},
		{"auto epochs", Options{MinDist: 0.5, NNeighbors: 5, SetOpMixRatio: -1, LocalConnectivity: 2}, 2, 500, "spectral", 0.5830, 1.3342, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Fit(ctx, x, n, dim, tc.opts)
			if err != nil {
				t.Fatalf("Fit(...) error: %v", err)
			}
			if res.Dim != tc.dim || len(res.Embedding) != n*tc.dim || res.NEpochs != tc.epochs || res.Init != tc.init || res.NNeighbors != tc.neighbours {
				t.Errorf("Fit(...) = Dim %d, len %d, NEpochs %d, Init %q, NNeighbors %d; want %d, %d, %d, %q, %d",
					res.Dim, len(res.Embedding), res.NEpochs, res.Init, res.NNeighbors, tc.dim, n*tc.dim, tc.epochs, tc.init, tc.neighbours)
			}
			if math.Abs(res.A-tc.a) > 1e-3 || math.Abs(res.B-tc.b) > 1e-3 {
				t.Errorf("Fit(...) a, b = %.4f, %.4f, want %.4f, %.4f", res.A, res.B, tc.a, tc.b)
			}
			for i, v := range res.Embedding {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("Fit(...) coordinate %d = %v", i, v)
				}
			}
		})
	}
}

func TestFitSmallAndDuplicates(t *testing.T) {
	ctx := context.Background()
	// Fewer points than neighbours: umap-learn shrinks k to n − 1.
	small := []float32{0, 0, 1, 0, 0, 1, 1, 1, 5, 5, 6, 5, 5, 6}
	res, err := Fit(ctx, small, 7, 2, Options{NEpochs: 50})
	if err != nil {
		t.Fatalf("Fit(7 points) error: %v", err)
	}
	if res.NNeighbors != 6 || len(res.Embedding) != 14 {
		t.Errorf("Fit(7 points) = NNeighbors %d, len %d; want 6, 14", res.NNeighbors, len(res.Embedding))
	}
	// Many exact duplicates: distances 0, ρ = 0, still a finite layout.
	x, n, dim := rollData(t)
	dup := make([]float32, 0, 2*len(x))
	for i := range n {
		dup = append(dup, x[i*dim:(i+1)*dim]...)
		if i%5 == 0 {
			for range 10 {
				dup = append(dup, x[i*dim:(i+1)*dim]...)
			}
		}
	}
	m := len(dup) / dim
	res, err = Fit(ctx, dup, m, dim, Options{NEpochs: 30, Metric: knn.Cosine})
	if err != nil {
		t.Fatalf("Fit(duplicates) error: %v", err)
	}
	for i, v := range res.Embedding {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("Fit(duplicates) coordinate %d = %v", i, v)
		}
	}
}

func TestFitErrors(t *testing.T) {
	ctx := context.Background()
	x, n, dim := rollData(t)
	nan := append([]float32(nil), x...)
	nan[7] = float32(math.NaN())
	tests := []struct {
		name string
		data []float32
		n    int
		opts Options
		want string
	}{
		{"NaN", nan, n, Options{}, "finite"},
		{"one point", x[:dim], 1, Options{}, "at least 2"},
		{"negative neighbours", x, n, Options{NNeighbors: -3}, "NNeighbors"},
		{"one neighbour", x, n, Options{NNeighbors: 1}, "NNeighbors"},
		{"mix ratio above 1", x, n, Options{SetOpMixRatio: 1.5}, "SetOpMixRatio"},
		{"negative min dist", x, n, Options{MinDist: -1}, "MinDist"},
		{"negative epochs", x, n, Options{NEpochs: -1}, "NEpochs"},
		{"unknown init", x, n, Options{Init: 9}, "Init"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Fit(ctx, tc.data, tc.n, dim, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Fit(...) error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestFitGraph(t *testing.T) {
	ctx := context.Background()
	indices, dists, n, k := knnFixture(t, "roll")
	g := &knn.Graph{N: n, K: k, Indices: indices, Dists: dists}
	res, err := FitGraph(ctx, g, Options{NEpochs: 20})
	if err != nil {
		t.Fatalf("FitGraph(...) error: %v", err)
	}
	if res.NNeighbors != k || len(res.Embedding) != 2*n {
		t.Errorf("FitGraph(...) = NNeighbors %d, len %d; want %d, %d", res.NNeighbors, len(res.Embedding), k, 2*n)
	}
	// A disconnected graph without the data: components placed at random.
	bi, bd, bn, bk := knnFixture(t, "blobs")
	res, err = FitGraph(ctx, &knn.Graph{N: bn, K: bk, Indices: bi, Dists: bd}, Options{NEpochs: 20, Metric: knn.Cosine})
	if err != nil {
		t.Fatalf("FitGraph(blobs) error: %v", err)
	}
	if res.Components != 6 || res.Init != "spectral" {
		t.Errorf("FitGraph(blobs) = Components %d, Init %q; want 6, spectral", res.Components, res.Init)
	}
	for i, v := range res.Embedding {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("FitGraph(blobs) coordinate %d = %v", i, v)
		}
	}
	if _, err := FitGraph(ctx, g, Options{NNeighbors: k + 5}); err == nil {
		t.Errorf("FitGraph(NNeighbors > K) error = nil, want one")
	}
	bad := *g
	bad.Dists = append([]float32(nil), dists...)
	bad.Dists[3] = -1
	if _, err := FitGraph(ctx, &bad, Options{}); err == nil {
		t.Errorf("FitGraph(negative distance) error = nil, want one")
	}
	bad.Dists = dists
	bad.Indices = append([]int32(nil), indices...)
	bad.Indices[5] = int32(n)
	if _, err := FitGraph(ctx, &bad, Options{}); err == nil {
		t.Errorf("FitGraph(index out of range) error = nil, want one")
	}
}

func TestFitCancel(t *testing.T) {
	x, n, dim := rollData(t)
	ctx, cancel := context.WithCancel(context.Background())
	opts := Options{Progress: func(phase string, done, total int) {
		if phase == "epochs" && done == 5 {
			cancel()
		}
	}}
	_, err := Fit(ctx, x, n, dim, opts)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fit(cancelled) error = %v, want context.Canceled", err)
	}
}

// TestFitTiny runs inputs smaller than the neighbourhood and than the layout
// dimension: the graph may have no edges or fewer vertices than eigenvectors
// wanted, and the layout must still come back finite.
func TestFitTiny(t *testing.T) {
	tests := []struct {
		name       string
		n, comps   int
		wantInit   string
		components int
	}{
		{"two points", 2, 2, "spectral", 2},
		{"three points in 5-d", 3, 5, "random (spectral failed)", 1},
		{"twenty points in 8-d", 20, 8, "spectral", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := make([]float32, tc.n*3)
			for i := range x {
				x[i] = float32(i*i%7) + float32(i)/10
			}
			res, err := Fit(context.Background(), x, tc.n, 3, Options{NComponents: tc.comps, NEpochs: 10})
			if err != nil {
				t.Fatalf("Fit(...) error: %v", err)
			}
			if res.Init != tc.wantInit || res.Components != tc.components || len(res.Embedding) != tc.n*tc.comps {
				t.Errorf("Fit(...) = Init %q, Components %d, len %d; want %q, %d, %d", res.Init, res.Components, len(res.Embedding), tc.wantInit, tc.components, tc.n*tc.comps)
			}
			for i, v := range res.Embedding {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("Fit(...) coordinate %d = %v", i, v)
				}
			}
		})
	}
}
