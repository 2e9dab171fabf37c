package knn

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"motif/internal/vec"
)

// randomData returns n×dim standard normal values.
func randomData(seed uint64, n, dim int) []float32 {
	r := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// clustered returns n×dim points around nc Gaussian centres: centres drawn
// N(0, 1) per coordinate, points at centre + N(0, spread²).
func clustered(seed uint64, n, dim, nc int, spread float64) []float32 {
	r := rand.New(rand.NewPCG(seed, 11))
	centres := make([]float64, nc*dim)
	for i := range centres {
		centres[i] = r.NormFloat64()
	}
	x := make([]float32, n*dim)
	for i := range n {
		c := r.IntN(nc)
		for d := range dim {
			x[i*dim+d] = float32(centres[c*dim+d] + spread*r.NormFloat64())
		}
	}
	return x
}

// naiveDist is the metric computed in float64 from its definition.
func naiveDist(a, b []float32, m Metric) float64 {
	var dot, na, nb, l2 float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
		l2 += (x - y) * (x - y)
	}
	if m == Cosine {
		return min(2, max(0, 1-dot/math.Sqrt(na*nb)))
	}
	return math.Sqrt(l2)
}

// naiveGraph is the kNN graph by sorting all distances of every point.
func naiveGraph(data []float32, n, dim, k int, m Metric) ([][]int32, [][]float64) {
	idx := make([][]int32, n)
	dst := make([][]float64, n)
	for i := range n {
		type nb struct {
			j int32
			d float64
		}
		all := make([]nb, n)
		for j := range n {
			all[j] = nb{int32(j), naiveDist(data[i*dim:(i+1)*dim], data[j*dim:(j+1)*dim], m)}
		}
		all[i].d = -1 // the point itself first
		sort.SliceStable(all, func(a, b int) bool { return all[a].d < all[b].d })
		all[0].d = 0
		for _, x := range all[:k] {
			idx[i] = append(idx[i], x.j)
			dst[i] = append(dst[i], x.d)
		}
	}
	return idx, dst
}

func TestExactMatchesNaive(t *testing.T) {
	tests := []struct {
		n, dim, k int
		m         Metric
	}{
		{1, 3, 1, Euclidean},
		{2, 1, 2, Euclidean},
		{7, 3, 7, Euclidean},
		{60, 5, 4, Euclidean},
		{300, 17, 15, Euclidean},
		{257, 40, 20, Euclidean},
		{1, 3, 1, Cosine},
		{7, 3, 7, Cosine},
		{60, 5, 4, Cosine},
		{300, 17, 15, Cosine},
		{257, 40, 20, Cosine},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%dx%d/k%d", tt.m, tt.n, tt.dim, tt.k), func(t *testing.T) {
			data := randomData(uint64(tt.n*tt.dim), tt.n, tt.dim)
			g, err := Exact(context.Background(), data, tt.n, tt.dim, tt.k, Options{Metric: tt.m, Threads: 3})
			if err != nil {
				t.Fatalf("Exact(...) error %v", err)
			}
			wantIdx, wantDist := naiveGraph(data, tt.n, tt.dim, tt.k, tt.m)
			for i := range tt.n {
				ix, d := g.Row(i)
				if !slices.Equal(ix, wantIdx[i]) {
					t.Fatalf("Exact(...) row %d = %v, want %v", i, ix, wantIdx[i])
				}
				for j := range d {
					if math.Abs(float64(d[j])-wantDist[i][j]) > 1e-5*(1+wantDist[i][j]) {
						t.Fatalf("Exact(...) row %d distances = %v, want %v", i, d, wantDist[i])
					}
				}
			}
		})
	}
}

func TestBuildSmallIsExact(t *testing.T) {
	const n, dim, k = 1000, 12, 10
	data := randomData(3, n, dim)
	for _, m := range []Metric{Euclidean, Cosine} {
		want, err := Exact(context.Background(), data, n, dim, k, Options{Metric: m})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Build(context.Background(), data, n, dim, k, Options{Metric: m})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Build(%d points, %v) differs from Exact", n, m)
		}
	}
}

