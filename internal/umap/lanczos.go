package umap

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
)

// blockRows is the fixed row-block size of the parallel vector kernels:
// partial sums are taken per block and added in block order, so results do
// not depend on the number of threads.
const blockRows = 4096

// ritzRows is the row-block size of the Ritz-vector update at a restart,
// small enough that a block of every basis vector stays in the L1 cache.
const ritzRows = 256

// reorthRatio decides when one pass of classical Gram–Schmidt is not
// enough: a second pass runs when it left less than this fraction of ‖w‖.
// One pass of CGS against an orthonormal basis leaves w/‖w‖ orthogonal to
// it up to about ε·κ², κ = ‖w‖ / ‖w − V·Vᵀw‖ (Giraud, Langou, Rozložník,
// Comput. Math. Appl. 50, 2005), so κ ≤ 1/reorthRatio = 16 keeps the basis
// orthonormal to ~1e-13, five orders of magnitude below what the residual
// tolerance needs. The usual DGKS ratio, 1/√2, would force a second pass on
// every Lanczos step of a UMAP graph, where ‖w‖/β is about 2–4.
const reorthRatio = 1.0 / 16

// negligible is the size, relative to ‖w‖, below which a component of w
// along a basis vector is measured but not subtracted. In exact arithmetic
// A·v_j has components only along v_j, v_(j−1) and, after a restart, the
// kept Ritz vectors; the others are rounding errors that full
// reorthogonalisation would remove at the cost of a pass over the whole
// basis. Leaving those below 1e-12·‖w‖ keeps the basis orthonormal to
// about 1e-12/reorthRatio (they are measured again at every step, so one
// that grows is removed once it matters), far below the 1e-8-or-so
// residuals that the tolerance asks of a UMAP graph, while the subtraction
// touches two or three vectors per step instead of all of them.
const negligible = 1e-12

// vecOps holds the vector kernels of the eigensolver for vectors of length n.
type vecOps struct {
	n, threads int
}

// dots returns vs[i]·w for every i. Each product is summed over the rows of
// a block in order, in two interleaved partial sums, and the blocks'
// partial sums are added in block order.
func (o vecOps) dots(w []float64, vs [][]float64) []float64 {
	nb := (o.n + blockRows - 1) / blockRows
	k := len(vs)
	part := make([]float64, nb*k)
	parallelFor(o.threads, nb, 1, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			r0, r1 := b*blockRows, min((b+1)*blockRows, o.n)
			dotsBlock(part[b*k:(b+1)*k], w[r0:r1], vs, r0)
		}
	})
	h := make([]float64, k)
	for b := range nb {
		for i := range k {
			h[i] += part[b*k+i]
		}
	}
	return h
}

// dotsBlock sets out[i] = vs[i][r0:r0+len(w)]·w, four vectors at a time so
// that w is read once per four of them. A group of fewer than four repeats
// its last vector; every product is summed the same way whatever its group.
func dotsBlock(out, w []float64, vs [][]float64, r0 int) {
	r1 := r0 + len(w)
	for g := 0; g < len(vs); g += 4 {
		var v [4][]float64
		for c := range 4 {
			v[c] = vs[min(g+c, len(vs)-1)][r0:r1]
		}
		a, b, c, d := v[0][:len(w)], v[1][:len(w)], v[2][:len(w)], v[3][:len(w)]
		var a0, a1, b0, b1, c0, c1, d0, d1 float64
		i := 0
		for ; i+2 <= len(w); i += 2 {
			x, y := w[i], w[i+1]
			a0 += a[i] * x
			a1 += a[i+1] * y
			b0 += b[i] * x
			b1 += b[i+1] * y
			c0 += c[i] * x
			c1 += c[i+1] * y
			d0 += d[i] * x
			d1 += d[i+1] * y
		}
		if i < len(w) {
			x := w[i]
			a0 += a[i] * x
			b0 += b[i] * x
			c0 += c[i] * x
			d0 += d[i] * x
		}
		sums := [4]float64{a0 + a1, b0 + b1, c0 + c1, d0 + d1}
		for c := 0; c < 4 && g+c < len(vs); c++ {
			out[g+c] = sums[c]
		}
	}
}

