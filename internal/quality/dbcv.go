package quality

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
)

// DBCVOptions tunes [DBCV]. The zero value uses all available cores.
type DBCVOptions struct {
	// Threads is the number of goroutines; default 0 means GOMAXPROCS.
	Threads int
	// Progress, if not nil, receives ("dbcv", steps done, steps) where a
	// step is one cluster's tree or one pair of clusters' separation.
	// Calls never overlap.
	Progress func(phase string, done, total int)
}

// Validity is the density-based clustering validation index of a clustering.
type Validity struct {
	// Score is Σ_C (|C|/n)·V_C in [−1, 1]; n counts noise points too, so
	// noise pulls the score towards 0. Higher is better.
	Score float64
	// Clusters holds V_C in [−1, 1] of each cluster label.
	Clusters map[int32]float64
}

// DBCV returns the density-based clustering validation index of Moulavi et
// al. (2014) for the clustering labels of n points of dimension dim,
// computed as scikit-learn-contrib/hdbscan's hdbscan.validity.validity_index
// does with its defaults (d = dim, mutual-reachability MSTs):
//
//   - all-points core distance of x in cluster C:
//     (Σ_{y ∈ C, d(x,y) ≠ 0} d(x,y)^−dim / (|C| − 1))^(−1/dim), all zero when
//     every such sum is zero (in float64, so high dim overflows to 0 as in
//     the reference);
//   - mutual reachability max(d(x,y), core(x), core(y)); a Prim minimum
//     spanning tree of each cluster under it, ties resolved as the
//     reference's mst_linkage_core and edge attribution does;
//   - internal nodes: tree vertices of degree > 1 (vertex 0 if none);
//     density sparseness DSC(C): the largest tree edge between internal
//     nodes (the largest edge of all if there is none);
//   - density separation DSPC(C, C′): the smallest mutual reachability
//     between internal nodes of C and of C′;
//   - V_C = (min_C′ DSPC − DSC) / max(min_C′ DSPC, DSC).
//
// Labels ≥ 0 are clusters; negative labels are noise, excluded from every
// cluster but counted in n. DBCV needs at least two clusters, each with at
// least two points, else it returns an error. It costs O(Σ_C |C|²·dim) for
// the trees plus O(Σ_{C<C′} |int C|·|int C′|·dim) for the separations.
// DBCV panics if len(data) ≠ n·dim or len(labels) ≠ n.
func DBCV(ctx context.Context, data []float32, n, dim int, labels []int32, metric Metric, opts DBCVOptions) (Validity, error) {
	checkShape("DBCV", data, n, dim)
	checkLabels("DBCV", labels, n)
	byLabel := make(map[int32][]int)
	for i, l := range labels {
		if l >= 0 {
			byLabel[l] = append(byLabel[l], i)
		}
	}
	present := slices.Sorted(maps.Keys(byLabel))
	for _, l := range present {
		if len(byLabel[l]) < 2 {
			return Validity{}, fmt.Errorf("dbcv: cluster %d has a single point; every cluster needs at least 2", l)
		}
	}
	k := len(present)
	if k < 2 {
		return Validity{}, fmt.Errorf("dbcv: %d clusters; need at least 2 (noise, label -1, is not a cluster)", k)
	}

	// Each cluster's points, copied contiguously in input order.
	clusters := make([]dbcvCluster, k)
	for c, l := range present {
		sub := make([]float32, 0, len(byLabel[l])*dim)
		for _, i := range byLabel[l] {
			sub = append(sub, data[i*dim:(i+1)*dim]...)
		}
		clusters[c].pts = newPoints(sub, len(byLabel[l]), dim, metric)
	}

	var progress func(int)
	var offset int
	if opts.Progress != nil {
		progress = func(done int) { opts.Progress("dbcv", offset+done, 2*k) }
	}
	// Clusters one after another, each using every thread inside.
	for c := range clusters {
		if err := clusters[c].build(ctx, opts.Threads); err != nil {
			return Validity{}, fmt.Errorf("dbcv: %w", err)
		}
		if progress != nil {
			progress(c + 1)
		}
	}

	// Density separation of every pair: block a handles the pairs (a, b>a),
	// each worker keeping its own running minima.
	offset = k
	workers := threadCount(opts.Threads, k)
	minSeps := make([][]float64, workers)
	for w := range minSeps {
		minSeps[w] = make([]float64, k)
		for c := range k {
			minSeps[w][c] = math.Inf(1)
		}
	}
	err := parallelBlocks(ctx, workers, k, func(w, a int) {
		ms := minSeps[w]
		for b := a + 1; b < k; b++ {
			sep := separation(&clusters[a], &clusters[b])
			ms[a] = math.Min(ms[a], sep)
			ms[b] = math.Min(ms[b], sep)
		}
	}, progress)
	if err != nil {
		return Validity{}, fmt.Errorf("dbcv: %w", err)
	}

	v := Validity{Clusters: make(map[int32]float64, k)}
	for c, l := range present {
		minSep := math.Inf(1)
		for w := range minSeps {
			minSep = math.Min(minSep, minSeps[w][c])
		}
		dsc := clusters[c].sparseness
		vc := (minSep - dsc) / math.Max(minSep, dsc)
		v.Clusters[l] = vc
		v.Score += float64(len(byLabel[l])) / float64(n) * vc
	}
	return v, nil
}

