package quality

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// NeighborOptions tunes [NeighborPreservation], [Trustworthiness] and
// [NeighborRecall]. The zero value gives the exact scores over all points on
// all available cores.
type NeighborOptions struct {
	// Queries, when positive and below n, scores only that many query
	// points, drawn without replacement with [SampleIndices]; each query's
	// neighbours and ranks are still taken among all n points, so the
	// result is an unbiased estimate of the exact score at a cost of
	// O(Queries·n·dim). Default 0: every point is a query (O(n²·dim)).
	Queries int
	// Seed selects the query points when Queries is set. Default 0.
	Seed int64
	// Float32, when set, computes original-space distances in float32
	// with the SIMD kernels of motif's vec package: several times faster
	// in high dimensions on AVX2 machines. Near-tied neighbours may then
	// rank differently from float64, moving the scores slightly (of the
	// order of 1e-5 on 768-dimensional embeddings). Default false.
	Float32 bool
	// Threads is the number of goroutines; default 0 means GOMAXPROCS.
	Threads int
	// Progress, if not nil, receives ("neighbors", queries done, queries)
	// as the work advances. Calls never overlap.
	Progress func(phase string, done, total int)
}

// NeighborScores are the neighbourhood-preservation scores of a layout.
type NeighborScores struct {
	// Trustworthiness at K, as scikit-learn's
	// sklearn.manifold.trustworthiness (1 is perfect).
	Trustworthiness float64
	// Recall is the mean over queries of |N_K^high ∩ N_K^low| / K.
	Recall float64
	// K is the neighbourhood size and Queries the number of query points
	// the scores average over.
	K, Queries int
}

// neighborTile is the number of queries one worker handles together, so that
// each data row streamed from memory serves that many queries.
const neighborTile = 8

// NeighborPreservation measures how well a low-dimensional layout low (n
// rows of lowDim, compared with the Euclidean distance) keeps the
// k-nearest-neighbour structure of the original data high (n rows of highDim,
// compared with metric), computing trustworthiness and kNN recall in one
// pass.
//
// Trustworthiness follows Venna and Kaski (2001) as scikit-learn's
// sklearn.manifold.trustworthiness computes it:
//
//	T(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ N_k^low(i) \ N_k^high(i)} (r(i, j) − k)
//
// where r(i, j) ≥ 1 is the rank of j among the n − 1 other points by distance
// from i in the original space, and neighbourhoods exclude the point itself.
// Distance ties rank the lower index first. With opts.Queries = m < n, the
// sum runs over m sampled queries and n·k in the normaliser becomes m·k.
//
// k must satisfy 1 ≤ k < n/2 (scikit-learn's condition), else it returns an
// error. It panics if len(high) ≠ n·highDim or len(low) ≠ n·lowDim.
func NeighborPreservation(ctx context.Context, high []float32, highDim int, low []float32, lowDim int, n, k int, metric Metric, opts NeighborOptions) (NeighborScores, error) {
	checkShape("NeighborPreservation", high, n, highDim)
	checkShape("NeighborPreservation", low, n, lowDim)
	if k < 1 || 2*k >= n {
		return NeighborScores{}, fmt.Errorf("neighbor preservation: k = %d with %d points; need 1 <= k < n/2 (fewer neighbours or more points)", k, n)
	}
	queries := make([]int, 0, n)
	if opts.Queries > 0 && opts.Queries < n {
		queries = SampleIndices(n, opts.Queries, opts.Seed)
	} else {
		for i := range n {
			queries = append(queries, i)
		}
	}
	hp := newPoints(high, n, highDim, metric)
	if opts.Float32 {
		hp = newPoints32(high, n, highDim, metric)
	}
	lp := newPoints(low, n, lowDim, Euclidean)
	m := len(queries)
	tiles := (m + neighborTile - 1) / neighborTile
	workers := threadCount(opts.Threads, tiles)
	ws := make([]neighborScratch, workers)
	for w := range ws {
		ws[w] = neighborScratch{
			dh:         make([]float64, neighborTile*n),
			dl:         make([]float64, neighborTile*n),
			lowNN:      make([]int, 0, k),
			highNN:     make([]int, 0, k),
			thresholds: make([]rankedDist, 0, k),
			hist:       make([]int, k+1),
			highTile:   newTile(neighborTile, highDim),
			lowTile:    newTile(neighborTile, lowDim),
			out:        make([]float64, neighborTile),
		}
	}
	var progress func(int)
	if opts.Progress != nil {
		progress = func(done int) { opts.Progress("neighbors", min(done*neighborTile, m), m) }
	}
	err := parallelBlocks(ctx, workers, tiles, func(w, t int) {
		s := &ws[w]
		tile := queries[t*neighborTile : min((t+1)*neighborTile, m)]
		hp.distRows(s.dh, tile, s.highTile, s.out)
		lp.distRows(s.dl, tile, s.lowTile, s.out)
		for q, i := range tile {
			dh := s.dh[q*n : (q+1)*n]
			dl := s.dl[q*n : (q+1)*n]
			s.lowNN = nearest(s.lowNN[:0], dl, i, k)
			s.highNN = nearest(s.highNN[:0], dh, i, k)
			for _, j := range s.lowNN {
				if slices.Contains(s.highNN, j) {
					s.shared++
				}
			}
			s.penalty += s.rankPenalty(dh, i, k)
		}
	}, progress)
	if err != nil {
		return NeighborScores{}, fmt.Errorf("neighbor preservation: %w", err)
	}
	var penalty, shared int64
	for _, s := range ws {
		penalty += s.penalty
		shared += s.shared
	}
	nf, kf, mf := float64(n), float64(k), float64(m)
	return NeighborScores{
		Trustworthiness: 1 - float64(penalty)*(2/(mf*kf*(2*nf-3*kf-1))),
		Recall:          float64(shared) / (mf * kf),
		K:               k,
		Queries:         m,
	}, nil
}