// dot64 returns a·b with four partial sums (a[i] for i ≡ 0, 1, 2, 3 mod 4,
// added as (s0 + s1) + (s2 + s3)), so that the additions do not wait on
// each other. It panics if len(b) < len(a).
func dot64(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// subtract sets w −= Σ h[i]·vs[i], four vectors at a time so that w is read
// and written once per four of them, and returns ‖w‖² afterwards (summed
// per block, blocks added in order).
func (o vecOps) subtract(w []float64, vs [][]float64, h []float64) float64 {
	nb := (o.n + blockRows - 1) / blockRows
	part := make([]float64, nb)
	parallelFor(o.threads, nb, 1, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			r0, r1 := b*blockRows, min((b+1)*blockRows, o.n)
			wb := w[r0:r1]
			g := 0
			for ; g+4 <= len(vs); g += 4 {
				a, bb, c, d := vs[g][r0:r1], vs[g+1][r0:r1], vs[g+2][r0:r1], vs[g+3][r0:r1]
				a, bb, c, d = a[:len(wb)], bb[:len(wb)], c[:len(wb)], d[:len(wb)]
				ha, hb, hc, hd := h[g], h[g+1], h[g+2], h[g+3]
				for i := range wb {
					wb[i] -= ha*a[i] + hb*bb[i] + hc*c[i] + hd*d[i]
				}
			}
			for ; g < len(vs); g++ {
				v, c := vs[g][r0:r1], h[g]
				v = v[:len(wb)]
				for i := range wb {
					wb[i] -= c * v[i]
				}
			}
			part[b] = dot64(wb, wb)
		}
	})
	var s float64
	for _, p := range part {
		s += p
	}
	return s
}

// orthogonalize removes from w its components along the orthonormal vectors
// vs by classical Gram–Schmidt, a second time when the first pass removed
// nearly all of w (see reorthRatio), each time leaving out the components
// below negligible·‖w‖, and returns the coefficients removed and ‖w‖
// afterwards.
func (o vecOps) orthogonalize(w []float64, vs [][]float64) ([]float64, float64) {
	all := append(vs[:len(vs):len(vs)], w)
	h := o.dots(w, all)
	ww := h[len(vs)]
	h = h[:len(vs)]
	rr := o.subtractLarge(w, vs, h, ww)
	if rr < reorthRatio*reorthRatio*ww {
		h2 := o.dots(w, vs)
		rr = o.subtractLarge(w, vs, h2, rr)
		for i := range h {
			h[i] += h2[i]
		}
	}
	return h, math.Sqrt(rr)
}

// subtractLarge sets w −= Σ h[i]·vs[i] over the i with |h[i]| above
// negligible·√ww (ww = ‖w‖²), zeroes the other h[i], and returns ‖w‖²
// afterwards.
func (o vecOps) subtractLarge(w []float64, vs [][]float64, h []float64, ww float64) float64 {
	cut := negligible * math.Sqrt(ww)
	var sv [][]float64
	var sh []float64
	for i, c := range h {
		if math.Abs(c) > cut {
			sv = append(sv, vs[i])
			sh = append(sh, c)
		} else {
			h[i] = 0
		}
	}
	return o.subtract(w, sv, sh)
}

// scale sets dst = src·c.
func (o vecOps) scale(dst, src []float64, c float64) {
	parallelFor(o.threads, o.n, blockRows, func(lo, hi int) {
		d, s := dst[lo:hi], src[lo:hi]
		for i := range d {
			d[i] = s[i] * c
		}
	})
}

// ritzBlock sets rows [lo, hi) of Y[c] = Σ_j S[j, c]·V[j] (S row-major
// with stride stride), four columns at a time so that each row block of
// V[j] is read once per four of them; every entry is summed in order of j.
func ritzBlock(Y, V [][]float64, S []float64, stride, lo, hi int) {
	for c := 0; c < len(Y); c += 4 {
		var y [4][]float64
		var cs [4]int
		for k := range 4 {
			cs[k] = min(c+k, len(Y)-1)
			y[k] = Y[cs[k]][lo:hi]
			clear(y[k])
		}
		y0, y1, y2, y3 := y[0], y[1][:len(y[0])], y[2][:len(y[0])], y[3][:len(y[0])]
		for j, v := range V {
			v = v[lo:hi]
			v = v[:len(y0)]
			s0, s1, s2, s3 := S[j*stride+cs[0]], S[j*stride+cs[1]], S[j*stride+cs[2]], S[j*stride+cs[3]]
			if c+3 < len(Y) {
				for r, x := range v {
					y0[r] += s0 * x
					y1[r] += s1 * x
					y2[r] += s2 * x
					y3[r] += s3 * x
				}
				continue
			}
			// A last group of fewer than four columns.
			for r, x := range v {
				y0[r] += s0 * x
			}
			if c+1 < len(Y) {
				for r, x := range v {
					y1[r] += s1 * x
				}
			}
			if c+2 < len(Y) {
				for r, x := range v {
					y2[r] += s2 * x
				}
			}
		}
	}
}

var errNoConvergence = errors.New("eigensolver did not converge")

