package hdbscan

import (
	"context"
	"math"
	"sync/atomic"
)

// denseKNN returns, for every point, its k nearest points (the point itself
// included, ascending distance) by brute force: O(n²·dim) time, n·k memory.
func denseKNN(ctx context.Context, sp *space, k, threads int, progress func(string, int, int)) ([]int32, []float64, error) {
	n := sp.n
	idx := make([]int32, n*k)
	dst := make([]float64, n*k)
	var done atomic.Int64
	err := parallelFor(ctx, threads, n, 16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ix, ds := idx[i*k:(i+1)*k], dst[i*k:(i+1)*k]
			for j := range ds {
				ds[j] = math.Inf(1)
				ix[j] = -1
			}
			for j := range n {
				d := sp.dist(i, j)
				if j == i {
					d = 0
				}
				if d >= ds[k-1] {
					continue
				}
				m := k - 1
				for m > 0 && ds[m-1] > d {
					ds[m], ix[m] = ds[m-1], ix[m-1]
					m--
				}
				ds[m], ix[m] = d, int32(j)
			}
		}
		if progress != nil {
			progress("core", int(done.Add(int64(hi-lo))), n)
		}
	})
	return idx, dst, err
}

// primDense returns the exact mutual-reachability minimum spanning tree by
// Prim's algorithm over distances computed on the fly (O(n²·dim) time, O(n)
// memory), as hdbscan's mst_linkage_core_vector, with the update of the
// frontier split across threads. A point's tentative edge is only
// recomputed when the new tree point's core distance does not already
// exceed it. Ties are broken by the canonical ranks of the ends.
func primDense(ctx context.Context, sp *space, core []float64, alpha float64, threads int, progress func(string, int, int)) ([]Edge, error) {
	n := sp.n
	sp.waitRank()
	cur := make([]float64, n)
	src := make([]int32, n)
	inTree := make([]bool, n)
	for i := range cur {
		cur[i] = math.Inf(1)
		src[i] = -1
	}
	// Start from the canonically first point; the tree does not depend on
	// it, but the work order then does not depend on the input order.
	c := 0
	for i, r := range sp.rank {
		if r == 0 {
			c = i
		}
	}
	edges := make([]Edge, 0, n-1)
	type best struct {
		j int32
		w float64
	}
	chunk := max(256, n/(4*max(threads, 1)))
	nChunks := (n + chunk - 1) / chunk
	bests := make([]best, nChunks)
	for len(edges) < n-1 {
		inTree[c] = true
		cc := core[c]
		err := parallelFor(ctx, threads, n, chunk, func(lo, hi int) {
			bj, bw := int32(-1), math.Inf(1)
			for j := lo; j < hi; j++ {
				if inTree[j] {
					continue
				}
				if !(max(cc, core[j]) > cur[j]) {
					w := max(cc, core[j], sp.dist(c, j)/alpha)
					if src[j] < 0 || sp.keyLess(w, int32(c), int32(j), cur[j], src[j], int32(j)) {
						cur[j], src[j] = w, int32(c)
					}
				}
				if bj < 0 || sp.keyLess(cur[j], src[j], int32(j), bw, src[bj], bj) {
					bj, bw = int32(j), cur[j]
				}
			}
			bests[lo/chunk] = best{bj, bw}
		})
		if err != nil {
			return nil, err
		}
		bj := int32(-1)
		for i := range bests {
			j := bests[i].j
			bests[i].j = -1
			if j < 0 {
				continue
			}
			if bj < 0 || sp.keyLess(cur[j], src[j], j, cur[bj], src[bj], bj) {
				bj = j
			}
		}
		edges = append(edges, Edge{A: src[bj], B: bj, W: cur[bj]})
		c = int(bj)
		if progress != nil && len(edges)%256 == 0 {
			progress("mst", len(edges), n-1)
		}
	}
	return edges, nil
}
