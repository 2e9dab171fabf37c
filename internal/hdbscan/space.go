package hdbscan

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"motif/internal/vec"
)

// kdMaxDim is the largest dimension searched with a KD-tree; above it
// distances are computed densely.
const kdMaxDim = 16

// float64MaxDim is the largest dimension whose distances are summed in
// float64; above it the float32 kernels of package vec are used.
const float64MaxDim = 64

// space is the input as the algorithms see it: finite rows, normalised for
// the cosine metric, with a canonical rank per point for breaking ties.
type space struct {
	data   []float32
	n, dim int
	metric Metric
	// rank orders the points lexicographically by coordinates (input
	// index only between identical rows), so that ties between equal
	// distances never depend on the input order.
	rank []int32
	// rankDone is closed once rank is computed (in the background, while
	// the KD-tree and core distances are built); call waitRank first.
	rankDone chan struct{}
	// sq holds, under Cosine, each normalised row's squared norm as the
	// distance's dot product computes it, so that a row is at distance
	// exactly 0 from itself and its duplicates (as package knn does).
	sq []float64
}

// waitRank waits until the canonical ranks are ready.
func (s *space) waitRank() { <-s.rankDone }

func newSpace(data []float32, n, dim int, m Metric) *space {
	s := &space{data: data, n: n, dim: dim, metric: m}
	if m == Cosine {
		s.data = slices.Clone(data[:n*dim])
		vec.NormalizeRows(s.data, dim)
		s.sq = make([]float64, n)
		for i := range s.sq {
			s.sq[i] = s.dot(s.row(i), s.row(i))
		}
	}
	s.rankDone = make(chan struct{})
	go s.computeRank()
	return s
}

