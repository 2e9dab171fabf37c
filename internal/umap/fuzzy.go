package umap

import (
	"math"
	"sort"
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
// work is split over threads.
func smoothKNNDist(dists []float32, n, k int, target, localConnectivity float64, threads int) (sigmas, rhos []float32) {
	sigmas = make([]float32, n)
	rhos = make([]float32, n)
	goal := math.Log2(target)

	var total float64
	for _, d := range dists {
		total += float64(d)
	}
	meanAll := total / float64(len(dists))

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
				var psum float32
				for _, dj := range row[1:] {
					d := dj - rho
					if d > 0 {
						psum += float32(math.Exp(float64(-(d / mid))))
					} else {
						psum++
					}
				}
				if math.Abs(float64(psum)-goal) < smoothKTolerance {
					break
				}
				if float64(psum) > goal {
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
			} else if floor := float32(minKDistScale * meanAll); sigma < floor {
				sigma = floor
			}
			sigmas[i] = sigma
			rhos[i] = rho
		}
	})
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

// membershipGraph builds the directed fuzzy membership matrix of
// umap-learn's compute_membership_strengths: w_ij = 0 for j = i,
// 1 if d_ij − ρ_i ≤ 0 or σ_i = 0, exp(−(d_ij − ρ_i)/σ_i) otherwise. Zero
// entries and neighbours with index −1 are left out, as eliminate_zeros does.
func membershipGraph(indices []int32, dists []float32, n, k int, sigmas, rhos []float32) *sparseGraph {
	g := &sparseGraph{n: n, indptr: make([]int, n+1)}
	g.indices = make([]int32, 0, n*k)
	g.weights = make([]float32, 0, n*k)
	type entry struct {
		j int32
		w float32
	}
	buf := make([]entry, 0, k)
	for i := range n {
		buf = buf[:0]
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
			if w != 0 {
				buf = append(buf, entry{j, w})
			}
		}
		sort.Slice(buf, func(a, b int) bool { return buf[a].j < buf[b].j })
		for c, e := range buf {
			if c > 0 && buf[c-1].j == e.j {
				// Repeated neighbour (only from malformed graphs): scipy's
				// COO would sum the duplicates.
				g.weights[len(g.weights)-1] += e.w
				continue
			}
			g.indices = append(g.indices, e.j)
			g.weights = append(g.weights, e.w)
		}
		g.indptr[i+1] = len(g.indices)
	}
	return g
}

// transpose returns Aᵀ with sorted rows.
func (g *sparseGraph) transpose() *sparseGraph {
	t := &sparseGraph{n: g.n, indptr: make([]int, g.n+1),
		indices: make([]int32, g.nnz()), weights: make([]float32, g.nnz())}
	for _, j := range g.indices {
		t.indptr[j+1]++
	}
	for i := range g.n {
		t.indptr[i+1] += t.indptr[i]
	}
	next := append([]int(nil), t.indptr[:g.n]...)
	for i := range g.n {
		cols, ws := g.row(i)
		for c, j := range cols {
			p := next[j]
			t.indices[p] = int32(i)
			t.weights[p] = ws[c]
			next[j]++
		}
	}
	return t
}

// fuzzyUnion combines the directed membership matrix A with its transpose as
// umap-learn's fuzzy_simplicial_set does with the product t-norm:
// r·(A + Aᵀ − A∘Aᵀ) + (1 − r)·A∘Aᵀ, r = setOpMixRatio, dropping zeros. The
// result is symmetric bit for bit.
func fuzzyUnion(a *sparseGraph, r float32) *sparseGraph {
	t := a.transpose()
	out := &sparseGraph{n: a.n, indptr: make([]int, a.n+1)}
	out.indices = make([]int32, 0, 2*a.nnz())
	out.weights = make([]float32, 0, 2*a.nnz())
	combine := func(x, y float32) float32 {
		p := float32(x * y) // rounded here so that no fused multiply-add breaks symmetry
		if r == 1 {
			return x + y - p
		}
		return r*(x+y-p) + (1-r)*p
	}
	for i := range a.n {
		ac, aw := a.row(i)
		tc, tw := t.row(i)
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
			if w := combine(x, y); w != 0 {
				out.indices = append(out.indices, j)
				out.weights = append(out.weights, w)
			}
		}
		out.indptr[i+1] = len(out.indices)
	}
	return out
}