// neighborScratch is one worker's memory.
type neighborScratch struct {
	dh, dl          []float64 // neighborTile × n distances
	lowNN, highNN   []int
	thresholds      []rankedDist
	hist            []int
	penalty, shared int64 // running totals
	highTile        *tile
	lowTile         *tile
	out             []float64
}

// rankPenalty returns Σ (r(i, j) − k) over the low-space neighbours j of i
// (in s.lowNN) whose rank r in the original space exceeds k. All k ranks
// come from one pass over dh, each point being counted against every
// neighbour it precedes in (distance, index) order: O(n log k).
func (s *neighborScratch) rankPenalty(dh []float64, i, k int) int64 {
	s.thresholds = s.thresholds[:0]
	for _, j := range s.lowNN {
		s.thresholds = append(s.thresholds, rankedDist{dh[j], j})
	}
	slices.SortFunc(s.thresholds, func(a, b rankedDist) int {
		if a.less(b) {
			return -1
		}
		if b.less(a) {
			return 1
		}
		return 0
	})
	clear(s.hist)
	t := s.thresholds
	for l, d := range dh {
		if l == i {
			continue
		}
		key := rankedDist{d, l}
		// p = number of thresholds not after key.
		lo, hi := 0, len(t)
		for lo < hi {
			mid := (lo + hi) / 2
			if key.less(t[mid]) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		s.hist[lo]++
	}
	var penalty int64
	before := 0
	for q := range t {
		before += s.hist[q]
		if r := 1 + before; r > k {
			penalty += int64(r - k)
		}
	}
	return penalty
}

// Trustworthiness returns the trustworthiness at k of the layout low with
// respect to high; see [NeighborPreservation] for the definition and the
// arguments.
func Trustworthiness(ctx context.Context, high []float32, highDim int, low []float32, lowDim int, n, k int, metric Metric, opts NeighborOptions) (float64, error) {
	s, err := NeighborPreservation(ctx, high, highDim, low, lowDim, n, k, metric, opts)
	return s.Trustworthiness, err
}

// NeighborRecall returns the mean fraction of each point's k nearest
// neighbours in high (by metric) that are also among its k nearest in low
// (Euclidean); see [NeighborPreservation] for the arguments.
func NeighborRecall(ctx context.Context, high []float32, highDim int, low []float32, lowDim int, n, k int, metric Metric, opts NeighborOptions) (float64, error) {
	s, err := NeighborPreservation(ctx, high, highDim, low, lowDim, n, k, metric, opts)
	return s.Recall, err
}

// rankedDist orders points by distance, then index.
type rankedDist struct {
	d float64
	j int
}

func (a rankedDist) less(b rankedDist) bool { return a.d < b.d || (a.d == b.d && a.j < b.j) }

// distRows fills dst[q*n:(q+1)*n] with the distances from point rows[q] to
// every point; the entry of the point itself is +Inf. t and out are scratch
// for len(rows) queries.
func (p *points) distRows(dst []float64, rows []int, t *tile, out []float64) {
	n := len(p.data) / p.dim
	t.load(p, rows)
	out = out[:len(rows)]
	for j := range n {
		t.dists(out, p, j)
		for q, d := range out {
			dst[q*n+j] = d
		}
	}
	for q, i := range rows {
		dst[q*n+i] = math.Inf(1)
	}
}

// nearest appends to dst the k points nearest by d (excluding self), in
// (distance, index) order.
func nearest(dst []int, d []float64, self, k int) []int {
	// A sorted insertion buffer: k is small (tens) against n.
	for j, v := range d {
		if j == self {
			continue
		}
		if len(dst) == k {
			last := dst[k-1]
			if !(rankedDist{v, j}).less(rankedDist{d[last], last}) {
				continue
			}
			dst = dst[:k-1]
		}
		pos := len(dst)
		for pos > 0 && (rankedDist{v, j}).less(rankedDist{d[dst[pos-1]], dst[pos-1]}) {
			pos--
		}
		dst = slices.Insert(dst, pos, j)
	}
	return dst
}