// computeRank sets rank and closes rankDone.
func (s *space) computeRank() {
	n, dim := s.n, s.dim
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	if dim <= 2 {
		// Pack the coordinates into one ordered integer per point.
		type keyed struct {
			k uint64
			i int32
		}
		ks := make([]keyed, n)
		for i := range ks {
			var k uint64
			for d, v := range s.row(i) {
				k |= uint64(orderedBits(v)) << (32 * (1 - d))
			}
			ks[i] = keyed{k, int32(i)}
		}
		slices.SortFunc(ks, func(a, b keyed) int {
			if c := cmp.Compare(a.k, b.k); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
		for r, k := range ks {
			order[r] = k.i
		}
	} else {
		slices.SortFunc(order, func(a, b int32) int {
			ra, rb := s.row(int(a)), s.row(int(b))
			for d := range ra {
				if c := cmp.Compare(ra[d], rb[d]); c != 0 {
					return c
				}
			}
			return cmp.Compare(a, b)
		})
	}
	s.rank = make([]int32, n)
	for r, i := range order {
		s.rank[i] = int32(r)
	}
	close(s.rankDone)
}

// orderedBits maps a finite float32 to a uint32 of the same order (−0 and
// +0 apart, which only affects the order of ties).
func orderedBits(v float32) uint32 {
	b := math.Float32bits(v)
	if b&(1<<31) != 0 {
		return ^b
	}
	return b | 1<<31
}

func (s *space) row(i int) []float32 { return s.data[i*s.dim : (i+1)*s.dim] }

// dist is the distance between points i and j: up to float64MaxDim
// dimensions summed in float64 in coordinate order (as scikit-learn's
// metrics), above with the float32 kernels of package vec. Cosine is
// 1 − dot/√(‖a‖²‖b‖²) of the normalised rows, clamped to [0, 2].
func (s *space) dist(i, j int) float64 {
	a, b := s.row(i), s.row(j)
	if s.metric == Cosine {
		if s.sq[i] == 0 || s.sq[j] == 0 {
			return 1 // an all-zero row is at distance 1 from everything
		}
		return min(max(1-s.dot(a, b)/math.Sqrt(s.sq[i]*s.sq[j]), 0), 2)
	}
	if s.dim <= float64MaxDim {
		var sum float64
		for d := range a {
			u := float64(a[d]) - float64(b[d])
			sum += u * u
		}
		return math.Sqrt(sum)
	}
	return math.Sqrt(float64(vec.SquaredL2(a, b)))
}

func (s *space) dot(a, b []float32) float64 {
	if s.dim <= float64MaxDim {
		var dot float64
		for d := range a {
			dot += float64(a[d]) * float64(b[d])
		}
		return dot
	}
	return float64(vec.Dot(a, b))
}

// keyLess orders edges (w1; a1, b1) and (w2; a2, b2) by weight, then by
// the distance between their ends (among equal mutual reachabilities the
// geometrically closer pair comes first), then by the smaller and the larger
// canonical rank of their ends: a strict total order, so that the minimum
// spanning tree and the single-linkage tree are unique.
func (s *space) keyLess(w1 float64, a1, b1 int32, w2 float64, a2, b2 int32) bool {
	if w1 != w2 {
		return w1 < w2
	}
	if d1, d2 := s.dist(int(a1), int(b1)), s.dist(int(a2), int(b2)); d1 != d2 {
		return d1 < d2
	}
	l1, h1 := s.rank[a1], s.rank[b1]
	if l1 > h1 {
		l1, h1 = h1, l1
	}
	l2, h2 := s.rank[a2], s.rank[b2]
	if l2 > h2 {
		l2, h2 = h2, l2
	}
	if l1 != l2 {
		return l1 < l2
	}
	return h1 < h2
}

// Edge is an edge of the spanning tree between input points A and B.
type Edge struct {
	A, B int32
	W    float64
}

// sortEdges orients every edge from its lower-ranked end (A) to its
// higher-ranked end (B) and sorts the edges by the total order of keyLess,
// so that the single-linkage tree does not depend on the input order.
func (s *space) sortEdges(edges []Edge) {
	s.waitRank()
	for i := range edges {
		if s.rank[edges[i].A] > s.rank[edges[i].B] {
			edges[i].A, edges[i].B = edges[i].B, edges[i].A
		}
	}
	slices.SortFunc(edges, func(x, y Edge) int {
		if s.keyLess(x.W, x.A, x.B, y.W, y.A, y.B) {
			return -1
		}
		if s.keyLess(y.W, y.A, y.B, x.W, x.A, x.B) {
			return 1
		}
		return 0
	})
}

// parallelFor runs f(lo, hi) over [0, n) in chunks of chunk items on
// threads goroutines and returns ctx's error if it was cancelled.
func parallelFor(ctx context.Context, threads, n, chunk int, f func(lo, hi int)) error {
	if n == 0 {
		return ctx.Err()
	}
	if chunk < 1 {
		chunk = 1
	}
	chunks := (n + chunk - 1) / chunk
	threads = max(1, min(threads, chunks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks || ctx.Err() != nil {
					return
				}
				lo := c * chunk
				f(lo, min(n, lo+chunk))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// atomicMinFloat lowers *p (the bits of a non-negative float64) to w if w
// is smaller.
func atomicMinFloat(p *atomic.Uint64, w float64) {
	nb := math.Float64bits(w)
	for {
		old := p.Load()
		if math.Float64frombits(old) <= w {
			return
		}
		if p.CompareAndSwap(old, nb) {
			return
		}
	}
}

// unionFind is a disjoint-set forest with path halving and union by size.
type unionFind struct {
	parent []int32
	size   []int32
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
		u.size[i] = 1
	}
	return u
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

// union joins the sets of x and y and reports whether they were apart.
func (u *unionFind) union(x, y int32) bool {
	x, y = u.find(x), u.find(y)
	if x == y {
		return false
	}
	if u.size[x] < u.size[y] {
		x, y = y, x
	}
	u.parent[y] = x
	u.size[x] += u.size[y]
	return true
}
