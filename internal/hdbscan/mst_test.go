package hdbscan

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"motif/internal/knn"
)

// naiveMST is the textbook reference: the full mutual-reachability matrix
// (core distance from a full sort of each row) and O(n²) Prim with the same
// total order on edges, so its tree is the unique one.
func naiveMST(sp *space, minSamples int, alpha float64) (core []float64, edges []Edge) {
	n := sp.n
	sp.waitRank()
	d := make([]float64, n*n)
	for i := range n {
		for j := range n {
			if i != j {
				d[i*n+j] = sp.dist(i, j)
			}
		}
	}
	core = make([]float64, n)
	row := make([]float64, n)
	for i := range n {
		copy(row, d[i*n:(i+1)*n])
		sort.Float64s(row)
		core[i] = row[minSamples]
	}
	mr := func(i, j int) float64 { return max(core[i], core[j], d[i*n+j]/alpha) }
	in := make([]bool, n)
	in[0] = true
	for len(edges) < n-1 {
		best := Edge{A: -1}
		for i := range n {
			if !in[i] {
				continue
			}
			for j := range n {
				if in[j] {
					continue
				}
				w := mr(i, j)
				if best.A < 0 || sp.keyLess(w, int32(i), int32(j), best.W, best.A, best.B) {
					best = Edge{A: int32(i), B: int32(j), W: w}
				}
			}
		}
		in[best.B] = true
		edges = append(edges, best)
	}
	sp.sortEdges(edges)
	return core, edges
}

// randomData returns n points of dim coordinates; grid > 0 rounds them to
// multiples of 1/grid, which makes many distances (and points) equal.
func randomData(r *rand.Rand, n, dim int, grid float64) []float32 {
	x := make([]float32, n*dim)
	for i := range x {
		v := r.NormFloat64()
		if i%dim < 4 && (i/dim)%3 == 0 {
			v += 5
		}
		if grid > 0 {
			v = math.Round(v*grid) / grid
		}
		x[i] = float32(v)
	}
	return x
}

func TestMSTBruteForce(t *testing.T) {
	tests := []struct {
		name       string
		n, dim     int
		grid       float64
		minSamples int
		alpha      float64
		metric     Metric
		mst        MSTMethod
	}{
		{"2d", 300, 2, 0, 1, 1, Euclidean, Exact},
		{"2d ms5", 300, 2, 0, 5, 1, Euclidean, Exact},
		{"2d grid ties", 300, 2, 2, 4, 1, Euclidean, Exact},
		{"2d grid duplicates", 250, 2, 1, 3, 1, Euclidean, Exact},
		{"2d alpha", 200, 2, 0, 3, 1.4, Euclidean, Exact},
		{"5d", 250, 5, 0, 4, 1, Euclidean, Exact},
		{"3d grid", 250, 3, 1, 6, 1, Euclidean, Exact},
		{"3d cosine", 200, 3, 0, 3, 1, Cosine, Exact},
		{"3d cosine alpha", 200, 3, 0, 3, 1.7, Cosine, Exact},
		{"20d dense", 200, 20, 0, 4, 1, Euclidean, Exact},
		{"20d dense grid", 200, 20, 1, 4, 1, Euclidean, Exact},
		{"100d dense cosine", 150, 100, 0, 5, 1, Cosine, Exact},
		{"100d dense euclidean", 150, 100, 0, 2, 1.2, Euclidean, Exact},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(i), 7))
			data := randomData(r, tc.n, tc.dim, tc.grid)
			opts := Options{MinClusterSize: 5, MinSamples: tc.minSamples, Alpha: tc.alpha, Metric: tc.metric, MST: tc.mst, Threads: 3}
			tree, err := BuildTree(context.Background(), data, tc.n, tc.dim, opts)
			if err != nil {
				t.Fatal(err)
			}
			sp := newSpace(data, tc.n, tc.dim, tc.metric)
			core, want := naiveMST(sp, tc.minSamples, tc.alpha)
			// Above float64MaxDim, core distances come from knn.Exact in
			// float32.
			tol := 1e-12
			if tc.dim > float64MaxDim {
				tol = 1e-6
			}
			for j := range core {
				if !closeTo(tree.CoreDistances[j], core[j], tol) {
					t.Fatalf("BuildTree(...) CoreDistances[%d] = %v, want %v", j, tree.CoreDistances[j], core[j])
				}
			}
			var wsum float64
			for _, e := range want {
				wsum += e.W
			}
			if !closeTo(tree.Weight(), wsum, tol) {
				t.Errorf("BuildTree(...) MST weight = %.15g, want %.15g", tree.Weight(), wsum)
			}
			sameDists := (tc.metric == Euclidean || tc.dim > kdMaxDim) && tc.dim <= float64MaxDim
			if sameDists && !slices.EqualFunc(tree.Edges, want, func(a, b Edge) bool {
				return a.A == b.A && a.B == b.B && closeTo(a.W, b.W, 1e-12)
			}) {
				t.Errorf("BuildTree(...) edges differ from the naive Prim's tree")
			}
		})
	}
}

