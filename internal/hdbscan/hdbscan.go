package hdbscan

import (
	"context"
	"fmt"
	"math"
	"sync"

	"motif/internal/knn"
)

// Tree is the part of HDBSCAN that depends only on the data, MinSamples,
// Alpha, Metric and MST: the minimum spanning tree of mutual reachability
// and its single-linkage tree. Clusterings for any MinClusterSize and
// selection come from it without recomputing distances.
type Tree struct {
	// N is the number of input points.
	N int
	// MinSamples is the resolved min_samples the tree was built with.
	MinSamples int
	// CoreDistances holds each input point's core distance (NaN for rows
	// with non-finite values).
	CoreDistances []float64
	// Edges is the minimum spanning tree, sorted by weight (ties in
	// canonical order), in input indices.
	Edges []Edge
	link  *linkage
	// keep maps the tree's points to input rows when rows with non-finite
	// values were left out; nil when all rows are used.
	keep []int32
}

// Weight is the total weight of the minimum spanning tree.
func (t *Tree) Weight() float64 {
	var s float64
	for _, e := range t.Edges {
		s += e.W
	}
	return s
}

// Cluster runs HDBSCAN on n points of dim float32 coordinates (row-major
// data) and returns the flat clustering. Rows with NaN or infinite values
// are left out of the computation and labelled noise with probability 0, as
// the library does. It panics if len(data) < n*dim.
func Cluster(ctx context.Context, data []float32, n, dim int, opts Options) (*Result, error) {
	t, err := BuildTree(ctx, data, n, dim, opts)
	if err != nil {
		return nil, err
	}
	return t.Cluster(opts)
}

// BuildTree computes core distances, the minimum spanning tree and the
// single-linkage tree of n points of dim coordinates, for opts.MinSamples,
// Alpha, Metric, MST and Graph. It panics if len(data) < n*dim.
func BuildTree(ctx context.Context, data []float32, n, dim int, opts Options) (*Tree, error) {
	if n < 0 || dim < 1 || len(data) < n*dim {
		panic(fmt.Sprintf("hdbscan: data of length %d does not hold %d×%d values", len(data), n, dim))
	}
	keep := finiteRows(data, n, dim)
	m := n
	if keep != nil {
		m = len(keep)
		sub := make([]float32, 0, m*dim)
		for _, i := range keep {
			sub = append(sub, data[int(i)*dim:(int(i)+1)*dim]...)
		}
		data = sub
	}
	if err := opts.validate(m); err != nil {
		return nil, err
	}
	if m < 2 {
		return nil, fmt.Errorf("hdbscan needs at least 2 points with finite values, got %d", m)
	}
	p := opts.resolve()
	if f := opts.Progress; f != nil {
		var mu sync.Mutex
		opts.Progress = func(phase string, done, total int) {
			mu.Lock()
			defer mu.Unlock()
			f(phase, done, total)
		}
	}
	sp := newSpace(data, m, dim, opts.Metric)
	method := opts.MST
	if method == Auto {
		method = Exact
		if dim > kdMaxDim && m > autoExactMax {
			method = KNN
		}
	}
	var core []float64
	var edges []Edge
	var err error
	switch {
	case method == Exact && dim <= kdMaxDim:
		core, edges, err = kdSpanningTree(ctx, sp, p, &opts)
	case method == Exact:
		core, err = denseCore(ctx, sp, p, &opts)
		if err != nil {
			return nil, err
		}
		edges, err = primDense(ctx, sp, core, p.alpha, p.threads, opts.Progress)
	default:
		core, edges, err = knnTree(ctx, sp, p, &opts, keep, n)
	}
	if err != nil {
		return nil, err
	}
	sp.sortEdges(edges)
	opts.progress("tree", 0, 1)
	t := &Tree{N: n, MinSamples: p.minSamples, link: newLinkage(m, edges), keep: keep}
	opts.progress("tree", 1, 1)
	if keep != nil {
		for i := range edges {
			edges[i].A, edges[i].B = keep[edges[i].A], keep[edges[i].B]
		}
		full := make([]float64, n)
		for i := range full {
			full[i] = math.NaN()
		}
		for j, i := range keep {
			full[i] = core[j]
		}
		core = full
	}
	t.Edges, t.CoreDistances = edges, core
	return t, nil
}

// kdSpanningTree is the exact low-dimensional path. The cosine metric runs
// it on the normalised rows, whose Euclidean distance e gives 1 − cos =
// e²/2, a monotone map: the tree is that of Euclidean mutual reachability
// with alpha' = √alpha, reweighted with cosine distances.
func kdSpanningTree(ctx context.Context, sp *space, p params, opts *Options) ([]float64, []Edge, error) {
	kd := newKDTree(sp.data, sp.n, sp.dim)
	alpha := p.alpha
	if sp.metric == Cosine {
		alpha = math.Sqrt(alpha)
	}
	b, err := newBoruvka(ctx, sp, kd, p.minSamples, alpha, p.threads, opts.Progress)
	if err != nil {
		return nil, nil, err
	}
	edges, err := b.spanningTree(ctx, p.threads, opts.Progress)
	if err != nil {
		return nil, nil, err
	}
	core := b.coreInput()
	if sp.metric == Cosine {
		for pos, i := range kd.idx {
			far := kd.idx[b.nbrs[pos*b.k+b.k-1]]
			core[i] = sp.dist(int(i), int(far))
		}
		for j := range edges {
			e := &edges[j]
			e.W = max(core[e.A], core[e.B], sp.dist(int(e.A), int(e.B))/p.alpha)
		}
	}
	return core, edges, nil
}

