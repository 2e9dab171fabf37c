package hdbscan

import (
	"context"
	"math"
	"sync/atomic"
)

// boruvka computes core distances and the exact mutual-reachability minimum
// spanning tree of low-dimensional Euclidean points with a KD-tree.
//
// Core distances are the distance to the minSamples-th neighbour excluding
// the point itself, i.e. the last of minSamples+1 nearest neighbours, as
// scikit-learn-contrib/hdbscan queries its tree. The tree is built by
// Borůvka's algorithm (as in hdbscan's _hdbscan_boruvka.pyx, but with exact
// rather than approximate component searches): every round, each point
// looks for its nearest point of another component under mutual
// reachability max(core_p, core_q, d(p, q)/alpha); the KD-tree search
// prunes nodes that lie wholly in the point's component or whose lower bound
// max(core_p, min core in node, box distance/alpha) exceeds the best edge
// already known for the component. A point's best edge stays valid while
// its target remains in another component, and what a search rejected
// bounds the point's later searches from below, so most points are skipped
// in later rounds; each component's most promising point searches first to
// tighten the bound, leaves wholly inside one component are tested as a
// block, and a point whose neighbour list already holds an edge of weight
// core_p (the least possible) needs no search. Edges are compared as
// space.keyLess does (weight, distance, canonical ranks), a strict total
// order, which makes the tree unique.
type boruvka struct {
	t     *kdTree
	sp    *space
	alpha float64
	k     int // neighbours per point, the point itself included
	// in tree order:
	core   []float64
	rank   []int32
	nbrs   []int32   // k nearest tree positions per point
	nbrD   []float64 // their distances
	tie    []bool    // a point beyond the k-th neighbour is as far as it
	compOf []int32   // component (a union-find root) of each point
	candQ  []int32   // cached best other-component point, −1 if unknown
	candW  []float64 // its weight
	lb     []float64 // lower bound of the point's best weight
	// per node:
	nodeComp    []int32 // component of all its points, or −1
	nodeMinCore []float64
	leaves      []int32
}

func newBoruvka(ctx context.Context, sp *space, t *kdTree, minSamples int, alpha float64, threads int, progress func(string, int, int)) (*boruvka, error) {
	n := t.n
	b := &boruvka{t: t, sp: sp, alpha: alpha, k: minSamples + 1}
	b.core = make([]float64, n)
	b.rank = make([]int32, n)
	b.nbrs = make([]int32, n*b.k)
	b.nbrD = make([]float64, n*b.k)
	b.tie = make([]bool, n)
	var done atomic.Int64
	err := parallelFor(ctx, threads, n, 512, func(lo, hi int) {
		d2 := make([]float64, b.k)
		for p := lo; p < hi; p++ {
			b.tie[p] = t.knnQuery(p, d2, b.nbrs[p*b.k:(p+1)*b.k])
			for j, v := range d2 {
				b.nbrD[p*b.k+j] = math.Sqrt(v)
			}
			b.core[p] = b.nbrD[p*b.k+b.k-1]
		}
		if progress != nil {
			progress("core", int(done.Add(int64(hi-lo))), n)
		}
	})
	if err != nil {
		return nil, err
	}
	nodes := len(t.start)
	b.nodeComp = make([]int32, nodes)
	b.nodeMinCore = make([]float64, nodes)
	for node := range nodes {
		if t.left[node] < 0 {
			b.leaves = append(b.leaves, int32(node))
		}
	}
	for node := nodes - 1; node >= 0; node-- {
		if t.left[node] < 0 {
			m := math.Inf(1)
			for p := t.start[node]; p < t.end[node]; p++ {
				m = min(m, b.core[p])
			}
			b.nodeMinCore[node] = m
		} else {
			b.nodeMinCore[node] = min(b.nodeMinCore[t.left[node]], b.nodeMinCore[t.right[node]])
		}
	}
	return b, nil
}

// coreInput returns the core distances indexed by input point.
func (b *boruvka) coreInput() []float64 {
	c := make([]float64, b.t.n)
	for p, i := range b.t.idx {
		c[i] = b.core[p]
	}
	return c
}

