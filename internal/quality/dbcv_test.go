package quality

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestDBCVReference(t *testing.T) {
	var cases []struct {
		Name     string
		Metric   string
		N, Dim   int
		Data     []float32
		Labels   []int32
		Score    float64
		Clusters []*float64
	}
	loadCases(t, "dbcv.json", &cases)
	if len(cases) == 0 {
		t.Fatal("no cases in dbcv.json")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			for _, threads := range []int{1, 2} {
				got, err := DBCV(context.Background(), c.Data, c.N, c.Dim, c.Labels, mustMetric(t, c.Metric), DBCVOptions{Threads: threads})
				if err != nil {
					t.Fatalf("DBCV(...) error: %v", err)
				}
				if !close(got.Score, c.Score, 1e-9) {
					t.Errorf("DBCV(threads %d).Score = %.17g, want %.17g", threads, got.Score, c.Score)
				}
				present := 0
				for k, want := range c.Clusters {
					g, ok := got.Clusters[int32(k)]
					switch {
					case want == nil && ok:
						t.Errorf("DBCV(...).Clusters[%d] = %v, want no entry (no such label)", k, g)
					case want != nil && (!ok || !close(g, *want, 1e-9)):
						t.Errorf("DBCV(...).Clusters[%d] = %.17g (present %v), want %.17g", k, g, ok, *want)
					}
					if want != nil {
						present++
					}
				}
				if len(got.Clusters) != present {
					t.Errorf("DBCV(...).Clusters = %v, want %d entries", got.Clusters, present)
				}
			}
		})
	}
}

