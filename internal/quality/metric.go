package quality

import (
	"fmt"
	"math"
	"slices"

	"motif/internal/knn"
	"motif/internal/vec"
)

// Metric is the distance between two points of the input space: the same
// type as knn's, so that one parsed metric (knn.ParseMetric) serves the
// graph, the layout and its scores. quality supports Euclidean and Cosine
// and panics on any other value.
type Metric = knn.Metric

const (
	// Euclidean is the L2 distance ‖x − y‖.
	Euclidean = knn.Euclidean
	// Cosine is 1 − x·y / (‖x‖‖y‖), clamped to [0, 2] as scikit-learn's
	// cosine_distances does. A zero vector is at distance 1 from everything
	// (scikit-learn's convention), not an error.
	Cosine = knn.Cosine
)

// points is a read-only view of n points that computes distances in float64
// (or, when f32 is set, with vec's float32 kernels).
type points struct {
	data   []float32
	dim    int
	metric Metric
	inv    []float64 // 1/‖x_i‖ (0 for a zero vector); cosine only
	f32    bool      // data is L2-normalised for cosine; use vec.Dot/SquaredL2
}

// newPoints32 returns points whose tile distances use vec's float32 SIMD
// kernels. For the cosine metric it normalises a copy of data (zero rows
// stay zero, at distance 1 from everything).
func newPoints32(data []float32, n, dim int, metric Metric) *points {
	p := newPoints(data, n, dim, metric)
	p.f32 = true
	if metric == Cosine {
		p.data = slices.Clone(p.data)
		vec.NormalizeRows(p.data, dim)
	}
	return p
}

func newPoints(data []float32, n, dim int, metric Metric) *points {
	p := &points{data: data[:n*dim], dim: dim, metric: metric}
	switch metric {
	case Euclidean:
	case Cosine:
		p.inv = make([]float64, n)
		for i := range n {
			x := data[i*dim : (i+1)*dim]
			var s float64
			for _, v := range x {
				s += float64(v) * float64(v)
			}
			if s > 0 {
				p.inv[i] = 1 / math.Sqrt(s)
			}
		}
	default:
		panic(fmt.Sprintf("quality: invalid metric %d", int(metric)))
	}
	return p
}

func (p *points) row(i int) []float32 { return p.data[i*p.dim : (i+1)*p.dim] }

// dist returns the distance between points i and j.
func (p *points) dist(i, j int) float64 {
	if p.metric == Cosine {
		return cosineDist(dot64(p.row(i), p.row(j)) * p.inv[i] * p.inv[j])
	}
	return math.Sqrt(sqDist64(p.row(i), p.row(j)))
}

func sqrt(x float64) float64 { return math.Sqrt(x) }

// cosineDist turns a cosine similarity into a distance clamped to [0, 2].
func cosineDist(sim float64) float64 {
	d := 1 - sim
	if d < 0 {
		return 0
	}
	if d > 2 {
		return 2
	}
	return d
}

// sqDist64 returns ‖x − y‖² accumulated in float64. It panics if the lengths
// differ.
func sqDist64(x, y []float32) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		d0 := float64(x[i]) - float64(y[i])
		d1 := float64(x[i+1]) - float64(y[i+1])
		d2 := float64(x[i+2]) - float64(y[i+2])
		d3 := float64(x[i+3]) - float64(y[i+3])
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(x); i++ {
		d := float64(x[i]) - float64(y[i])
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// dot64 returns x·y accumulated in float64. It panics if the lengths differ.
func dot64(x, y []float32) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i]) * float64(y[i])
		s1 += float64(x[i+1]) * float64(y[i+1])
		s2 += float64(x[i+2]) * float64(y[i+2])
		s3 += float64(x[i+3]) * float64(y[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i]) * float64(y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// checkShape panics unless data holds n points of dimension dim.
func checkShape(fn string, data []float32, n, dim int) {
	if n < 0 || dim < 1 || len(data) != n*dim {
		panic(fmt.Sprintf("quality: %s: len(data) = %d, want n·dim = %d·%d", fn, len(data), n, dim))
	}
}