// TestKNNWithFullGraphIsExact checks the kNN path: with every point as a
// neighbour it must give the exact tree, and with a short kNN graph on
// well-separated groups it must still span all points.
func TestKNNWithFullGraphIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	n, dim := 120, 8
	data := randomData(r, n, dim, 0)
	g := knn.NewGraph(n, n)
	sp := newSpace(data, n, dim, Euclidean)
	for i := range n {
		order := make([]int32, n)
		for j := range order {
			order[j] = int32(j)
		}
		slices.SortFunc(order, func(a, b int32) int {
			da, db := sp.dist(i, int(a)), sp.dist(i, int(b))
			if a == int32(i) {
				da = -1
			}
			if b == int32(i) {
				db = -1
			}
			switch {
			case da < db:
				return -1
			case da > db:
				return 1
			}
			return int(a - b)
		})
		for j, q := range order {
			g.Indices[i*n+j] = q
			g.Dists[i*n+j] = float32(sp.dist(i, int(q)))
		}
	}
	exact, err := BuildTree(context.Background(), data, n, dim, Options{MinSamples: 4, MST: Exact})
	if err != nil {
		t.Fatal(err)
	}
	full, err := BuildTree(context.Background(), data, n, dim, Options{MinSamples: 4, MST: KNN, Graph: g})
	if err != nil {
		t.Fatal(err)
	}
	// float32 graph distances: equal within float32 rounding.
	if !closeTo(full.Weight(), exact.Weight(), 1e-6) {
		t.Errorf("BuildTree(KNN, full graph) weight = %v, want %v", full.Weight(), exact.Weight())
	}
	short, err := BuildTree(context.Background(), data, n, dim, Options{MinSamples: 4, MST: KNN})
	if err != nil {
		t.Fatal(err)
	}
	if len(short.Edges) != n-1 || short.Weight() < exact.Weight()-1e-9 {
		t.Errorf("BuildTree(KNN) has %d edges of weight %v, want %d edges of at least %v", len(short.Edges), short.Weight(), n-1, exact.Weight())
	}
}

// TestShuffleInvariance permutes the input: labels, probabilities and
// scores must follow the points exactly, ties included.
func TestShuffleInvariance(t *testing.T) {
	tests := []struct {
		name   string
		n, dim int
		grid   float64
		file   string // a fixture to use instead of random data
		opts   Options
	}{
		{"2d ties", 600, 2, 2, "", Options{MinClusterSize: 15, MinSamples: 5}},
		{"2d leaf", 600, 2, 0, "", Options{MinClusterSize: 10, MinSamples: 3, Selection: Leaf}},
		{"2d epsilon", 600, 2, 4, "", Options{MinClusterSize: 10, MinSamples: 5, Epsilon: 0.5}},
		{"30d dense", 300, 30, 1, "", Options{MinClusterSize: 10, MinSamples: 4}},
		{"30d knn", 300, 30, 0, "", Options{MinClusterSize: 10, MinSamples: 4, MST: KNN}},
		// Exact duplicates: 5 points × 40 copies, and 4 points × 8–29
		// copies inside blobs.
		{"duplicates", 0, 0, 0, "duplicates.csv", Options{MinClusterSize: 10, MinSamples: 5}},
		{"duplicates in blobs", 0, 0, 0, "dupblobs.csv", Options{MinClusterSize: 10, MinSamples: 10}},
		{"duplicates leaf", 0, 0, 0, "dupblobs.csv", Options{MinClusterSize: 15, MinSamples: 5, Selection: Leaf}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(i), 11))
			var data []float32
			if tc.file != "" {
				data, tc.n, tc.dim = loadCSV(t, tc.file)
			} else {
				data = randomData(r, tc.n, tc.dim, tc.grid)
			}
			perm := r.Perm(tc.n)
			shuf := make([]float32, len(data))
			for j, p := range perm {
				copy(shuf[j*tc.dim:(j+1)*tc.dim], data[p*tc.dim:(p+1)*tc.dim])
			}
			a, err := Cluster(context.Background(), data, tc.n, tc.dim, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Cluster(context.Background(), shuf, tc.n, tc.dim, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Clusters) < 2 {
				t.Fatalf("Cluster(...) found %d clusters; the test needs at least 2", len(a.Clusters))
			}
			// Copies of a point join each other before anything else
			// (their edges are the shortest of their weight), so they
			// share every output.
			first := map[[2]float32]int{}
			for j := range tc.n {
				if tc.dim != 2 {
					break
				}
				key := [2]float32{data[2*j], data[2*j+1]}
				f, ok := first[key]
				if !ok {
					first[key] = j
					continue
				}
				if a.Labels[j] != a.Labels[f] || a.Probabilities[j] != a.Probabilities[f] || !closeTo(a.OutlierScores[j], a.OutlierScores[f], 0) {
					t.Fatalf("Cluster(...) copies %d and %d of one point: labels %d, %d, probabilities %v, %v, scores %v, %v; want equal",
						f, j, a.Labels[f], a.Labels[j], a.Probabilities[f], a.Probabilities[j], a.OutlierScores[f], a.OutlierScores[j])
				}
			}
			for j, p := range perm {
				if a.Labels[p] != b.Labels[j] || a.Probabilities[p] != b.Probabilities[j] || !closeTo(a.OutlierScores[p], b.OutlierScores[j], 0) {
					t.Fatalf("shuffled Cluster(...) point %d: label %d, prob %v, score %v; want %d, %v, %v",
						p, b.Labels[j], b.Probabilities[j], b.OutlierScores[j], a.Labels[p], a.Probabilities[p], a.OutlierScores[p])
				}
			}
			if a.RelativeValidity != b.RelativeValidity || a.MSTWeight != b.MSTWeight {
				t.Errorf("shuffled Cluster(...) validity, weight = %v, %v; want %v, %v", b.RelativeValidity, b.MSTWeight, a.RelativeValidity, a.MSTWeight)
			}
		})
	}
}