func TestDescentRecall(t *testing.T) {
	tests := []struct {
		name       string
		n, dim, k  int
		m          Metric
		data       func() []float32
		wantRecall float64
	}{
		{name: "clustered 20000x32 cosine", n: 20000, dim: 32, k: 20, m: Cosine,
			data: func() []float32 { return clustered(2, 20000, 32, 40, 0.35) }, wantRecall: 0.97},
		{name: "5000x256 cosine", n: 5000, dim: 256, k: 20, m: Cosine,
			data: func() []float32 { return clustered(3, 5000, 256, 25, 0.6) }, wantRecall: 0.97},
		{name: "5000x256 euclidean", n: 5000, dim: 256, k: 10, m: Euclidean,
			data: func() []float32 { return clustered(4, 5000, 256, 25, 0.6) }, wantRecall: 0.97},
	}
	if testing.Short() {
		tests = tests[1:2]
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data()
			opts := Options{Metric: tt.m, Seed: 42}
			g, err := Descent(context.Background(), data, tt.n, tt.dim, tt.k, opts)
			if err != nil {
				t.Fatal(err)
			}
			exact := exactSample(data, tt.n, tt.dim, tt.k, tt.m, 1500)
			checkGraph(t, g, data, tt.dim, tt.m)
			if r := Recall(sampleRows(g, 1500), exact); r < tt.wantRecall {
				t.Errorf("Recall(Descent(...), Exact(...)) = %.4f, want ≥ %.2f", r, tt.wantRecall)
			} else {
				t.Logf("recall %.4f", r)
			}
		})
	}
}

// exactSample returns the exact neighbours (by Nearest, which TestNearest
// checks against Exact) of every (n/m)-th point, m rows in all: ground truth
// for recall at a fraction of Exact's cost.
func exactSample(data []float32, n, dim, k int, m Metric, rows int) *Graph {
	g := NewGraph(rows, k)
	for r := range rows {
		i := r * (n / rows)
		ix, d := Nearest(data, n, dim, data[i*dim:(i+1)*dim], k, m)
		copy(g.Indices[r*k:], ix)
		copy(g.Dists[r*k:], d)
	}
	return g
}

// sampleRows returns the rows of g that exactSample picks.
func sampleRows(g *Graph, rows int) *Graph {
	s := NewGraph(rows, g.K)
	for r := range rows {
		ix, d := g.Row(r * (g.N / rows))
		copy(s.Indices[r*g.K:], ix)
		copy(s.Dists[r*g.K:], d)
	}
	return s
}

// checkGraph checks the invariants of a graph: self first, distances sorted
// and equal to the metric's, no repeated neighbour.
func checkGraph(t *testing.T, g *Graph, data []float32, dim int, m Metric) {
	t.Helper()
	for i := range g.N {
		ix, d := g.Row(i)
		if ix[0] != int32(i) || d[0] != 0 {
			t.Fatalf("row %d starts with (%d, %v), want (%d, 0)", i, ix[0], d[0], i)
		}
		seen := map[int32]bool{}
		for j := range ix {
			if seen[ix[j]] || ix[j] < 0 || int(ix[j]) >= g.N {
				t.Fatalf("row %d neighbours %v: repeated or out of range", i, ix)
			}
			seen[ix[j]] = true
			if j > 0 && d[j] < d[j-1] {
				t.Fatalf("row %d distances %v not sorted", i, d)
			}
			want := naiveDist(data[i*dim:(i+1)*dim], data[int(ix[j])*dim:(int(ix[j])+1)*dim], m)
			if j > 0 && math.Abs(float64(d[j])-want) > 1e-4*(1+want) {
				t.Fatalf("row %d neighbour %d distance %v, want %v", i, ix[j], d[j], want)
			}
		}
	}
}

func TestDescentDeterministic(t *testing.T) {
	const n, dim, k = 6000, 16, 10
	data := clustered(5, n, dim, 20, 0.5)
	for _, m := range []Metric{Euclidean, Cosine} {
		var first *Graph
		for _, threads := range []int{1, 2, 5} {
			g, err := Descent(context.Background(), data, n, dim, k, Options{Metric: m, Seed: 9, Threads: threads, NTrees: 3, NIters: 4})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = g
				continue
			}
			if !reflect.DeepEqual(g, first) {
				t.Errorf("Descent(%v, seed 9, %d threads) differs from the 1-thread graph", m, threads)
			}
		}
	}
}

