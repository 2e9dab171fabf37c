package knn

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"motif/internal/vec"
)

// Exact returns the exact k-nearest-neighbour graph of the n×dim row-major
// matrix data (k counts the point itself, neighbour 0) by blocked brute
// force on all cores: blocks of query rows against blocks of data rows sized
// to stay in cache, O(n²·dim) work. It is the ground truth for Descent, and
// what umap-learn uses below 4,096 points.
//
// Distances are those of opts.Metric (see Metric); the caller's data is never
// modified. Ties are broken by the smaller index, and the point itself comes
// first among neighbours at distance 0, so with exact duplicates a point
// lists itself, then its duplicates in index order. It panics if
// len(data) != n·dim and returns an error for k outside [1, n], non-finite
// values, or all-zero rows under Cosine.
func Exact(ctx context.Context, data []float32, n, dim, k int, opts Options) (*Graph, error) {
	p := opts.resolve(n, k)
	s, err := prepare(ctx, data, n, dim, k, opts.Metric, p.threads)
	if err != nil {
		return nil, err
	}
	return exact(ctx, s, n, k, p.threads, &reporter{f: opts.Progress})
}

func exact(ctx context.Context, s *space, n, k, threads int, rep *reporter) (*Graph, error) {
	g := NewGraph(n, k)
	flags := make([]uint8, n*k)
	const queryBlock = 32
	dataBlock := max(16, (256<<10)/(4*s.dim)) // ≈ 256 KiB of data rows per block
	nq := (n + queryBlock - 1) / queryBlock
	var done int
	var mu sync.Mutex
	err := parallelFor(ctx, threads, nq, func(b int) {
		lo, hi := b*queryBlock, min(n, (b+1)*queryBlock)
		for q := lo; q < hi; q++ {
			d, ix, fl := g.Dists[q*k:(q+1)*k], g.Indices[q*k:(q+1)*k], flags[q*k:(q+1)*k]
			heapInit(d, ix, fl)
			heapPush(d, ix, fl, 0, int32(q), 0)
		}
		buf := make([]float32, dataBlock)
		for jlo := 0; jlo < n; jlo += dataBlock {
			jhi := min(n, jlo+dataBlock)
			for q := lo; q < hi; q++ {
				d, ix, fl := g.Dists[q*k:(q+1)*k], g.Indices[q*k:(q+1)*k], flags[q*k:(q+1)*k]
				dist := buf[:jhi-jlo]
				s.distRow(dist, int32(q), jlo)
				for j, dj := range dist {
					if dj < d[0] && jlo+j != q {
						heapPush(d, ix, fl, dj, int32(jlo+j), 0)
					}
				}
			}
		}
		for q := lo; q < hi; q++ {
			finishRow(s, int32(q), g.Dists[q*k:(q+1)*k], g.Indices[q*k:(q+1)*k])
		}
		mu.Lock()
		done++
		rep.report("exact", done, nq)
		mu.Unlock()
	})
	if err != nil {
		return nil, fmt.Errorf("exact knn: %w", err)
	}
	return g, nil
}

// Nearest returns the k rows of the n×dim row-major matrix data nearest to
// the query q under metric m, nearest first, with their distances; ties go to
// the smaller index. It is a brute-force scan meant for single queries such
// as "similar images". k is capped at n. Under Cosine, rows and query are
// normalised on the fly (pre-normalised data gives the same result), and a
// zero row or zero query is at distance 1 from everything. Non-finite values
// propagate into the distances. It panics if len(data) != n·dim or
// len(q) != dim.
func Nearest(data []float32, n, dim int, q []float32, k int, m Metric) ([]int32, []float32) {
	if n < 0 || dim < 1 || len(data) != n*dim || len(q) != dim {
		panic(fmt.Sprintf("knn: Nearest of data length %d, query length %d with n×dim = %d×%d", len(data), len(q), n, dim))
	}
	k = min(k, n)
	if k < 1 {
		return nil, nil
	}
	var qq float64
	if m == Cosine {
		qq = float64(vec.Dot(q, q))
	}
	// Split the rows into parts scanned in parallel, each keeping its own k
	// best; merging by (distance, index) gives what one scan would.
	parts := max(1, min(runtime.GOMAXPROCS(0), n*dim/(1<<20)))
	d := make([]float32, parts*k)
	ix := make([]int32, parts*k)
	fl := make([]uint8, parts*k)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := p*n/parts, (p+1)*n/parts
			nearestPart(d[p*k:(p+1)*k], ix[p*k:(p+1)*k], fl[p*k:(p+1)*k], data[lo*dim:hi*dim], lo, q, qq, m)
		}()
	}
	wg.Wait()
	sort.Sort(rowSorter{self: -1, d: d, ix: ix})
	d, ix = d[:k], ix[:k]
	if m != Cosine {
		for j := range d {
			d[j] = float32(math.Sqrt(float64(d[j])))
		}
	}
	return ix, d
}

// nearestPart scans the rows of part, whose first row is point lo, into the
// bounded heap (d, ix, fl) of search distances to q (squared for
// Euclidean); qq is q·q under Cosine.
func nearestPart(d []float32, ix []int32, fl []uint8, part []float32, lo int, q []float32, qq float64, m Metric) {
	dim := len(q)
	heapInit(d, ix, fl)
	const block = 256
	buf := make([]float32, block)
	n := len(part) / dim
	for j0 := 0; j0 < n; j0 += block {
		dist := buf[:min(block, n-j0)]
		rows := part[j0*dim : (j0+len(dist))*dim]
		if m != Cosine {
			vec.SquaredL2Batch(dist, q, rows)
		} else {
			vec.DotBatch(dist, q, rows)
		}
		for j, dj := range dist {
			if m == Cosine {
				x := rows[j*dim : (j+1)*dim]
				xx := float64(vec.Dot(x, x))
				if xx == 0 || qq == 0 {
					dj = 1
				} else {
					// The same kernel for all three dots puts a row equal
					// to q at exactly 0.
					dj = float32(min(2, max(0, 1-float64(dj)/math.Sqrt(xx*qq))))
				}
			}
			if dj < d[0] {
				heapPush(d, ix, fl, dj, int32(lo+j0+j), 0)
			}
		}
	}
}

// Recall returns the mean over points of |A_i ∩ E_i| / K, where E_i are the
// exact.K neighbours of point i in exact and A_i the first exact.K of
// approx: the share of true neighbours that approx found (1 = all). The point
// itself counts, as in pynndescent's and umap-learn's graphs. Neighbours are
// compared by index, so with ties at the k-th distance (exact duplicates) a
// correct graph can score below 1. It panics if the graphs have different N
// or approx has fewer than exact.K neighbours.
func Recall(approx, exact *Graph) float64 {
	if approx.N != exact.N || approx.K < exact.K {
		panic(fmt.Sprintf("knn: Recall of a %d×%d graph against a %d×%d one", approx.N, approx.K, exact.N, exact.K))
	}
	if exact.N == 0 || exact.K == 0 {
		return 1
	}
	var hits int
	for i := range exact.N {
		e := exact.Indices[i*exact.K : (i+1)*exact.K]
		a := approx.Indices[i*approx.K : i*approx.K+exact.K]
		for _, x := range a {
			for _, y := range e {
				if x == y {
					hits++
					break
				}
			}
		}
	}
	return float64(hits) / float64(exact.N*exact.K)
}
