package knn

import (
	"context"
	"fmt"
	"math"
	"sync"

	"motif/internal/vec"
)

// space is validated data under a metric, with the distance the search
// ranks by: squared L2 for Euclidean, 1 − dot of normalised rows (clamped at
// 0) for Cosine.
type space struct {
	data   []float32
	dim    int
	cosine bool
	// sq holds, under Cosine, each normalised row's squared norm as the dot
	// kernel computes it. Dividing by √(sq_i·sq_j) makes the distance of a
	// row to itself or to an exact duplicate exactly 0, as pynndescent's
	// cosine gives, instead of the float32 rounding of 1 − x̂·x̂.
	sq []float64
}

func (s *space) row(i int32) []float32 {
	return s.data[int(i)*s.dim : (int(i)+1)*s.dim]
}

func (s *space) dist(i, j int32) float32 {
	if s.cosine {
		dot := float64(vec.Dot(s.row(i), s.row(j)))
		return float32(max(0, 1-dot/math.Sqrt(s.sq[i]*s.sq[j])))
	}
	return vec.SquaredL2(s.row(i), s.row(j))
}

// dist4 sets dst[j] to the search distance between point i and point q[j],
// each bit for bit dist(i, q[j]).
func (s *space) dist4(dst *[4]float32, i int32, q *[4]int32) {
	if !s.cosine {
		for j, qj := range q {
			dst[j] = vec.SquaredL2(s.row(i), s.row(qj))
		}
		return
	}
	vec.Dot4(dst, s.row(i), s.row(q[0]), s.row(q[1]), s.row(q[2]), s.row(q[3]))
	sqi := s.sq[i]
	for j, dot := range dst {
		dst[j] = float32(max(0, 1-float64(dot)/math.Sqrt(sqi*s.sq[q[j]])))
	}
}

// distRow sets dst[j] to the search distance between point i and point
// j0+j, for j < len(dst), with one batched kernel call.
func (s *space) distRow(dst []float32, i int32, j0 int) {
	rows := s.data[j0*s.dim : (j0+len(dst))*s.dim]
	if !s.cosine {
		vec.SquaredL2Batch(dst, s.row(i), rows)
		return
	}
	vec.DotBatch(dst, s.row(i), rows)
	sqi := s.sq[i]
	for j, dot := range dst {
		dst[j] = float32(max(0, 1-float64(dot)/math.Sqrt(sqi*s.sq[j0+j])))
	}
}

// final turns a search distance into the graph's distance.
func (s *space) final(d float32) float32 {
	if s.cosine {
		return min(d, 2)
	}
	return float32(math.Sqrt(float64(d)))
}

// prepare checks the arguments shared by Build, Exact and Descent and returns
// the space to search. A data length other than n·dim is a programmer error
// and panics; everything that can come from the user's data is an error.
//
// The rows are checked (and, under Cosine, copied and normalised) on up to
// threads goroutines, a row at a time: one copy of the whole matrix would be
// a long call the garbage collector cannot interrupt, and its collections
// would wait, spinning, until the copy ends.
func prepare(ctx context.Context, data []float32, n, dim, k int, m Metric, threads int) (*space, error) {
	if n < 0 || dim < 1 || len(data) != n*dim {
		panic(fmt.Sprintf("knn: data of length %d is not n×dim = %d×%d", len(data), n, dim))
	}
	if m != Euclidean && m != Cosine {
		return nil, fmt.Errorf("unknown metric %v; metrics are: euclidean, cosine", m)
	}
	if k < 1 {
		return nil, fmt.Errorf("k = %d neighbours; k must be at least 1", k)
	}
	if k > n {
		return nil, fmt.Errorf("k = %d neighbours but only %d points; k counts the point itself and cannot exceed the number of points", k, n)
	}
	if int64(n)*int64(k) > math.MaxInt32 {
		return nil, fmt.Errorf("n·k = %d·%d is too large; it must stay below 2³¹", n, k)
	}
	s := &space{data: data, dim: dim, cosine: m == Cosine}
	if s.cosine {
		s.data = make([]float32, len(data))
		s.sq = make([]float64, n)
	}
	const rows = 1024 // rows per task
	nTasks := (n + rows - 1) / rows
	// Per task: the first non-finite value (an index into data) and the
	// first all-zero row with the number of such rows, −1 if none.
	bad, zero, zeros := make([]int, nTasks), make([]int, nTasks), make([]int, nTasks)
	err := parallelFor(ctx, max(1, threads), nTasks, func(c int) {
		bad[c], zero[c] = -1, -1
		for i := c * rows; i < min(n, (c+1)*rows); i++ {
			src := data[i*dim : (i+1)*dim]
			for j, v := range src {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					bad[c] = i*dim + j
					return
				}
			}
			if !s.cosine {
				continue
			}
			dst := s.row(int32(i))
			if !vec.NormalizeRow(dst, src) {
				if zeros[c] == 0 {
					zero[c] = i
				}
				zeros[c]++
				continue
			}
			s.sq[i] = float64(vec.Dot(dst, dst))
		}
	})
	if err != nil {
		return nil, err
	}
	for c := range nTasks {
		if i := bad[c]; i >= 0 {
			return nil, fmt.Errorf("row %d, column %d is %v; vectors must be finite", i/dim, i%dim, data[i])
		}
	}
	total, first := 0, -1
	for c := range nTasks {
		if zeros[c] > 0 && first < 0 {
			first = zero[c]
		}
		total += zeros[c]
	}
	if total > 0 {
		return nil, fmt.Errorf("row %d is all zeros (%d such rows); cosine distance is undefined for zero vectors: drop those rows or use the euclidean metric", first, total)
	}
	return s, nil
}

// reporter serialises Progress calls that come from several goroutines.
type reporter struct {
	mu sync.Mutex
	f  func(phase string, done, total int)
}

func (r *reporter) report(phase string, done, total int) {
	if r.f == nil {
		return
	}
	r.mu.Lock()
	r.f(phase, done, total)
	r.mu.Unlock()
}