func TestDuplicates(t *testing.T) {
	// 30 copies of one point, 5 of another, and random points: every point
	// must still be its own neighbour 0, followed by its copies.
	const dim, k = 8, 10
	r := rand.New(rand.NewPCG(1, 1))
	var data []float32
	a := randomData(10, 1, dim)
	b := randomData(11, 1, dim)
	for i := range 5000 {
		switch {
		case i%100 < 30:
			data = append(data, a...)
		case i%100 < 35:
			data = append(data, b...)
		default:
			for range dim {
				data = append(data, float32(r.NormFloat64()))
			}
		}
	}
	n := len(data) / dim
	for _, m := range []Metric{Euclidean, Cosine} {
		for name, build := range map[string]func(context.Context, []float32, int, int, int, Options) (*Graph, error){"Exact": Exact, "Descent": Descent} {
			g, err := build(context.Background(), data, n, dim, k, Options{Metric: m})
			if err != nil {
				t.Fatal(err)
			}
			for i := range n {
				ix, d := g.Row(i)
				if ix[0] != int32(i) {
					t.Fatalf("%s(%v) row %d = %v, want the point itself first", name, m, i, ix)
				}
				if i%100 < 35 && d[k-1] != 0 && i%100 < 30 {
					t.Fatalf("%s(%v) row %d distances %v, want all 0 (30 copies)", name, m, i, d)
				}
			}
		}
	}
}

func TestCosineLeavesDataAlone(t *testing.T) {
	data := randomData(4, 100, 5)
	orig := slices.Clone(data)
	if _, err := Build(context.Background(), data, 100, 5, 5, Options{Metric: Cosine}); err != nil {
		t.Fatal(err)
	}
	if _, err := Descent(context.Background(), data, 100, 5, 5, Options{Metric: Cosine}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(data, orig) {
		t.Errorf("Build(..., Cosine) modified its input")
	}
}

func TestErrors(t *testing.T) {
	nan := randomData(1, 10, 3)
	nan[3*4+1] = float32(math.NaN())
	inf := randomData(1, 10, 3)
	inf[3*7] = float32(math.Inf(-1))
	zero := randomData(1, 10, 3)
	zero[3*6], zero[3*6+1], zero[3*6+2] = 0, 0, 0
	ok := randomData(1, 10, 3)
	tests := []struct {
		name string
		data []float32
		k    int
		m    Metric
		want string // substring of the error; "" for none
	}{
		{"k too large", ok, 11, Euclidean, "k = 11"},
		{"k zero", ok, 0, Euclidean, "at least 1"},
		{"NaN", nan, 3, Euclidean, "row 4, column 1 is NaN"},
		{"Inf", inf, 3, Cosine, "row 7, column 0 is -Inf"},
		{"zero row cosine", zero, 3, Cosine, "row 6 is all zeros"},
		{"zero row euclidean", zero, 3, Euclidean, ""},
		{"bad metric", ok, 3, Metric(7), "unknown metric"},
		{"k equals n", ok, 10, Cosine, ""},
	}
	for _, tt := range tests {
		for name, build := range map[string]func(context.Context, []float32, int, int, int, Options) (*Graph, error){"Build": Build, "Exact": Exact, "Descent": Descent} {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				_, err := build(context.Background(), tt.data, 10, 3, tt.k, Options{Metric: tt.m})
				if tt.want == "" {
					if err != nil {
						t.Errorf("%s(...) error %v, want nil", name, err)
					}
					return
				}
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s(...) error %v, want one containing %q", name, err, tt.want)
				}
			})
		}
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("Build(data of length 10, n 3, dim 3) did not panic")
		}
	}()
	Build(context.Background(), make([]float32, 10), 3, 3, 1, Options{})
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := randomData(1, 5000, 4)
	for name, build := range map[string]func(context.Context, []float32, int, int, int, Options) (*Graph, error){"Exact": Exact, "Descent": Descent} {
		if _, err := build(ctx, data, 5000, 4, 5, Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s(cancelled ctx) error %v, want context.Canceled", name, err)
		}
	}
}

