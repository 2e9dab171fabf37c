package umap

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
)

// Spectral-initialisation settings of umap-learn's _spectral_layout
// (umap/spectral.py): eigsh(L, k, which="SM", tol=1e-4, ...).
const (
	spectralTol = 1e-4
	// denseSpectralMax is the largest graph solved with a dense
	// eigendecomposition instead of Lanczos.
	denseSpectralMax = 256
	// spectralMaxRestarts bounds the Lanczos restarts; ARPACK's bound
	// (5·n) is far beyond what an initialisation deserves, and the Ritz
	// vectors reached by then are used anyway (see spectralLayout).
	spectralMaxRestarts = 300
)

// bfs visits g breadth-first from vertex 0, neighbours in column order, then
// from the smallest vertex not yet seen, and so on. It returns the vertices
// in the order visited, each vertex's connected component (numbered in order
// of their smallest vertex) and the number of components.
func (g *sparseGraph) bfs() (order, labels []int32, nc int) {
	order = make([]int32, 0, g.n)
	labels = make([]int32, g.n)
	for i := range labels {
		labels[i] = -1
	}
	for s := range g.n {
		if labels[s] >= 0 {
			continue
		}
		labels[s] = int32(nc)
		order = append(order, int32(s))
		for q := len(order) - 1; q < len(order); q++ {
			cols, _ := g.row(int(order[q]))
			for _, u := range cols {
				if labels[u] < 0 {
					labels[u] = int32(nc)
					order = append(order, u)
				}
			}
		}
		nc++
	}
	return order, labels, nc
}

// spectralInput is what the spectral initialisation needs besides the graph:
// the original data (optional) to place disconnected components.
type spectralInput struct {
	data   []float32 // n×dim, or nil
	dim    int
	cosine bool
}

// spectralLayout returns an n×dim (row-major, float64) spectral embedding
// of the symmetric graph g, as umap-learn's spectral_layout: the
// eigenvectors of the normalised Laplacian I − D^−½·W·D^−½ for the
// eigenvalues 2..dim+1 (the first, trivial one dropped), or, for a
// disconnected graph, multi_component_layout. ok is false when the
// eigensolver failed and the layout is uniform on [−10, 10], umap-learn's
// fallback. A solver that has not met the tolerance after
// spectralMaxRestarts restarts still yields its Ritz vectors, which differ
// from the eigenvectors by less than the gap between them matters for an
// initial layout; ok stays true.
func spectralLayout(ctx context.Context, g *sparseGraph, dim int, in spectralInput, rng *rand.Rand, threads int) ([]float64, bool, error) {
	order, labels, nc := g.bfs()
	return spectralLayoutBFS(ctx, g, order, labels, nc, dim, in, rng, threads)
}

// spectralLayoutBFS is spectralLayout given the result of g.bfs().
func spectralLayoutBFS(ctx context.Context, g *sparseGraph, order, labels []int32, nc, dim int, in spectralInput, rng *rand.Rand, threads int) ([]float64, bool, error) {
	if nc > 1 {
		return multiComponentLayout(ctx, g, labels, nc, dim, in, rng, threads)
	}
	return connectedLayout(ctx, g, order, dim, rng, threads)
}

func uniformLayout(n, dim int, lo, hi float64, rng *rand.Rand) []float64 {
	out := make([]float64, n*dim)
	for i := range out {
		out[i] = lo + (hi-lo)*rng.Float64()
	}
	return out
}