// autoExactMax is the largest number of high-dimensional points for which
// Auto chooses the exact (O(n²·dim)) spanning tree.
const autoExactMax = 4096

// denseCore returns the core distances by brute force: in float64 up to
// float64MaxDim dimensions, above with knn.Exact's cache-blocked float32
// kernels.
func denseCore(ctx context.Context, sp *space, p params, opts *Options) ([]float64, error) {
	k := p.minSamples + 1
	core := make([]float64, sp.n)
	if sp.dim <= float64MaxDim {
		_, d, err := denseKNN(ctx, sp, k, p.threads, opts.Progress)
		if err != nil {
			return nil, err
		}
		for i := range core {
			core[i] = d[i*k+k-1]
		}
		return core, nil
	}
	m := knn.Euclidean
	if sp.metric == Cosine {
		m = knn.Cosine
	}
	g, err := knn.Exact(ctx, sp.data, sp.n, sp.dim, k, knn.Options{Metric: m, Threads: p.threads, Progress: opts.Progress})
	if err != nil {
		return nil, fmt.Errorf("core distances: %w", err)
	}
	for i := range core {
		core[i] = float64(g.Dists[i*k+k-1])
	}
	return core, nil
}

// knnDefaultK is the number of neighbours (the point included) of the graph
// the KNN method builds when none is given, if min_samples needs fewer.
const knnDefaultK = 16

// knnTree is the fast path: a kNN graph (given, or built with knn.Build),
// core distances from it, and the spanning tree of its edges.
func knnTree(ctx context.Context, sp *space, p params, opts *Options, keep []int32, nInput int) ([]float64, []Edge, error) {
	k := p.minSamples + 1
	var nbrs []int32
	var nbrD []float64
	if g := opts.Graph; g != nil {
		if g.N != nInput {
			return nil, nil, fmt.Errorf("knn graph has %d points, data has %d", g.N, nInput)
		}
		if g.K < k {
			return nil, nil, fmt.Errorf("knn graph has %d neighbours per point; min samples %d needs at least %d", g.K, p.minSamples, k)
		}
		if keep != nil {
			return nil, nil, fmt.Errorf("knn graph cannot be used with rows of non-finite values")
		}
		k = g.K
		nbrs = g.Indices
		nbrD = make([]float64, len(g.Dists))
		for i, d := range g.Dists {
			nbrD[i] = float64(d)
		}
	} else {
		k = min(max(k, knnDefaultK), sp.n)
		m := knn.Euclidean
		if sp.metric == Cosine {
			m = knn.Cosine
		}
		g, err := knn.Build(ctx, sp.data, sp.n, sp.dim, k, knn.Options{Metric: m, Seed: opts.Seed, Threads: p.threads, Progress: opts.Progress})
		if err != nil {
			return nil, nil, fmt.Errorf("knn graph: %w", err)
		}
		nbrs = g.Indices
		nbrD = make([]float64, len(g.Dists))
		for i, d := range g.Dists {
			nbrD[i] = float64(d)
		}
	}
	core := make([]float64, sp.n)
	for i := range core {
		core[i] = nbrD[i*k+p.minSamples]
	}
	edges, err := knnSpanningTree(ctx, sp, nbrs, nbrD, k, core, p.alpha, p.threads, opts.Progress)
	return core, edges, err
}

// finiteRows returns the indices of the rows without NaN or ±Inf, or nil
// if every row is finite.
func finiteRows(data []float32, n, dim int) []int32 {
	bad := false
	for _, v := range data[:n*dim] {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			bad = true
			break
		}
	}
	if !bad {
		return nil
	}
	keep := make([]int32, 0, n)
	for i := range n {
		ok := true
		for _, v := range data[i*dim : (i+1)*dim] {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, int32(i))
		}
	}
	return keep
}

// Cluster condenses the tree with opts.MinClusterSize and selects flat
// clusters with opts.Selection, Epsilon, AllowSingleCluster and
// MaxClusterSize; the other fields of opts are ignored (the tree fixed
// them).
func (t *Tree) Cluster(opts Options) (*Result, error) {
	o := opts
	o.MinSamples = t.MinSamples
	if err := o.validate(-1); err != nil {
		return nil, err
	}
	p := o.resolve()
	opts.progress("select", 0, 1)
	c := condense(t.link, p.minClusterSize)
	ci := newTreeInfo(c)
	so := selectOptions{selection: opts.Selection, epsilon: opts.Epsilon,
		allowSingleCluster: opts.AllowSingleCluster, maxClusterSize: opts.MaxClusterSize}
	sel := selectClusters(c, ci, so)
	res := flat(c, ci, sel, so)
	if t.keep != nil {
		res = t.expand(res)
	}
	res.RelativeValidity = relativeValidity(t.Edges, res.Labels, len(res.Clusters))
	res.MSTWeight = t.Weight()
	opts.progress("select", 1, 1)
	return res, nil
}

// expand maps a result on the finite rows back to all input rows.
func (t *Tree) expand(r *Result) *Result {
	out := &Result{
		Labels:        make([]int32, t.N),
		Probabilities: make([]float64, t.N),
		OutlierScores: make([]float64, t.N),
		Clusters:      r.Clusters,
	}
	for i := range out.Labels {
		out.Labels[i] = -1
	}
	for j, i := range t.keep {
		out.Labels[i] = r.Labels[j]
		out.Probabilities[i] = r.Probabilities[j]
		out.OutlierScores[i] = r.OutlierScores[j]
	}
	for l := range out.Clusters {
		ex := out.Clusters[l].Exemplars
		for e := range ex {
			ex[e] = t.keep[ex[e]]
		}
	}
	return out
}
