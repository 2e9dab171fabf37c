package hdbscan

import (
	"context"
	"math"
	"slices"
)

// knnSpanningTree returns a spanning tree of the mutual-reachability graph
// restricted to k-nearest-neighbour edges: Kruskal over the edges (i, j) of
// the graph weighted max(core_i, core_j, d_ij/alpha), then, while the forest
// has several components, Borůvka rounds over components that find each
// component's lightest mutual-reachability edge to the rest by brute force
// (only the points outside the largest component are scanned; the largest
// component's best edge is the best edge that reaches it). The result is
// the minimum spanning tree of the kNN graph plus those joining edges; it is
// heavier than or equal to the exact tree.
func knnSpanningTree(ctx context.Context, sp *space, nbrs []int32, nbrD []float64, k int, core []float64, alpha float64, threads int, progress func(string, int, int)) ([]Edge, error) {
	n := sp.n
	sp.waitRank()
	cands := make([]Edge, 0, n*(k-1))
	for i := range n {
		for j := range k {
			q := nbrs[i*k+j]
			if q < 0 || int(q) == i {
				continue
			}
			cands = append(cands, Edge{A: int32(i), B: q, W: max(core[i], core[q], nbrD[i*k+j]/alpha)})
		}
	}
	sp.sortEdges(cands)
	uf := newUnionFind(n)
	edges := make([]Edge, 0, n-1)
	for _, e := range cands {
		if uf.union(e.A, e.B) {
			edges = append(edges, e)
		}
	}
	if progress != nil {
		progress("mst", len(edges), n-1)
	}
	comp := make([]int32, n)
	for len(edges) < n-1 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i := range comp {
			comp[i] = uf.find(int32(i))
		}
		giant := comp[0]
		for i := range comp {
			if uf.size[comp[i]] > uf.size[giant] {
				giant = comp[i]
			}
		}
		var outside []int32
		for i, c := range comp {
			if c != giant {
				outside = append(outside, int32(i))
			}
		}
		// For each outside point: its best edge to any other component, and
		// its best edge into the giant component.
		bestAny := make([]Edge, len(outside))
		bestGiant := make([]Edge, len(outside))
		err := parallelFor(ctx, threads, len(outside), 4, func(lo, hi int) {
			for t := lo; t < hi; t++ {
				p := outside[t]
				cp := comp[p]
				ba := Edge{A: p, B: -1, W: math.Inf(1)}
				bg := ba
				for q := range n {
					if comp[q] == cp {
						continue
					}
					w := max(core[p], core[q], sp.dist(int(p), q)/alpha)
					if ba.B < 0 || sp.keyLess(w, p, int32(q), ba.W, ba.A, ba.B) {
						ba = Edge{A: p, B: int32(q), W: w}
					}
					if comp[q] == giant && (bg.B < 0 || sp.keyLess(w, p, int32(q), bg.W, bg.A, bg.B)) {
						bg = Edge{A: p, B: int32(q), W: w}
					}
				}
				bestAny[t], bestGiant[t] = ba, bg
			}
		})
		if err != nil {
			return nil, err
		}
		best := map[int32]Edge{}
		better := func(c int32, e Edge) {
			if e.B < 0 {
				return
			}
			if o, ok := best[c]; !ok || sp.keyLess(e.W, e.A, e.B, o.W, o.A, o.B) {
				best[c] = e
			}
		}
		for t, p := range outside {
			better(comp[p], bestAny[t])
			better(giant, bestGiant[t])
		}
		keys := make([]int32, 0, len(best))
		for c := range best {
			keys = append(keys, c)
		}
		slices.Sort(keys)
		for _, c := range keys {
			e := best[c]
			if uf.union(e.A, e.B) {
				edges = append(edges, e)
			}
		}
		if progress != nil {
			progress("mst", len(edges), n-1)
		}
	}
	return edges, nil
}