// connectedLayout is _spectral_layout for the connected graph g; order is
// its vertices in breadth-first order (see bfs), or nil.
func connectedLayout(ctx context.Context, g *sparseGraph, order []int32, dim int, rng *rand.Rand, threads int) ([]float64, bool, error) {
	n := g.n
	k := dim + 1
	if n <= k {
		return uniformLayout(n, dim, -10, 10, rng), false, nil
	}
	sqrtDeg := make([]float64, n)
	parallelFor(threads, n, blockRows, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			_, ws := g.row(i)
			var s float64
			for _, w := range ws {
				s += float64(w)
			}
			sqrtDeg[i] = math.Sqrt(s)
		}
	})
	out := make([]float64, n*dim)
	if n <= denseSpectralMax {
		dense := make([]float64, n*n)
		for i := range n {
			for p := g.indptr[i]; p < g.indptr[i+1]; p++ {
				j := g.indices[p]
				dense[i*n+int(j)] = float64(g.weights[p]) / (sqrtDeg[i] * sqrtDeg[j])
			}
		}
		_, vecs := symEigen(dense, n)
		for i := range n {
			for d := range dim {
				out[i*dim+d] = vecs[i*n+d+1]
			}
		}
		if hasNaN(out) {
			return uniformLayout(n, dim, -10, 10, rng), false, nil
		}
		return out, true, nil
	}
	// The solver works on the vertices in breadth-first order: a vertex's
	// neighbours then mostly sit near it in the vectors, which the product
	// reads at their rows (a quarter less time per product on
	// Fashion-MNIST than in the data's order).
	if order == nil {
		order, _, _ = g.bfs()
	}
	psd := make([]float64, n)
	for i, v := range order {
		psd[i] = sqrtDeg[v]
	}
	op := normalizedOp(g.permute(order, threads), psd, threads)
	// The trivial eigenvector, ∝ √degree, is known exactly: lock it and
	// solve for the next dim on its orthogonal complement.
	var nrm float64
	for _, v := range psd {
		nrm += v * v
	}
	nrm = math.Sqrt(nrm)
	trivial := make([]float64, n)
	for i, v := range psd {
		trivial[i] = v / nrm
	}
	start := make([]float64, n)
	for i := range start {
		start[i] = 1 // umap-learn's v0
	}
	// A basis of 24 vectors (more for more dimensions), restarted keeping
	// the wanted Ritz vectors and a quarter of the others (see lanczosTop):
	// on Fashion-MNIST (70,000 points, k = 20, 2 dimensions) it needs 175
	// products, fewer than a basis of 48 keeping half (186), and measures
	// w against half as many vectors per step.
	m := max(24, 2*dim+12)
	_, vecs, err := lanczosTop(ctx, op, n, dim, m, [][]float64{trivial}, start, 1, spectralTol, spectralMaxRestarts, rng, threads)
	if err != nil && !errors.Is(err, errNoConvergence) {
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return uniformLayout(n, dim, -10, 10, rng), false, nil
	}
	for d := range dim {
		for i, v := range order {
			out[int(v)*dim+d] = vecs[d][i]
		}
	}
	if hasNaN(out) {
		return uniformLayout(n, dim, -10, 10, rng), false, nil
	}
	return out, true, nil
}

// permute returns g with its vertices renumbered: vertex order[i] of g is
// vertex i of the result. Columns keep their order within a row.
func (g *sparseGraph) permute(order []int32, threads int) *sparseGraph {
	pos := make([]int32, g.n)
	for i, v := range order {
		pos[v] = int32(i)
	}
	out := &sparseGraph{n: g.n, indptr: make([]int, g.n+1), indices: make([]int32, g.nnz()), weights: make([]float32, g.nnz())}
	for i, v := range order {
		out.indptr[i+1] = out.indptr[i] + g.indptr[v+1] - g.indptr[v]
	}
	parallelFor(threads, g.n, blockRows, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			cols, ws := g.row(int(order[i]))
			dst := out.indices[out.indptr[i]:out.indptr[i+1]]
			for p, u := range cols {
				dst[p] = pos[u]
			}
			copy(out.weights[out.indptr[i]:], ws)
		}
	})
	return out
}

// normalizedOp returns the product with D^−½·W·D^−½, whose largest
// eigenvalues are 1 − the smallest of the Laplacian, for the graph W = g and
// its degrees' square roots sqrtDeg (all positive): the source scaled by
// D^−½, the rows of W (float32 weights, as umap-learn's graph holds them)
// applied in float64, and the result scaled by D^−½.
func normalizedOp(g *sparseGraph, sqrtDeg []float64, threads int) func(dst, src []float64) {
	n := g.n
	inv := make([]float64, n)
	for i, s := range sqrtDeg {
		inv[i] = 1 / s
	}
	scaled := make([]float64, n)
	return func(dst, src []float64) {
		parallelFor(threads, n, blockRows, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				scaled[i] = src[i] * inv[i]
			}
		})
		parallelFor(threads, n, blockRows, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				a, b := g.indptr[i], g.indptr[i+1]
				cols, ws := g.indices[a:b], g.weights[a:b]
				ws = ws[:len(cols)]
				var s0, s1, s2, s3 float64
				p := 0
				for ; p+4 <= len(cols); p += 4 {
					s0 += float64(ws[p]) * scaled[cols[p]]
					s1 += float64(ws[p+1]) * scaled[cols[p+1]]
					s2 += float64(ws[p+2]) * scaled[cols[p+2]]
					s3 += float64(ws[p+3]) * scaled[cols[p+3]]
				}
				for ; p < len(cols); p++ {
					s0 += float64(ws[p]) * scaled[cols[p]]
				}
				dst[i] = ((s0 + s1) + (s2 + s3)) * inv[i]
			}
		})
	}
}