// dbcvCluster is one cluster's points and what DBCV derives from them.
type dbcvCluster struct {
	pts        *points
	core       []float64 // all-points core distance of each point
	internal   []int     // internal MST vertices, ascending
	sparseness float64   // DSC: largest internal MST edge
}

// mreach is the mutual-reachability distance between points i and j.
func (c *dbcvCluster) mreach(i, j int) float64 {
	return math.Max(math.Max(c.pts.dist(i, j), c.core[i]), c.core[j])
}

// dbcvRows is the number of rows of a cluster one worker takes at a time.
const dbcvRows = 32

// build computes the core distances, the minimum spanning tree, its
// internal vertices and the density sparseness.
func (c *dbcvCluster) build(ctx context.Context, threads int) error {
	dim := c.pts.dim
	m := len(c.pts.data) / dim
	blocks := (m + dbcvRows - 1) / dbcvRows

	// All-points core distances.
	c.core = make([]float64, m)
	err := parallelBlocks(ctx, threads, blocks, func(_, b int) {
		for i := b * dbcvRows; i < min((b+1)*dbcvRows, m); i++ {
			var s float64
			for j := range m {
				if j == i {
					continue
				}
				if dij := c.pts.dist(i, j); dij != 0 {
					s += powInt(1/dij, dim)
				}
			}
			c.core[i] = s / float64(m-1)
		}
	}, nil)
	if err != nil {
		return err
	}
	var total float64
	for _, v := range c.core {
		total += v
	}
	for i := range c.core {
		if total == 0 {
			c.core[i] = 0
		} else {
			c.core[i] = math.Pow(c.core[i], -1/float64(dim))
		}
	}

	// Prim from vertex 0, as mst_linkage_core: each step relaxes the
	// remaining vertices (ascending) against the newest vertex, keeping the
	// old value unless the new one is strictly smaller, then takes the first
	// remaining vertex of smallest value.
	remaining := make([]int, 0, m-1)
	for v := 1; v < m; v++ {
		remaining = append(remaining, v)
	}
	best := make([]float64, m)
	for v := range best {
		best[v] = math.Inf(1)
	}
	order := make([]int, 0, m) // vertices in the order Prim adds them
	weight := make([]float64, m)
	order = append(order, 0)
	current := 0
	for len(remaining) > 0 {
		pick := 0
		for x, v := range remaining {
			if r := c.mreach(current, v); !(best[v] < r) {
				best[v] = r
			}
			if best[v] < best[remaining[pick]] {
				pick = x
			}
		}
		current = remaining[pick]
		weight[current] = best[current]
		order = append(order, current)
		remaining = slices.Delete(remaining, pick, pick+1)
	}

	// Edge attribution, as internal_minimum_spanning_tree: the first edge
	// joins vertex 0 to order[1]; every later vertex joins the smallest
	// earlier vertex whose mutual reachability to it is numpy.isclose to
	// the edge weight.
	parent := make([]int, m)
	rank := make([]int, m) // position of each vertex in order
	for x, v := range order {
		rank[v] = x
	}
	if m > 1 {
		parent[order[1]] = order[0]
	}
	err = parallelBlocks(ctx, threads, blocks, func(_, b int) {
		for x := max(2, b*dbcvRows); x < min((b+1)*dbcvRows, m); x++ {
			v := order[x]
			w := weight[v]
			parent[v] = -1
			for u := range m {
				if rank[u] < x && math.Abs(c.mreach(v, u)-w) <= 1e-8+1e-5*math.Abs(w) {
					parent[v] = u
					break
				}
			}
			if parent[v] < 0 { // unreachable: Prim's own parent qualifies
				panic("quality: dbcv: no tree vertex at the edge weight")
			}
		}
	}, nil)
	if err != nil {
		return err
	}

	degree := make([]int, m)
	for _, v := range order[1:] {
		degree[v]++
		degree[parent[v]]++
	}
	for v, dg := range degree {
		if dg > 1 {
			c.internal = append(c.internal, v)
		}
	}
	if len(c.internal) == 0 {
		c.internal = []int{0}
	}
	c.sparseness = math.Inf(-1)
	for _, v := range order[1:] {
		if degree[v] > 1 && degree[parent[v]] > 1 {
			c.sparseness = math.Max(c.sparseness, weight[v])
		}
	}
	if math.IsInf(c.sparseness, -1) { // no internal edge: largest of all
		for _, v := range order[1:] {
			c.sparseness = math.Max(c.sparseness, weight[v])
		}
	}
	return nil
}

// separation returns the density separation of two clusters: the smallest
// mutual reachability between their internal vertices.
func separation(a, b *dbcvCluster) float64 {
	best := math.Inf(1)
	for _, u := range a.internal {
		x := a.pts.row(u)
		for _, v := range b.internal {
			floor := math.Max(a.core[u], b.core[v])
			if floor >= best {
				continue
			}
			var d float64
			if a.pts.metric == Cosine {
				d = cosineDist(dot64(x, b.pts.row(v)) * a.pts.inv[u] * b.pts.inv[v])
			} else {
				d = math.Sqrt(sqDist64(x, b.pts.row(v)))
			}
			best = math.Min(best, math.Max(d, floor))
		}
	}
	return best
}

// powInt returns x^k for k ≥ 0 by repeated squaring (within a few ulps of
// math.Pow, overflowing to +Inf and underflowing to 0 as it does).
func powInt(x float64, k int) float64 {
	r := 1.0
	for k > 0 {
		if k&1 == 1 {
			r *= x
		}
		x *= x
		k >>= 1
	}
	return r
}