// TestTiedPointJoinsNearerSide pins the documented tie rule on a point p
// whose mutual-reachability distance to two clusters is the same (its own
// core distance, as both lie within it): p joins the cluster whose nearest
// member is nearer, wherever p stands in the input.
func TestTiedPointJoinsNearerSide(t *testing.T) {
	const m = 30 // points per cluster, on a line 0.2 apart
	tests := []struct {
		name     string
		px       float32
		wantLeft bool
	}{
		// Left cluster from x = −0.9, right from 0.95: at 0, the left's
		// nearest member is 0.9 away, the right's 0.95.
		{"left nearer", 0, true},
		{"right nearer", 0.05, false},
		{"left nearer again", -0.02, true},
	}
	for _, tc := range tests {
		// 2-D takes the KD-tree Borůvka, 20-D the dense Prim.
		for _, c := range []struct {
			dim   int
			first bool
		}{{2, true}, {2, false}, {20, true}, {20, false}} {
			first := c.first
			var xs []float32
			if first {
				xs = append(xs, tc.px)
			}
			for i := range m {
				xs = append(xs, -0.9-0.2*float32(i), 0.95+0.2*float32(i))
			}
			if !first {
				xs = append(xs, tc.px)
			}
			p, left, right := len(xs)-1, 0, 1
			if first {
				p, left, right = 0, 1, 2
			}
			data := make([]float32, c.dim*len(xs))
			for i, x := range xs {
				data[i*c.dim] = x
			}
			opts := Options{MinClusterSize: 10, MinSamples: 5}
			tr, err := BuildTree(context.Background(), data, len(xs), c.dim, opts)
			if err != nil {
				t.Fatal(err)
			}
			// The premise: p's two spanning-tree edges weigh its core
			// distance, and they are the tree's heaviest.
			var tied []float64
			for _, e := range tr.Edges {
				if int(e.A) == p || int(e.B) == p {
					tied = append(tied, e.W)
				}
			}
			if len(tied) != 2 || tied[0] != tied[1] || tied[0] != tr.CoreDistances[p] || tr.Edges[len(tr.Edges)-1].W != tied[0] {
				t.Fatalf("%s, %d-D: p's edges weigh %v, core %v; the test needs two tied edges of weight core", tc.name, c.dim, tied, tr.CoreDistances[p])
			}
			res, err := tr.Cluster(opts)
			if err != nil {
				t.Fatal(err)
			}
			want := res.Labels[right]
			if tc.wantLeft {
				want = res.Labels[left]
			}
			if len(res.Clusters) != 2 || res.Labels[p] != want {
				t.Errorf("%s, %d-D, p first %v: Cluster(...) %d clusters, labels p, left, right = %d, %d, %d; want 2 clusters and p labelled %d",
					tc.name, c.dim, first, len(res.Clusters), res.Labels[p], res.Labels[left], res.Labels[right], want)
			}
		}
	}
}