// lanczosTop returns the nev largest eigenvalues (decreasing) and their unit
// eigenvectors of the symmetric operator op on the orthogonal complement of
// the orthonormal vectors locked. It is the thick-restart Lanczos method
// (Wu & Simon, SIAM J. Matrix Anal. Appl. 22(2), 2000) with a basis of m
// vectors, each new one measured against the whole basis and cleared of
// every component that is not negligible by classical Gram–Schmidt (twice
// when needed; see negligible and reorthRatio); it stands in for
// ARPACK's implicitly restarted Lanczos that umap-learn calls through
// scipy.sparse.linalg.eigsh, with the same kind of stopping rule, checked
// after every step: the residual ‖A·y − θ·y‖ of every wanted Ritz pair at
// most tol·max(|c − θ|, ε^⅔), where c is the caller's shift (the eigenvalue
// of umap's Laplacian is c − θ for c = 1). A restart keeps the nev wanted
// Ritz vectors and a quarter of the others. After maxRestarts restarts it
// returns the current Ritz vectors with errNoConvergence.
func lanczosTop(ctx context.Context, op func(dst, src []float64), n, nev, m int, locked [][]float64,
	start []float64, shift, tol float64, maxRestarts int, rng *rand.Rand, threads int) ([]float64, [][]float64, error) {
	o := vecOps{n: n, threads: threads}
	free := n - len(locked)
	if m > free {
		m = free
	}
	if nev > m {
		return nil, nil, errors.New("eigensolver: too few dimensions")
	}
	V := make([][]float64, m+1)
	for i := range V {
		V[i] = make([]float64, n)
	}
	// spare holds the Ritz vectors of a restart, swapped into V.
	spare := make([][]float64, m)
	newStart := func(dst []float64, basis [][]float64, init []float64) bool {
		for attempt := 0; attempt < 5; attempt++ {
			if attempt == 0 && init != nil {
				copy(dst, init)
			} else {
				for i := range dst {
					dst[i] = rng.NormFloat64()
				}
			}
			o.orthogonalize(dst, locked)
			if _, nrm := o.orthogonalize(dst, basis); nrm > 1e-8 {
				o.scale(dst, dst, 1/nrm)
				return true
			}
		}
		return false
	}
	if !newStart(V[0], nil, start) {
		return nil, nil, errors.New("eigensolver: no start vector")
	}
	T := make([]float64, m*m)
	eps23 := math.Pow(2.220446049250313e-16, 2.0/3.0)
	keep := 0
	w := make([]float64, n)
	basis := make([][]float64, 0, len(locked)+m+1)
	for restart := 0; ; restart++ {
		for j := keep; j < m; j++ {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			op(w, V[j])
			basis = append(append(basis[:0], locked...), V[:j+1]...)
			h, beta := o.orthogonalize(w, basis)
			h = h[len(locked):]
			for i := 0; i <= j; i++ {
				T[i*m+j] = h[i]
				T[j*m+i] = h[i]
			}
			if math.IsNaN(beta) {
				return nil, nil, errors.New("eigensolver: not a number")
			}
			breakdown := beta <= 1e-12*math.Max(1, math.Abs(h[j]))
			if breakdown {
				// Invariant subspace: continue from a fresh direction.
				beta = 0
				if !newStart(V[j+1], V[:j+1], nil) {
					return nil, nil, errors.New("eigensolver: breakdown")
				}
			} else {
				o.scale(V[j+1], w, 1/beta)
			}
			size := j + 1
			if size < nev || (breakdown && j+1 < m) {
				continue
			}
			// Rayleigh–Ritz on the basis so far.
			Tj := make([]float64, size*size)
			for r := range size {
				copy(Tj[r*size:(r+1)*size], T[r*m:r*m+size])
			}
			theta, S := symEigen(Tj, size)
			converged := true
			for i := range nev {
				res := math.Abs(beta * S[(size-1)*size+i])
				if res > tol*math.Max(math.Abs(shift-theta[i]), eps23) {
					converged = false
					break
				}
			}
			last := converged || (restart >= maxRestarts && size == m)
			if !last && size < m {
				continue
			}
			p := nev
			if !last {
				p = min(m-1, nev+max(1, (m-nev)/4))
			}
			// Ritz vectors Y = V·S[:, :p], written over V[:p].
			for c := range p {
				if spare[c] == nil {
					spare[c] = make([]float64, n)
				}
			}
			parallelFor(threads, n, ritzRows, func(lo, hi int) {
				ritzBlock(spare[:p], V[:size], S, size, lo, hi)
			})
			for c := range p {
				V[c], spare[c] = spare[c], V[c]
			}
			if last {
				Y := V[:p:p]
				if !converged {
					return theta[:nev], Y, errNoConvergence
				}
				return theta[:nev], Y, nil
			}
			V[p], V[m] = V[m], V[p]
			clear(T)
			for i := range p {
				T[i*m+i] = theta[i]
				c := beta * S[(size-1)*size+i]
				T[i*m+p] = c
				T[p*m+i] = c
			}
			if beta == 0 {
				if !newStart(V[p], V[:p], nil) {
					return nil, nil, errors.New("eigensolver: breakdown")
				}
			}
			keep = p
			break
		}
	}
}
