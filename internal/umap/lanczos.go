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

// vecOps holds the vector kernels of the eigensolver for vectors of length n.
type vecOps struct {
	n, threads int
}

// dots returns vs[i]·w for every i.
func (o vecOps) dots(w []float64, vs [][]float64) []float64 {
	nb := (o.n + blockRows - 1) / blockRows
	part := make([]float64, nb*len(vs))
	parallelFor(o.threads, nb, 1, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			r0, r1 := b*blockRows, min((b+1)*blockRows, o.n)
			wb := w[r0:r1]
			for i, v := range vs {
				part[b*len(vs)+i] = dot64(v[r0:r1], wb)
			}
		}
	})
	h := make([]float64, len(vs))
	for b := range nb {
		for i := range vs {
			h[i] += part[b*len(vs)+i]
		}
	}
	return h
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

// subtract sets w −= Σ h[i]·vs[i].
func (o vecOps) subtract(w []float64, vs [][]float64, h []float64) {
	parallelFor(o.threads, o.n, blockRows, func(lo, hi int) {
		for i, v := range vs {
			c := h[i]
			if c == 0 {
				continue
			}
			for r := lo; r < hi; r++ {
				w[r] -= c * v[r]
			}
		}
	})
}

// orthogonalize removes from w its components along the orthonormal vectors
// vs by classical Gram–Schmidt applied twice (Giraud et al.: "twice is
// enough"), and returns the coefficients removed.
func (o vecOps) orthogonalize(w []float64, vs [][]float64) []float64 {
	if len(vs) == 0 {
		return nil
	}
	h := o.dots(w, vs)
	o.subtract(w, vs, h)
	h2 := o.dots(w, vs)
	o.subtract(w, vs, h2)
	for i := range h {
		h[i] += h2[i]
	}
	return h
}

func (o vecOps) norm(w []float64) float64 {
	return math.Sqrt(o.dots(w, [][]float64{w})[0])
}

var errNoConvergence = errors.New("eigensolver did not converge")

// lanczosTop returns the nev largest eigenvalues (decreasing) and their unit
// eigenvectors of the symmetric operator op on the orthogonal complement of
// the orthonormal vectors locked. It is the thick-restart Lanczos method
// (Wu & Simon, SIAM J. Matrix Anal. Appl. 22(2), 2000) with full
// reorthogonalisation and a basis of m vectors; it stands in for ARPACK's
// implicitly restarted Lanczos that umap-learn calls through
// scipy.sparse.linalg.eigsh, with the same kind of stopping rule: the
// residual ‖A·y − θ·y‖ of every wanted Ritz pair at most tol·max(|c − θ|,
// ε^⅔), where c is the caller's shift (the eigenvalue of umap's Laplacian
// is c − θ for c = 1). After maxRestarts restarts it returns the current
// Ritz vectors with errNoConvergence.
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
			o.orthogonalize(dst, basis)
			if nrm := o.norm(dst); nrm > 1e-8 {
				for i := range dst {
					dst[i] /= nrm
				}
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
	for restart := 0; ; restart++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		var beta float64
		for j := keep; j < m; j++ {
			op(w, V[j])
			o.orthogonalize(w, locked)
			h := o.orthogonalize(w, V[:j+1])
			for i := 0; i <= j; i++ {
				T[i*m+j] = h[i]
				T[j*m+i] = h[i]
			}
			beta = o.norm(w)
			if beta <= 1e-12*math.Max(1, math.Abs(h[j])) || math.IsNaN(beta) {
				if math.IsNaN(beta) {
					return nil, nil, errors.New("eigensolver: not a number")
				}
				// Invariant subspace: continue from a fresh direction.
				beta = 0
				if !newStart(V[j+1], V[:j+1], nil) {
					return nil, nil, errors.New("eigensolver: breakdown")
				}
				continue
			}
			for r := range w {
				V[j+1][r] = w[r] / beta
			}
		}
		theta, S := symEigen(append([]float64(nil), T...), m)
		converged := true
		for i := range nev {
			res := math.Abs(beta * S[(m-1)*m+i])
			if res > tol*math.Max(math.Abs(shift-theta[i]), eps23) {
				converged = false
				break
			}
		}
		last := converged || restart >= maxRestarts
		p := nev
		if !last {
			p = min(m-1, nev+(m-nev)/2)
		}
		// Ritz vectors Y = V·S[:, :p], written over V[:p].
		Y := make([][]float64, p)
		for i := range Y {
			Y[i] = make([]float64, n)
		}
		parallelFor(threads, n, blockRows, func(lo, hi int) {
			for c := range p {
				y := Y[c]
				for j := range m {
					s := S[j*m+c]
					if s == 0 {
						continue
					}
					vj := V[j]
					for r := lo; r < hi; r++ {
						y[r] += s * vj[r]
					}
				}
			}
		})
		if last {
			if !converged {
				return theta[:nev], Y, errNoConvergence
			}
			return theta[:nev], Y, nil
		}
		for i := range p {
			copy(V[i], Y[i])
		}
		copy(V[p], V[m])
		clear(T)
		for i := range p {
			T[i*m+i] = theta[i]
			c := beta * S[(m-1)*m+i]
			T[i*m+p] = c
			T[p*m+i] = c
		}
		if beta == 0 {
			if !newStart(V[p], V[:p], nil) {
				return nil, nil, errors.New("eigensolver: breakdown")
			}
		}
		keep = p
	}
}