func TestProgress(t *testing.T) {
	const n, dim, k = 5000, 4, 5
	data := randomData(2, n, dim)
	last := map[string][2]int{}
	opts := Options{NTrees: 10, Progress: func(phase string, done, total int) {
		if prev, ok := last[phase]; ok && done < prev[0] {
			t.Errorf("progress %s went back from %d to %d", phase, prev[0], done)
		}
		last[phase] = [2]int{done, total}
	}}
	if _, err := Descent(context.Background(), data, n, dim, k, opts); err != nil {
		t.Fatal(err)
	}
	if last["rp-forest"] != [2]int{10, 10} {
		t.Errorf("last rp-forest progress = %v, want [10 10]", last["rp-forest"])
	}
	if p := last["nn-descent"]; p[0] < 1 || p[1] != 12 {
		t.Errorf("last nn-descent progress = %v, want [≥1 12]", p)
	}
	if _, err := Exact(context.Background(), data, n, dim, k, opts); err != nil {
		t.Fatal(err)
	}
	if p := last["exact"]; p[0] != p[1] || p[1] == 0 {
		t.Errorf("last exact progress = %v, want done = total", p)
	}
}

func TestNearest(t *testing.T) {
	const n, dim, k = 500, 9, 7
	data := randomData(6, n, dim)
	for _, m := range []Metric{Euclidean, Cosine} {
		g, err := Exact(context.Background(), data, n, dim, k, Options{Metric: m})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 17, 499} {
			ix, d := Nearest(data, n, dim, data[i*dim:(i+1)*dim], k, m)
			wantIx, wantD := g.Row(i)
			if !slices.Equal(ix, wantIx) {
				t.Errorf("Nearest(row %d, %v) = %v, want %v", i, m, ix, wantIx)
			}
			for j := range d {
				if math.Abs(float64(d[j]-wantD[j])) > 1e-5 {
					t.Errorf("Nearest(row %d, %v) distances = %v, want %v", i, m, d, wantD)
					break
				}
			}
		}
	}
	if ix, _ := Nearest(data[:3*dim], 3, dim, data[:dim], 10, Euclidean); len(ix) != 3 {
		t.Errorf("Nearest(3 rows, k 10) returned %d rows, want 3", len(ix))
	}
	zeroQ := make([]float32, dim)
	if _, d := Nearest(data, n, dim, zeroQ, 2, Cosine); d[0] != 1 || d[1] != 1 {
		t.Errorf("Nearest(zero query, Cosine) distances = %v, want [1 1]", d)
	}
}

func TestNearestParallel(t *testing.T) {
	// Large enough to be split across goroutines; copies of the query row in
	// several parts must come back in index order.
	const n, dim, k = 20000, 128, 6
	data := randomData(8, n, dim)
	q := slices.Clone(data[5*dim : 6*dim])
	for _, i := range []int{19999, 15000, 9000} {
		copy(data[i*dim:], q)
	}
	for _, m := range []Metric{Euclidean, Cosine} {
		ix, d := Nearest(data, n, dim, q, k, m)
		if want := []int32{5, 9000, 15000, 19999}; !slices.Equal(ix[:4], want) || d[3] != 0 {
			t.Errorf("Nearest(%v) = %v %v, want %v first at distance 0", m, ix, d, want)
		}
		// The rest against one sequential scan.
		sd, six, sfl := make([]float32, k), make([]int32, k), make([]uint8, k)
		var qq float64
		if m == Cosine {
			qq = float64(vec.Dot(q, q))
		}
		nearestPart(sd, six, sfl, data, 0, q, qq, m)
		sort.Sort(rowSorter{self: -1, d: sd, ix: six})
		if !slices.Equal(ix, six) {
			t.Errorf("Nearest(%v) = %v, want %v as one scan finds", m, ix, six)
		}
	}
}

