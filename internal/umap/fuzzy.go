package umap

import (
	"math"
	"sync"
	"sync/atomic"
)

// Constants of umap-learn's smooth_knn_dist (umap/umap_.py).
const (
	smoothKTolerance = 1e-5
	minKDistScale    = 1e-3
	smoothKIters     = 64
)

// smoothKNNDist returns σ_i and ρ_i for every row of a k-nearest-neighbour
// distance matrix (n rows of k sorted distances, neighbour 0 being the point
// itself), as umap-learn's smooth_knn_dist: ρ_i is the distance to the
// localConnectivity-th non-zero neighbour (interpolated for fractional
// values), and σ_i is found by a 64-step binary search so that
// Σ_{j≥1} exp(−max(0, d_ij − ρ_i)/σ_i) = log2(target), then floored at
// 1e-3 times the mean distance of the row (ρ_i > 0) or of all rows.
// Distances of +Inf mark missing neighbours. Rows are independent, so the
// work is split over threads; the mean of all rows, a serial sum, is
// computed only when some ρ_i is 0.
func smoothKNNDist(dists []float32, n, k int, target, localConnectivity float64, threads int) (sigmas, rhos []float32) {
	sigmas = make([]float32, n)
	rhos = make([]float32, n)
	goal := math.Log2(target)
	var needMeanAll atomic.Bool

	parallelFor(threads, n, 256, func(lo, hi int) {
		nonZero := make([]float32, 0, k)
		for i := lo; i < hi; i++ {
			row := dists[i*k : (i+1)*k]
			nonZero = nonZero[:0]
			for _, d := range row {
				if d > 0 {
					nonZero = append(nonZero, d)
				}
			}
			var rho float32
			if float64(len(nonZero)) >= localConnectivity {
				index := int(math.Floor(localConnectivity))
				interp := localConnectivity - float64(index)
				if index > 0 {
					rho = nonZero[index-1]
					if interp > smoothKTolerance {
						rho = float32(float64(rho) + interp*float64(nonZero[index]-nonZero[index-1]))
					}
				} else {
					rho = float32(interp * float64(nonZero[0]))
				}
			} else if len(nonZero) > 0 {
				rho = nonZero[0]
				for _, d := range nonZero {
					rho = max(rho, d)
				}
			}

			// float32 search variables, as umap-learn declares them.
			lo, hi, mid := float32(0), float32(math.Inf(1)), float32(1)
			for range smoothKIters {
				// The terms are positive and float32 rounding is
				// monotone, so once the partial sum is above the goal by
				// the tolerance, so is the whole: the search takes the
				// same step without the remaining terms (a third of the
				// exponentials on Fashion-MNIST).
				var psum float32
				above := false
				for _, dj := range row[1:] {
					d := dj - rho
					if d > 0 {
						psum += float32(math.Exp(float64(-(d / mid))))
					} else {
						psum++
					}
					if float64(psum)-goal >= smoothKTolerance {
						above = true
						break
					}
				}
				if !above && math.Abs(float64(psum)-goal) < smoothKTolerance {
					break
				}
				if above || float64(psum) > goal {
					hi = mid
					mid = (lo + hi) / 2
				} else {
					lo = mid
					if math.IsInf(float64(hi), 1) {
						mid *= 2
					} else {
						mid = (lo + hi) / 2
					}
				}
			}
			sigma := mid
			if rho > 0 {
				var s float64
				for _, d := range row {
					s += float64(d)
				}
				if floor := float32(minKDistScale * s / float64(k)); sigma < floor {
					sigma = floor
				}
			} else {
				needMeanAll.Store(true)
			}
			sigmas[i] = sigma
			rhos[i] = rho
		}
	})
	if needMeanAll.Load() {
		// Summed in order on one thread, so that the floor does not
		// depend on the number of threads.
		var total float64
		for _, d := range dists {
			total += float64(d)
		}
		floor := float32(minKDistScale * total / float64(len(dists)))
		for i, rho := range rhos {
			if !(rho > 0) && sigmas[i] < floor {
				sigmas[i] = floor
			}
		}
	}
	return sigmas, rhos
}

// sparseGraph is a square sparse matrix in CSR form with column indices
// sorted within each row.
type sparseGraph struct {
	n       int
	indptr  []int   // n+1 offsets into indices and weights
	indices []int32 // column of each entry
	weights []float32
}

func (g *sparseGraph) nnz() int { return len(g.indices) }