func TestDBCVErrors(t *testing.T) {
	data := []float32{0, 1, 2, 3, 10, 11}
	tests := []struct {
		name   string
		labels []int32
	}{
		{"one cluster", []int32{0, 0, 0, -1, -1, -1}},
		{"all noise", []int32{-1, -1, -1, -1, -1, -1}},
		{"singleton cluster", []int32{0, 0, 0, 1, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DBCV(context.Background(), data, 6, 1, tt.labels, Euclidean, DBCVOptions{}); err == nil {
				t.Errorf("DBCV(labels %v) error = nil, want an error", tt.labels)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DBCV(ctx, data, 6, 1, []int32{0, 0, 0, 1, 1, 1}, Euclidean, DBCVOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("DBCV(cancelled ctx) error = %v, want context.Canceled", err)
	}
}

func TestDBCVSeparation(t *testing.T) {
	// Moving two clusters apart raises the score; noise lowers it in
	// proportion to its share of n.
	rng := rand.New(rand.NewPCG(15, 16))
	base, labels := randomBlobs(rng, 120, 2, 2, 1)
	score := func(shift float32, noise int) float64 {
		data := append([]float32(nil), base...)
		for i, l := range labels {
			if l == 1 {
				data[2*i] += shift
			}
		}
		ls := append([]int32(nil), labels...)
		for range noise {
			data = append(data, rng.Float32()*100, rng.Float32()*100)
			ls = append(ls, -1)
		}
		v, err := DBCV(context.Background(), data, len(ls), 2, ls, Euclidean, DBCVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return v.Score
	}
	near, far := score(5, 0), score(50, 0)
	if !(far > near) || far <= 0.5 {
		t.Errorf("DBCV with clusters 50 apart = %v, 5 apart = %v; want the first larger and > 0.5", far, near)
	}
	if noisy := score(50, 120); !close(noisy, far/2, 1e-12) {
		t.Errorf("DBCV with as many noise points as clustered = %v, want half of %v", noisy, far)
	}
}

// bruteDBCV recomputes DBCV from its definition with a full distance
// matrix and Kruskal's algorithm; with distinct distances (random inputs)
// the minimum spanning tree is unique, so any algorithm must agree.
func bruteDBCV(data []float32, n, dim int, labels []int32, metric Metric) float64 {
	byLabel := map[int32][]int{}
	for i, l := range labels {
		if l >= 0 {
			byLabel[l] = append(byLabel[l], i)
		}
	}
	type info struct {
		core     map[int]float64
		internal []int
		dsc      float64
	}
	infos := map[int32]info{}
	row := func(i int) []float32 { return data[i*dim : (i+1)*dim] }
	for l, m := range byLabel {
		core := map[int]float64{}
		for _, i := range m {
			var s float64
			for _, j := range m {
				if d := bruteDist(row(i), row(j), metric); j != i && d != 0 {
					s += math.Pow(1/d, float64(dim))
				}
			}
			core[i] = math.Pow(s/float64(len(m)-1), -1/float64(dim))
		}
		mr := func(i, j int) float64 {
			return math.Max(bruteDist(row(i), row(j), metric), math.Max(core[i], core[j]))
		}
		type edge struct {
			u, v int
			w    float64
		}
		var edges []edge
		for x, i := range m {
			for _, j := range m[x+1:] {
				edges = append(edges, edge{i, j, mr(i, j)})
			}
		}
		for a := range edges { // insertion sort: small inputs
			for b := a; b > 0 && edges[b].w < edges[b-1].w; b-- {
				edges[b], edges[b-1] = edges[b-1], edges[b]
			}
		}
		root := map[int]int{}
		var find func(int) int
		find = func(i int) int {
			if r, ok := root[i]; ok && r != i {
				root[i] = find(r)
				return root[i]
			}
			return i
		}
		var tree []edge
		degree := map[int]int{}
		for _, e := range edges {
			if ru, rv := find(e.u), find(e.v); ru != rv {
				root[ru] = rv
				tree = append(tree, e)
				degree[e.u]++
				degree[e.v]++
			}
		}
		var in info
		in.core = core
		for _, i := range m {
			if degree[i] > 1 {
				in.internal = append(in.internal, i)
			}
		}
		if len(in.internal) == 0 {
			in.internal = []int{m[0]}
		}
		in.dsc = math.Inf(-1)
		for _, e := range tree {
			if degree[e.u] > 1 && degree[e.v] > 1 {
				in.dsc = math.Max(in.dsc, e.w)
			}
		}
		if math.IsInf(in.dsc, -1) {
			for _, e := range tree {
				in.dsc = math.Max(in.dsc, e.w)
			}
		}
		infos[l] = in
	}
	var score float64
	for l, a := range infos {
		sep := math.Inf(1)
		for k, b := range infos {
			if k == l {
				continue
			}
			for _, i := range a.internal {
				for _, j := range b.internal {
					d := math.Max(bruteDist(row(i), row(j), metric), math.Max(a.core[i], b.core[j]))
					sep = math.Min(sep, d)
				}
			}
		}
		score += float64(len(byLabel[l])) / float64(n) * (sep - a.dsc) / math.Max(sep, a.dsc)
	}
	return score
}

func TestDBCVBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	tests := []struct {
		name      string
		n, dim, k int
		metric    Metric
	}{
		{"2d-euclidean", 60, 2, 3, Euclidean},
		{"3d-cosine", 50, 3, 2, Cosine},
		{"5d-euclidean-many", 70, 5, 7, Euclidean},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, labels := randomBlobs(rng, tt.n, tt.dim, tt.k, 1.5)
			labels[0], labels[1] = -1, -1
			want := bruteDBCV(data, tt.n, tt.dim, labels, tt.metric)
			got, err := DBCV(context.Background(), data, tt.n, tt.dim, labels, tt.metric, DBCVOptions{})
			if err != nil {
				t.Fatalf("DBCV(...) error: %v", err)
			}
			if !close(got.Score, want, 1e-12) {
				t.Errorf("DBCV(...).Score = %.17g, want %.17g", got.Score, want)
			}
		})
	}
}

func TestDBCVLabelsAndProgress(t *testing.T) {
	// Sparse, large label values name clusters as well as 0 and 1 do.
	rng := rand.New(rand.NewPCG(23, 24))
	data, labels := randomBlobs(rng, 90, 2, 3, 1)
	renamed := make([]int32, len(labels))
	names := []int32{1_000_000_000, 5, 77}
	for i, l := range labels {
		renamed[i] = names[l]
	}
	want, err := DBCV(context.Background(), data, 90, 2, labels, Euclidean, DBCVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var last, total int
	got, err := DBCV(context.Background(), data, 90, 2, renamed, Euclidean, DBCVOptions{Progress: func(phase string, done, tot int) {
		if phase != "dbcv" || done < last || done > tot {
			t.Errorf("Progress(%q, %d, %d) after %d", phase, done, tot, last)
		}
		last, total = done, tot
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Score != want.Score {
		t.Errorf("DBCV(renamed labels).Score = %v, want %v", got.Score, want.Score)
	}
	for l, name := range names {
		if got.Clusters[name] != want.Clusters[int32(l)] {
			t.Errorf("DBCV(renamed labels).Clusters[%d] = %v, want %v", name, got.Clusters[name], want.Clusters[int32(l)])
		}
	}
	if last != total || total == 0 {
		t.Errorf("Progress ended at %d of %d, want the total", last, total)
	}
}