func TestRecall(t *testing.T) {
	exact := &Graph{N: 2, K: 3, Indices: []int32{0, 1, 2, 1, 0, 2}}
	tests := []struct {
		name   string
		approx *Graph
		want   float64
	}{
		{"same", &Graph{N: 2, K: 3, Indices: []int32{0, 1, 2, 1, 0, 2}}, 1},
		{"order ignored", &Graph{N: 2, K: 3, Indices: []int32{0, 2, 1, 1, 2, 0}}, 1},
		{"one miss", &Graph{N: 2, K: 3, Indices: []int32{0, 1, 5, 1, 0, 2}}, 5.0 / 6},
		{"wider approx", &Graph{N: 2, K: 4, Indices: []int32{0, 1, 3, 2, 1, 3, 4, 0}}, 3.0 / 6},
	}
	for _, tt := range tests {
		if got := Recall(tt.approx, exact); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Recall(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseMetric(t *testing.T) {
	tests := []struct {
		in      string
		want    Metric
		wantErr bool
	}{
		{"euclidean", Euclidean, false},
		{"L2", Euclidean, false},
		{" Cosine ", Cosine, false},
		{"manhattan", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseMetric(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMetric(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != strings.ToLower(strings.TrimSpace(tt.in)) && tt.in != "L2" {
			t.Errorf("ParseMetric(%q).String() = %q", tt.in, got.String())
		}
	}
}

func BenchmarkDescent(b *testing.B) {
	const n, dim, k = 20000, 64, 20
	data := clustered(1, n, dim, 40, 0.35)
	for _, m := range []Metric{Euclidean, Cosine} {
		b.Run(m.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := Descent(context.Background(), data, n, dim, k, Options{Metric: m}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkExact(b *testing.B) {
	const n, dim, k = 4000, 128, 20
	data := randomData(1, n, dim)
	for b.Loop() {
		if _, err := Exact(context.Background(), data, n, dim, k, Options{Metric: Cosine}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNearest(b *testing.B) {
	// The web UI's "similar images" query over a 40,000-image collection.
	const n, dim, k = 40000, 768, 20
	data := randomData(2, n, dim)
	q := data[123*dim : 124*dim]
	for b.Loop() {
		Nearest(data, n, dim, q, k, Cosine)
	}
}

// readCSV returns the records of a testdata CSV file without its header.
func readCSV(t *testing.T, name string, header bool) [][]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if header {
		recs = recs[1:]
	}
	return recs
}

func TestExactMatchesUMAP(t *testing.T) {
	var data []float32
	rows := readCSV(t, "umap_small_data.csv", false)
	for _, rec := range rows {
		for _, f := range rec {
			v, err := strconv.ParseFloat(f, 32)
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, float32(v))
		}
	}
	n, dim, k := len(rows), len(rows[0]), 15
	for _, m := range []Metric{Euclidean, Cosine} {
		g, err := Build(context.Background(), data, n, dim, k, Options{Metric: m})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range readCSV(t, "umap_small_"+m.String()+".csv", true) {
			i, _ := strconv.Atoi(rec[0])
			r, _ := strconv.Atoi(rec[1])
			j, _ := strconv.Atoi(rec[2])
			d, _ := strconv.ParseFloat(rec[3], 64)
			gi, gd := g.Row(i)
			if int(gi[r]) != j || math.Abs(float64(gd[r])-d) > 1e-5*(1+d) {
				t.Errorf("Build(%v) point %d rank %d = (%d, %v), umap-learn has (%d, %v)", m, i, r, gi[r], gd[r], j, d)
			}
		}
	}
}

func TestDescentSmallShapes(t *testing.T) {
	// Shapes where every tree is one leaf, so descent must be exact.
	tests := []struct{ n, dim, k int }{{1, 3, 1}, {5, 2, 5}, {100, 4, 1}, {100, 4, 100}, {60, 7, 13}}
	for _, tt := range tests {
		for _, m := range []Metric{Euclidean, Cosine} {
			data := randomData(uint64(tt.n+tt.k), tt.n, tt.dim)
			want, err := Exact(context.Background(), data, tt.n, tt.dim, tt.k, Options{Metric: m})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Descent(context.Background(), data, tt.n, tt.dim, tt.k, Options{Metric: m, Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Indices, want.Indices) {
				t.Errorf("Descent(%d×%d, k %d, %v) = %v, want %v", tt.n, tt.dim, tt.k, m, got.Indices, want.Indices)
			}
		}
	}
}