// cand is a candidate edge from the searching point to tree position q.
type cand struct {
	q      int32
	w      float64
	d      float64 // distance between the ends, the first tie-breaker
	lo, hi int32   // canonical ranks of the ends
}

// less orders edges as space.keyLess does.
func (c *cand) less(w, d float64, lo, hi int32) bool {
	if w != c.w {
		return w < c.w
	}
	if d != c.d {
		return d < c.d
	}
	if lo != c.lo {
		return lo < c.lo
	}
	return hi < c.hi
}

// spanningTree returns the n−1 edges of the minimum spanning tree, in
// input indices.
func (b *boruvka) spanningTree(ctx context.Context, threads int, progress func(string, int, int)) ([]Edge, error) {
	t := b.t
	n := t.n
	b.sp.waitRank()
	for p, i := range t.idx {
		b.rank[p] = b.sp.rank[i]
	}
	uf := newUnionFind(n)
	b.compOf = make([]int32, n)
	b.candQ = make([]int32, n)
	b.candW = make([]float64, n)
	b.lb = make([]float64, n)
	for p := range b.candQ {
		b.candQ[p] = -1
	}
	bound := make([]atomic.Uint64, n)
	edges := make([]Edge, 0, n-1)
	bestOf := make([]int32, n) // per component: the point holding its best edge
	var leaders []int32
	for len(edges) < n-1 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for p := range b.compOf {
			b.compOf[p] = uf.find(int32(p))
		}
		b.labelNodes()
		inf := math.Float64bits(math.Inf(1))
		for p := range bound {
			bound[p].Store(inf)
		}
		// Validate the cached edges, settle the points whose best edge is
		// among their neighbours, and seed the component bounds.
		err := parallelFor(ctx, threads, n, 2048, func(lo, hi int) {
			for p := lo; p < hi; p++ {
				cp := b.compOf[p]
				if q := b.candQ[p]; q >= 0 {
					if b.compOf[q] != cp {
						atomicMinFloat(&bound[cp], b.candW[p])
						continue
					}
					b.candQ[p] = -1
				}
				if best, ok := b.fromNeighbours(p, cp); ok {
					b.candQ[p], b.candW[p], b.lb[p] = best.q, best.w, best.w
					atomicMinFloat(&bound[cp], best.w)
					continue
				}
				for j := range b.k {
					q := b.nbrs[p*b.k+j]
					if b.compOf[q] != cp {
						w := max(b.core[p], b.core[q], b.nbrD[p*b.k+j]/b.alpha)
						atomicMinFloat(&bound[cp], w)
						break
					}
				}
			}
		})
		if err != nil {
			return nil, err
		}
		// Search first, in each component, the point most likely to hold
		// its best edge (the smallest lower bound), so that the bound is
		// tight when the other points come.
		leaders = leaders[:0]
		for p := range bestOf {
			bestOf[p] = -1
		}
		for p := range n {
			if b.candQ[p] >= 0 {
				continue
			}
			cp := b.compOf[p]
			o := bestOf[cp]
			if o < 0 || max(b.core[p], b.lb[p]) < max(b.core[o], b.lb[o]) {
				bestOf[cp] = int32(p)
			}
		}
		for _, p := range bestOf {
			if p >= 0 {
				leaders = append(leaders, p)
			}
		}
		err = parallelFor(ctx, threads, len(leaders), 64, func(lo, hi int) {
			for _, p := range leaders[lo:hi] {
				b.searchPoint(p, bound)
			}
		})
		if err != nil {
			return nil, err
		}
		err = parallelFor(ctx, threads, len(b.leaves), 16, func(lo, hi int) {
			for _, leaf := range b.leaves[lo:hi] {
				b.searchLeaf(leaf, bound)
			}
		})
		if err != nil {
			return nil, err
		}
		// Each component's best edge, under the total order.
		for p := range bestOf {
			bestOf[p] = -1
		}
		for p := range n {
			q := b.candQ[p]
			if q < 0 {
				continue
			}
			cp := b.compOf[p]
			o := bestOf[cp]
			if o < 0 || b.edgeLess(int32(p), q, b.candW[p], o, b.candQ[o], b.candW[o]) {
				bestOf[cp] = int32(p)
			}
		}
		added := 0
		for c := range n {
			p := bestOf[c]
			if p < 0 {
				continue
			}
			q := b.candQ[p]
			if uf.union(p, q) {
				edges = append(edges, Edge{A: t.idx[p], B: t.idx[q], W: b.candW[p]})
				added++
			}
		}
		if added == 0 {
			// Cannot happen for a complete graph; guard against looping.
			break
		}
		if progress != nil {
			progress("mst", len(edges), n-1)
		}
	}
	return edges, nil
}