func hasNaN(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	return false
}

// subgraph returns the graph induced by the vertices members (sorted).
func (g *sparseGraph) subgraph(members []int32, local []int32) *sparseGraph {
	sub := &sparseGraph{n: len(members), indptr: make([]int, len(members)+1)}
	for c, v := range members {
		cols, ws := g.row(int(v))
		for p, u := range cols {
			if l := local[u]; l >= 0 {
				sub.indices = append(sub.indices, l)
				sub.weights = append(sub.weights, ws[p])
			}
		}
		sub.indptr[c+1] = len(sub.indices)
	}
	return sub
}

// multiComponentLayout is umap-learn's multi_component_layout: component
// positions from a meta-embedding (a spectral embedding of the component
// centroids when there are more than 2·dim components, otherwise ± unit
// vectors), then each component laid out spectrally (or uniformly when it is
// tiny) and scaled to half the distance to the nearest other component.
func multiComponentLayout(ctx context.Context, g *sparseGraph, labels []int32, nc, dim int, in spectralInput, rng *rand.Rand, threads int) ([]float64, bool, error) {
	var meta []float64
	if nc > 2*dim {
		meta = componentLayout(ctx, labels, nc, dim, in, rng, threads)
	} else {
		k := (nc + 1) / 2
		meta = make([]float64, nc*dim)
		for c := range nc {
			if c < k {
				meta[c*dim+c] = 1
			} else {
				meta[c*dim+c-k] = -1
			}
		}
	}
	members := make([][]int32, nc)
	for i, l := range labels {
		members[l] = append(members[l], int32(i))
	}
	local := make([]int32, g.n)
	for i := range local {
		local[i] = -1
	}
	out := make([]float64, g.n*dim)
	ok := true
	for c := range nc {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		dataRange := math.Inf(1)
		for o := range nc {
			var d2 float64
			for d := range dim {
				x := meta[c*dim+d] - meta[o*dim+d]
				d2 += x * x
			}
			if d2 > 0 {
				dataRange = math.Min(dataRange, math.Sqrt(d2))
			}
		}
		if math.IsInf(dataRange, 1) {
			dataRange = 1
		}
		dataRange /= 2
		size := len(members[c])
		if size < 2*dim || size <= dim+1 {
			for _, v := range members[c] {
				for d := range dim {
					out[int(v)*dim+d] = dataRange*(2*rng.Float64()-1) + meta[c*dim+d]
				}
			}
			continue
		}
		for l, v := range members[c] {
			local[v] = int32(l)
		}
		sub := g.subgraph(members[c], local)
		for _, v := range members[c] {
			local[v] = -1
		}
		emb, subOK, err := connectedLayout(ctx, sub, nil, dim, rng, threads)
		if err != nil {
			return nil, false, err
		}
		ok = ok && subOK
		var mx float64
		for _, x := range emb {
			mx = math.Max(mx, math.Abs(x))
		}
		expansion := 1.0
		if mx > 0 {
			expansion = dataRange / mx
		}
		for l, v := range members[c] {
			for d := range dim {
				out[int(v)*dim+d] = emb[l*dim+d]*expansion + meta[c*dim+d]
			}
		}
	}
	return out, ok, nil
}