// row returns the columns and weights of row i.
func (g *sparseGraph) row(i int) ([]int32, []float32) {
	a, b := g.indptr[i], g.indptr[i+1]
	return g.indices[a:b], g.weights[a:b]
}

// graphGrain is the number of rows in a block of the parallel graph
// passes: large enough to amortise handing it out, small enough to balance
// rows of uneven length.
const graphGrain = 2048

// membershipGraph builds the directed fuzzy membership matrix of
// umap-learn's compute_membership_strengths: w_ij = 0 for j = i,
// 1 if d_ij − ρ_i ≤ 0 or σ_i = 0, exp(−(d_ij − ρ_i)/σ_i) otherwise. Zero
// entries and neighbours with index −1 are left out, as eliminate_zeros does,
// and a neighbour listed twice (only in malformed graphs) gets the sum of its
// weights in the order listed, as scipy's COO format sums duplicates. Rows
// are built on threads goroutines, each at i·k in scratch arrays, then
// copied side by side.
func membershipGraph(indices []int32, dists []float32, n, k int, sigmas, rhos []float32, threads int) *sparseGraph {
	cols := make([]int32, n*k)
	ws := make([]float32, n*k)
	g := &sparseGraph{n: n, indptr: make([]int, n+1)}
	parallelFor(threads, n, graphGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			rc, rw := cols[i*k:i*k:(i+1)*k], ws[i*k:i*k:(i+1)*k]
			for c := range k {
				j := indices[i*k+c]
				if j < 0 || int(j) == i {
					continue
				}
				d := dists[i*k+c]
				var w float32
				switch {
				case d-rhos[i] <= 0 || sigmas[i] == 0:
					w = 1
				default:
					w = float32(math.Exp(-float64(d-rhos[i]) / float64(sigmas[i])))
				}
				if w == 0 {
					continue
				}
				// Insertion sort by column, keeping duplicates in the
				// order listed: rows are short (k − 1 entries).
				p := len(rc)
				rc, rw = append(rc, j), append(rw, w)
				for p > 0 && rc[p-1] > j {
					rc[p], rw[p] = rc[p-1], rw[p-1]
					p--
				}
				rc[p], rw[p] = j, w
			}
			m := 0
			for c, j := range rc {
				if c > 0 && rc[m-1] == j {
					rw[m-1] += rw[c]
					continue
				}
				rc[m], rw[m] = j, rw[c]
				m++
			}
			g.indptr[i+1] = m
		}
	})
	for i := range n {
		g.indptr[i+1] += g.indptr[i]
	}
	g.indices = make([]int32, g.indptr[n])
	g.weights = make([]float32, g.indptr[n])
	parallelFor(threads, n, graphGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			a, b := g.indptr[i], g.indptr[i+1]
			copy(g.indices[a:b], cols[i*k:])
			copy(g.weights[a:b], ws[i*k:])
		}
	})
	return g
}

// transpose returns Aᵀ with sorted rows, on threads goroutines: each of up
// to threads bands of consecutive rows counts its entries per column, every
// band then gets its own run of each column after the runs of the bands
// above it, and the bands scatter their entries into their runs in row
// order, so the result is that of a serial scatter.
func (g *sparseGraph) transpose(threads int) *sparseGraph {
	n := g.n
	t := &sparseGraph{n: n, indptr: make([]int, n+1),
		indices: make([]int32, g.nnz()), weights: make([]float32, g.nnz())}
	// Bands of at least 16 blocks' worth of entries, and no more bands than
	// entries per row, so that at takes at most 4 bytes an entry.
	bands := max(1, min(threads, g.nnz()/(16*graphGrain), g.nnz()/max(1, n)))
	// at[b*n+j] counts band b's entries in column j, then becomes their
	// offset in the run of column j.
	at := make([]int32, bands*n)
	band := func(b int) (lo, hi int) { return b * n / bands, (b + 1) * n / bands }
	parallelFor(bands, bands, 1, func(b0, b1 int) {
		for b := b0; b < b1; b++ {
			lo, hi := band(b)
			count := at[b*n : (b+1)*n]
			for _, j := range g.indices[g.indptr[lo]:g.indptr[hi]] {
				count[j]++
			}
		}
	})
	parallelFor(threads, n, graphGrain, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			var off int32
			for b := range bands {
				c := at[b*n+j]
				at[b*n+j] = off
				off += c
			}
			t.indptr[j+1] = int(off)
		}
	})
	for j := range n {
		t.indptr[j+1] += t.indptr[j]
	}
	parallelFor(bands, bands, 1, func(b0, b1 int) {
		for b := b0; b < b1; b++ {
			lo, hi := band(b)
			next := at[b*n : (b+1)*n]
			for i := lo; i < hi; i++ {
				cols, ws := g.row(i)
				for c, j := range cols {
					p := t.indptr[j] + int(next[j])
					t.indices[p] = int32(i)
					t.weights[p] = ws[c]
					next[j]++
				}
			}
		}
	})
	return t
}