func (b *boruvka) edgeLess(p1, q1 int32, w1 float64, p2, q2 int32, w2 float64) bool {
	if w1 != w2 {
		return w1 < w2
	}
	c := cand{w: w2, d: math.Sqrt(b.t.dist2(int(p2), int(q2))), lo: b.rank[p2], hi: b.rank[q2]}
	if c.lo > c.hi {
		c.lo, c.hi = c.hi, c.lo
	}
	lo, hi := b.rank[p1], b.rank[q1]
	if lo > hi {
		lo, hi = hi, lo
	}
	return c.less(w1, math.Sqrt(b.t.dist2(int(p1), int(q1))), lo, hi)
}

// labelNodes marks the nodes whose points all lie in one component.
func (b *boruvka) labelNodes() {
	t := b.t
	for node := len(t.start) - 1; node >= 0; node-- {
		if t.left[node] < 0 {
			c := b.compOf[t.start[node]]
			for p := t.start[node] + 1; p < t.end[node]; p++ {
				if b.compOf[p] != c {
					c = -1
					break
				}
			}
			b.nodeComp[node] = c
		} else {
			l, r := b.nodeComp[t.left[node]], b.nodeComp[t.right[node]]
			if l == r {
				b.nodeComp[node] = l
			} else {
				b.nodeComp[node] = -1
			}
		}
	}
}

// searchLeaf searches the best edges of the points of a KD-tree leaf whose
// cached edge is gone. A leaf wholly in one component is first tested as a
// block: if no node of another component can hold an edge within the
// component's bound, none of its points can, and they are skipped.
func (b *boruvka) searchLeaf(leaf int32, bound []atomic.Uint64) {
	t := b.t
	s, e := t.start[leaf], t.end[leaf]
	need := false
	for p := s; p < e; p++ {
		if b.candQ[p] < 0 {
			need = true
			break
		}
	}
	if !need {
		return
	}
	if c := b.nodeComp[leaf]; c >= 0 {
		bw := math.Float64frombits(bound[c].Load())
		pruned := math.Inf(1)
		if !b.blockMayReach(0, leaf, c, bw, &pruned) {
			for p := s; p < e; p++ {
				if b.candQ[p] < 0 {
					b.lb[p] = max(b.lb[p], pruned)
				}
			}
			return
		}
	}
	for p := s; p < e; p++ {
		if b.candQ[p] < 0 {
			b.searchPoint(p, bound)
		}
	}
}

// searchPoint searches the best edge of tree position p within its
// component's bound, unless p's lower bound already exceeds it.
func (b *boruvka) searchPoint(p int32, bound []atomic.Uint64) {
	t := b.t
	cp := b.compOf[p]
	bw := math.Float64frombits(bound[cp].Load())
	if max(b.core[p], b.lb[p]) > bw {
		return
	}
	best := cand{q: -1, w: bw, d: math.Inf(1), lo: math.MaxInt32, hi: math.MaxInt32}
	pruned := math.Inf(1)
	x := t.pts[int(p)*t.dim : int(p+1)*t.dim]
	b.search(0, p, cp, x, &best, &pruned)
	if best.q >= 0 {
		b.candQ[p], b.candW[p] = best.q, best.w
		b.lb[p] = best.w
		atomicMinFloat(&bound[cp], best.w)
	} else {
		b.lb[p] = max(b.lb[p], pruned)
	}
}

