package umap

import (
	"math"
	"sort"
)

// symEigen returns the eigenvalues of the symmetric m×m matrix a (row-major,
// destroyed) in decreasing order, with the matching unit eigenvectors as the
// columns of the row-major m×m matrix v. It is the cyclic Jacobi method
// (Golub & Van Loan, Matrix Computations, §8.5), accurate to working
// precision and plenty fast for the small projected matrices of Lanczos.
func symEigen(a []float64, m int) (vals []float64, v []float64) {
	v = make([]float64, m*m)
	for i := range m {
		v[i*m+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off, diag float64
		for i := range m {
			diag += a[i*m+i] * a[i*m+i]
			for j := i + 1; j < m; j++ {
				off += a[i*m+j] * a[i*m+j]
			}
		}
		if off <= 1e-30*diag || off == 0 {
			break
		}
		for p := 0; p < m-1; p++ {
			for q := p + 1; q < m; q++ {
				apq := a[p*m+q]
				if apq == 0 {
					continue
				}
				app, aqq := a[p*m+p], a[q*m+q]
				theta := (aqq - app) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range m {
					akp, akq := a[k*m+p], a[k*m+q]
					a[k*m+p] = c*akp - s*akq
					a[k*m+q] = s*akp + c*akq
				}
				for k := range m {
					apk, aqk := a[p*m+k], a[q*m+k]
					a[p*m+k] = c*apk - s*aqk
					a[q*m+k] = s*apk + c*aqk
				}
				for k := range m {
					vkp, vkq := v[k*m+p], v[k*m+q]
					v[k*m+p] = c*vkp - s*vkq
					v[k*m+q] = s*vkp + c*vkq
				}
			}
		}
	}
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return a[order[x]*m+order[x]] > a[order[y]*m+order[y]] })
	vals = make([]float64, m)
	sorted := make([]float64, m*m)
	for c, o := range order {
		vals[c] = a[o*m+o]
		for r := range m {
			sorted[r*m+c] = v[r*m+o]
		}
	}
	return vals, sorted
}