// componentLayout is umap-learn's component_layout: the centroids of the
// components in the input space, affinities exp(−d²) under the input metric,
// and scikit-learn's SpectralEmbedding of that dense affinity matrix
// (normalised Laplacian, eigenvectors divided by √degree, signs fixed so the
// largest-magnitude entry is positive, the first dropped), divided by its
// largest entry. Without the data the positions are uniform on [0, 10), as
// umap-learn does when it has no data.
func componentLayout(ctx context.Context, labels []int32, nc, dim int, in spectralInput, rng *rand.Rand, threads int) []float64 {
	if in.data == nil {
		return uniformLayout(nc, dim, 0, 10, rng)
	}
	D := in.dim
	cent := make([]float64, nc*D)
	count := make([]float64, nc)
	for i, l := range labels {
		count[l]++
		row := in.data[i*D : (i+1)*D]
		for d, x := range row {
			cent[int(l)*D+d] += float64(x)
		}
	}
	for c := range nc {
		for d := range D {
			cent[c*D+d] /= count[c]
		}
	}
	dist := func(a, b int) float64 {
		x, y := cent[a*D:(a+1)*D], cent[b*D:(b+1)*D]
		if in.cosine {
			var xy, xx, yy float64
			for d := range D {
				xy += x[d] * y[d]
				xx += x[d] * x[d]
				yy += y[d] * y[d]
			}
			if xx == 0 || yy == 0 {
				return 1
			}
			return math.Max(0, 1-xy/math.Sqrt(xx*yy))
		}
		var s float64
		for d := range D {
			t := x[d] - y[d]
			s += t * t
		}
		return math.Sqrt(s)
	}
	// Dense nc×nc affinities: the components are few (each has ≥ 2 points
	// and usually far more); beyond a few thousand, fall back to umap-learn's
	// data-free placement.
	if nc > 4000 || nc <= dim+1 {
		return uniformLayout(nc, dim, 0, 10, rng)
	}
	aff := make([]float64, nc*nc)
	parallelFor(threads, nc, 16, func(lo, hi int) {
		for a := lo; a < hi; a++ {
			for b := range nc {
				if a != b {
					d := dist(a, b)
					aff[a*nc+b] = math.Exp(-d * d)
				}
			}
		}
	})
	dd := make([]float64, nc)
	for a := range nc {
		var s float64
		for b := range nc {
			s += aff[a*nc+b]
		}
		dd[a] = math.Sqrt(s)
	}
	for a := range nc {
		for b := range nc {
			if dd[a] > 0 && dd[b] > 0 {
				aff[a*nc+b] /= dd[a] * dd[b]
			}
		}
	}
	var vecs [][]float64
	if nc <= denseSpectralMax {
		_, v := symEigen(aff, nc)
		vecs = make([][]float64, dim+1)
		for c := range vecs {
			vecs[c] = make([]float64, nc)
			for r := range nc {
				vecs[c][r] = v[r*nc+c]
			}
		}
	} else {
		op := func(dst, src []float64) {
			parallelFor(threads, nc, 64, func(lo, hi int) {
				for a := lo; a < hi; a++ {
					var s float64
					row := aff[a*nc : (a+1)*nc]
					for b, x := range row {
						s += x * src[b]
					}
					dst[a] = s
				}
			})
		}
		start := make([]float64, nc)
		for i := range start {
			start[i] = 1
		}
		m := max(2*(dim+1)+1, min(nc-1, 48))
		var err error
		_, vecs, err = lanczosTop(ctx, op, nc, dim+1, m, nil, start, 1, 1e-10, 1000, rng, threads)
		if err != nil && !errors.Is(err, errNoConvergence) {
			return uniformLayout(nc, dim, 0, 10, rng)
		}
	}
	out := make([]float64, nc*dim)
	for c := 0; c <= dim; c++ {
		v := vecs[c]
		best, sign := 0.0, 1.0
		for r := range nc {
			if dd[r] > 0 {
				v[r] /= dd[r]
			}
			if math.Abs(v[r]) > best {
				best = math.Abs(v[r])
				sign = math.Copysign(1, v[r])
			}
		}
		if c == 0 {
			continue
		}
		for r := range nc {
			out[r*dim+c-1] = v[r] * sign
		}
	}
	mx := math.Inf(-1)
	for _, x := range out {
		mx = math.Max(mx, x)
	}
	if mx != 0 && !math.IsInf(mx, 0) {
		for i := range out {
			out[i] /= mx
		}
	}
	return out
}