// fuzzyUnion combines the directed membership matrix A with its transpose as
// umap-learn's fuzzy_simplicial_set does with the product t-norm:
// r·(A + Aᵀ − A∘Aᵀ) + (1 − r)·A∘Aᵀ, r = setOpMixRatio, dropping zeros. The
// result is symmetric bit for bit. Rows are merged on threads goroutines
// twice, to count the entries and then to write them in place: a merge
// costs less than the scratch arrays and the copy that one pass would need.
func fuzzyUnion(a *sparseGraph, r float32, threads int) *sparseGraph {
	t := a.transpose(threads)
	n := a.n
	out := &sparseGraph{n: n, indptr: make([]int, n+1)}
	parallelFor(threads, n, graphGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ac, aw := a.row(i)
			tc, tw := t.row(i)
			out.indptr[i+1] = unionRow(ac, aw, tc, tw, r, nil, nil)
		}
	})
	for i := range n {
		out.indptr[i+1] += out.indptr[i]
	}
	out.indices = make([]int32, out.indptr[n])
	out.weights = make([]float32, out.indptr[n])
	parallelFor(threads, n, graphGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ac, aw := a.row(i)
			tc, tw := t.row(i)
			p, q := out.indptr[i], out.indptr[i+1]
			unionRow(ac, aw, tc, tw, r, out.indices[p:q], out.weights[p:q])
		}
	})
	return out
}

// unionRow merges a row of A (columns ac, weights aw) with the same row of
// Aᵀ (tc, tw) as fuzzyUnion does, writes the non-zero entries to cols and
// ws unless cols is nil, and returns their number.
func unionRow(ac []int32, aw []float32, tc []int32, tw []float32, r float32, cols []int32, ws []float32) int {
	m := 0
	p, q := 0, 0
	for p < len(ac) || q < len(tc) {
		var j int32
		var x, y float32
		switch {
		case q == len(tc) || (p < len(ac) && ac[p] < tc[q]):
			j, x = ac[p], aw[p]
			p++
		case p == len(ac) || tc[q] < ac[p]:
			j, y = tc[q], tw[q]
			q++
		default:
			j, x, y = ac[p], aw[p], tw[q]
			p++
			q++
		}
		xy := float32(x * y) // rounded here so that no fused multiply-add breaks symmetry
		w := x + y - xy
		if r != 1 {
			w = r*w + (1-r)*xy
		}
		if w == 0 {
			continue
		}
		if cols != nil {
			cols[m], ws[m] = j, w
		}
		m++
	}
	return m
}

// prune returns g without the entries of weight below cut (umap-learn zeroes
// weights below max/n_epochs before the layout), on threads goroutines.
func prune(g *sparseGraph, cut float64, threads int) *sparseGraph {
	n := g.n
	out := &sparseGraph{n: n, indptr: make([]int, n+1)}
	parallelFor(threads, n, graphGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			m := 0
			for _, w := range g.weights[g.indptr[i]:g.indptr[i+1]] {
				if float64(w) >= cut {
					m++
				}
			}
			out.indptr[i+1] = m
		}
	})
	for i := range n {
		out.indptr[i+1] += out.indptr[i]
	}
	out.indices = make([]int32, out.indptr[n])
	out.weights = make([]float32, out.indptr[n])
	parallelFor(threads, n, graphGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			m := out.indptr[i]
			cols, ws := g.row(i)
			for c, w := range ws {
				if float64(w) >= cut {
					out.indices[m], out.weights[m] = cols[c], w
					m++
				}
			}
		}
	})
	return out
}

// maxWeight returns the largest weight of g, on threads goroutines.
func maxWeight(g *sparseGraph, threads int) float32 {
	var mu sync.Mutex
	var wmax float32
	parallelFor(threads, len(g.weights), 16*graphGrain, func(lo, hi int) {
		var m float32
		for _, w := range g.weights[lo:hi] {
			m = max(m, w)
		}
		mu.Lock()
		wmax = max(wmax, m)
		mu.Unlock()
	})
	return wmax
}
