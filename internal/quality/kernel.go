package quality

import (
	"math"

	"motif/internal/vec"
)

// tile holds up to a few query rows converted to float64 once, so that the
// distances from all of them to one streamed row share that row's loads and
// conversions: the inner loop keeps four independent accumulators, one per
// query, in registers.
type tile struct {
	rows []int     // query row indices
	xs   []float64 // len(rows)·dim coordinates
	y    []float64 // dim, the streamed row
}

func newTile(maxRows, dim int) *tile {
	return &tile{xs: make([]float64, maxRows*dim), y: make([]float64, dim)}
}

// load makes rows the tile's queries.
func (t *tile) load(p *points, rows []int) {
	t.rows = rows
	if p.f32 {
		return
	}
	dim := p.dim
	for q, i := range rows {
		x := p.data[i*dim : (i+1)*dim]
		xs := t.xs[q*dim : (q+1)*dim]
		for d, v := range x {
			xs[d] = float64(v)
		}
	}
}

// dists sets out[q] to the distance from query q to row j, for every query
// (the distance of a query to itself is computed like any other).
func (t *tile) dists(out []float64, p *points, j int) {
	dim := p.dim
	if p.f32 {
		y := p.row(j)
		for q, i := range t.rows {
			if p.metric == Cosine {
				out[q] = cosineDist(float64(vec.Dot(p.row(i), y)))
			} else {
				out[q] = math.Sqrt(float64(vec.SquaredL2(p.row(i), y)))
			}
		}
		return
	}
	y := t.y[:dim]
	for d, v := range p.data[j*dim : (j+1)*dim] {
		y[d] = float64(v)
	}
	nq := len(t.rows)
	q := 0
	if p.metric == Cosine {
		for ; q+4 <= nq; q += 4 {
			x0 := t.xs[q*dim : (q+1)*dim][:dim]
			x1 := t.xs[(q+1)*dim : (q+2)*dim][:dim]
			x2 := t.xs[(q+2)*dim : (q+3)*dim][:dim]
			x3 := t.xs[(q+3)*dim : (q+4)*dim][:dim]
			var s0, s1, s2, s3 float64
			for d, yd := range y {
				s0 += x0[d] * yd
				s1 += x1[d] * yd
				s2 += x2[d] * yd
				s3 += x3[d] * yd
			}
			inv := p.inv[j]
			out[q] = cosineDist(s0 * p.inv[t.rows[q]] * inv)
			out[q+1] = cosineDist(s1 * p.inv[t.rows[q+1]] * inv)
			out[q+2] = cosineDist(s2 * p.inv[t.rows[q+2]] * inv)
			out[q+3] = cosineDist(s3 * p.inv[t.rows[q+3]] * inv)
		}
		for ; q < nq; q++ {
			x := t.xs[q*dim : (q+1)*dim][:dim]
			var s float64
			for d, yd := range y {
				s += x[d] * yd
			}
			out[q] = cosineDist(s * p.inv[t.rows[q]] * p.inv[j])
		}
		return
	}
	for ; q+4 <= nq; q += 4 {
		x0 := t.xs[q*dim : (q+1)*dim][:dim]
		x1 := t.xs[(q+1)*dim : (q+2)*dim][:dim]
		x2 := t.xs[(q+2)*dim : (q+3)*dim][:dim]
		x3 := t.xs[(q+3)*dim : (q+4)*dim][:dim]
		var s0, s1, s2, s3 float64
		for d, yd := range y {
			d0 := x0[d] - yd
			d1 := x1[d] - yd
			d2 := x2[d] - yd
			d3 := x3[d] - yd
			s0 += d0 * d0
			s1 += d1 * d1
			s2 += d2 * d2
			s3 += d3 * d3
		}
		out[q], out[q+1], out[q+2], out[q+3] = sqrt(s0), sqrt(s1), sqrt(s2), sqrt(s3)
	}
	for ; q < nq; q++ {
		x := t.xs[q*dim : (q+1)*dim][:dim]
		var s float64
		for d, yd := range y {
			e := x[d] - yd
			s += e * e
		}
		out[q] = sqrt(s)
	}
}