// blockMayReach reports whether some node below node, not wholly in
// component c, may hold an edge from a point of query leaf q weighing at
// most bw. When it reports false, *pruned is a lower bound of every such
// edge.
func (b *boruvka) blockMayReach(node, q, c int32, bw float64, pruned *float64) bool {
	if b.nodeComp[node] == c {
		return false
	}
	lb := max(b.nodeMinCore[q], b.nodeMinCore[node], math.Sqrt(b.t.boxBoxDist2(q, node))/b.alpha)
	if lb > bw {
		*pruned = min(*pruned, lb)
		return false
	}
	if b.t.left[node] < 0 {
		return true
	}
	return b.blockMayReach(b.t.left[node], q, c, bw, pruned) || b.blockMayReach(b.t.right[node], q, c, bw, pruned)
}

// search finds, below node, the best edge from tree position p (in
// component cp, coordinates x) to another component that beats best. It
// lowers *pruned to the smallest lower bound of what it rejected for not
// beating best, so that when nothing is found *pruned bounds the point's
// best edge from below (in this round and, as components only merge, in
// later ones).
func (b *boruvka) search(node, p, cp int32, x []float64, best *cand, pruned *float64) {
	t := b.t
	if t.left[node] < 0 {
		cpCore := b.core[p]
		rp := b.rank[p]
		dim := t.dim
		for q := t.start[node]; q < t.end[node]; q++ {
			if b.compOf[q] == cp {
				continue
			}
			cq := b.core[q]
			if cq > best.w {
				*pruned = min(*pruned, cq)
				continue
			}
			y := t.pts[int(q)*dim : int(q+1)*dim]
			var s float64
			for d := range x {
				u := x[d] - y[d]
				s += u * u
			}
			d := math.Sqrt(s)
			w := max(cpCore, cq, d/b.alpha)
			if w > best.w {
				*pruned = min(*pruned, w)
				continue
			}
			lo, hi := rp, b.rank[q]
			if lo > hi {
				lo, hi = hi, lo
			}
			if best.less(w, d, lo, hi) {
				*best = cand{q: q, w: w, d: d, lo: lo, hi: hi}
			}
		}
		return
	}
	l, r := t.left[node], t.right[node]
	bl, br := b.nodeBound(l, p, cp, x), b.nodeBound(r, p, cp, x)
	if br < bl {
		l, r = r, l
		bl, br = br, bl
	}
	if bl <= best.w {
		b.search(l, p, cp, x, best, pruned)
	} else if !math.IsInf(bl, 1) {
		*pruned = min(*pruned, bl)
	}
	if br <= best.w {
		b.search(r, p, cp, x, best, pruned)
	} else if !math.IsInf(br, 1) {
		*pruned = min(*pruned, br)
	}
}

// fromNeighbours settles point p's best edge from its k nearest neighbours
// when that is certain: with alpha 1, an edge to a neighbour q of another
// component with core_q ≤ core_p weighs core_p, the least any edge of p
// can weigh, and (without a tie at the k-th distance) every point within
// core_p is a neighbour, so the best of those is p's best edge.
func (b *boruvka) fromNeighbours(p int, cp int32) (cand, bool) {
	best := cand{q: -1}
	if b.alpha != 1 || b.tie[p] {
		return best, false
	}
	cpCore := b.core[p]
	rp := b.rank[p]
	for j := range b.k {
		q := b.nbrs[p*b.k+j]
		if int(q) == p || b.compOf[q] == cp || b.core[q] > cpCore {
			continue
		}
		lo, hi := rp, b.rank[q]
		if lo > hi {
			lo, hi = hi, lo
		}
		d := b.nbrD[p*b.k+j]
		if best.q < 0 || best.less(cpCore, d, lo, hi) {
			best = cand{q: q, w: cpCore, d: d, lo: lo, hi: hi}
		}
	}
	return best, best.q >= 0
}

// nodeBound is a lower bound of the weight of any edge from p to a point of
// node in another component (+Inf if there is none).
func (b *boruvka) nodeBound(node, p, cp int32, x []float64) float64 {
	if b.nodeComp[node] == cp {
		return math.Inf(1)
	}
	return max(b.core[p], b.nodeMinCore[node], math.Sqrt(b.t.boxDist2(node, x))/b.alpha)
}
