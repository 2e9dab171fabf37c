package quality

import (
	"context"
	"fmt"
	"math"
)

// lanes is the number of query points the low-dimensional silhouette kernel
// scores together: two 8-lane float32 vectors.
const lanes = 16

// chunk2D is the number of consecutive target points whose float32
// distances the kernel adds in float32 before adding the partial sum into
// the float64 total, which bounds the relative rounding error of a sum to
// about chunk2D·2⁻²⁴ in the worst case and √chunk2D·2⁻²⁴ ≈ 1e-6 typically.
const chunk2D = 256

// silhouette2D is the float32 path of [SilhouetteSamples] for Euclidean
// points of dimension 1, 2 or 3; the definition is scikit-learn's (see
// [Silhouette]). The points are sorted by cluster into coordinate arrays xs,
// ys (and zs) so that every cluster is one contiguous block. Sixteen query
// points at a time, one per SIMD lane, stream over every block, so that a
// cluster of any size costs no reduction and no scatter (see sumDist2D).
// Every query's sums are computed by one goroutine in a fixed order, so the
// result does not depend on opts.Threads, nor on whether the processor runs
// the assembly kernel or its pure-Go twin: both round identically.
func silhouette2D(ctx context.Context, data []float32, n, dim int, labels []int32, opts SilhouetteOptions) ([]float64, error) {
	ids, counts := denseLabels(labels)
	k := len(counts)
	if k < 2 || k > n-1 {
		return nil, fmt.Errorf("silhouette: %d distinct labels among %d points; need between 2 and n-1 distinct labels", k, n)
	}
	start := make([]int, k+1)
	for c, m := range counts {
		start[c+1] = start[c] + m
	}
	order := make([]int, n) // sorted position → input index
	cluster := make([]int, n)
	pos := make([]int, k)
	copy(pos, start[:k])
	xs := make([]float32, n)
	ys := make([]float32, n) // zero for 1-D points: adds exactly 0 to d²
	var zs []float32
	if dim == 3 {
		zs = make([]float32, n)
	}
	for i, c := range ids {
		p := pos[c]
		pos[c]++
		order[p] = i
		cluster[p] = c
		xs[p] = data[i*dim]
		if dim >= 2 {
			ys[p] = data[i*dim+1]
		}
		if dim == 3 {
			zs[p] = data[i*dim+2]
		}
	}

	invCount := make([]float64, k)
	for c, m := range counts {
		invCount[c] = 1 / float64(m)
	}
	out := make([]float64, n)
	tiles := (n + lanes - 1) / lanes
	workers := threadCount(opts.Threads, tiles)
	sums := make([][]float64, workers) // per worker: lanes sums per cluster
	for w := range sums {
		sums[w] = make([]float64, lanes*k)
	}
	var progress func(int)
	if opts.Progress != nil {
		progress = func(done int) { opts.Progress("silhouette", min(done*lanes, n), n) }
	}
	err := parallelBlocks(ctx, workers, tiles, func(w, t int) {
		lo, hi := t*lanes, min((t+1)*lanes, n)
		s := sums[w]
		if zs == nil {
			var q [2 * lanes]float32
			for r := range lanes {
				p := min(lo+r, hi-1) // idle lanes repeat the last query
				q[r], q[lanes+r] = xs[p], ys[p]
			}
			sumDist2D(&q, xs, ys, start, s)
		} else {
			var q [3 * lanes]float32
			for r := range lanes {
				p := min(lo+r, hi-1)
				q[r], q[lanes+r], q[2*lanes+r] = xs[p], ys[p], zs[p]
			}
			sumDist3D(&q, xs, ys, zs, start, s)
		}
		// b: find the nearest other cluster by multiplying with 1/|C|,
		// then divide its sum as the exact path does.
		var a, b [lanes]float64
		var near [lanes]int
		for r := range lanes {
			b[r] = math.Inf(1)
		}
		for r := range hi - lo {
			own := cluster[lo+r]
			a[r] = s[lanes*own+r] // the distance to itself is exactly 0
			s[lanes*own+r] = math.Inf(1)
		}
		for c := range k {
			cs := s[lanes*c : lanes*c+lanes]
			inv := invCount[c]
			for r := range cs {
				if v := cs[r] * inv; v < b[r] {
					b[r], near[r] = v, c
				}
			}
		}
		for r := range hi - lo {
			c := near[r]
			b[r] = s[lanes*c+r] / float64(counts[c])
		}
		for r := range hi - lo {
			p := lo + r
			out[order[p]] = pointScore(a[r], b[r], counts[cluster[p]])
		}
	}, progress)
	if err != nil {
		return nil, fmt.Errorf("silhouette: %w", err)
	}
	return out, nil
}

// sumDist2D sets out[lanes·c+l], for every block c = [bounds[c],
// bounds[c+1]) of the target points (xs[j], ys[j]), to the sum over the
// block of the Euclidean distances from query l = (q[l], q[lanes+l]),
// computed in float32 as √(float32(dx²) + float32(dy²)) and added in
// float32 within runs of chunk2D targets from the block's start, each run's
// sum then added to a float64 total. The assembly kernel and
// [sumDist2DGeneric] follow exactly these roundings and orders.
//
// It panics unless len(xs) = len(ys), bounds is non-decreasing within
// [0, len(xs)] and len(out) ≥ lanes·(len(bounds) − 1).
func sumDist2D(q *[2 * lanes]float32, xs, ys []float32, bounds []int, out []float64) {
	if len(xs) != len(ys) {
		panic(fmt.Sprintf("quality: sumDist2D: len(xs) = %d, len(ys) = %d", len(xs), len(ys)))
	}
	if len(bounds) < 2 {
		return
	}
	checkBlocks("sumDist2D", len(xs), bounds, out)
	if useAsm2D {
		sumDist2DAsm(q, xs, ys, bounds, out)
		return
	}
	sumDist2DGeneric(q, xs, ys, bounds, out)
}

// sumDist2DGeneric is the pure-Go [sumDist2D]. The explicit float32
// conversions keep the compiler from fusing the multiply and add, so that
// each operation rounds as the assembly's does.
func sumDist2DGeneric(q *[2 * lanes]float32, xs, ys []float32, bounds []int, out []float64) {
	for c := 0; c+1 < len(bounds); c++ {
		lo, hi := bounds[c], bounds[c+1]
		bx, by := xs[lo:hi], ys[lo:hi]
		for l := range lanes {
			qx, qy := q[l], q[lanes+l]
			var total float64
			for s := 0; s < len(bx); s += chunk2D {
				e := min(s+chunk2D, len(bx))
				var acc float32
				for j, x := range bx[s:e] {
					dx := qx - x
					dy := qy - by[s+j]
					acc += float32(math.Sqrt(float64(float32(dx*dx) + float32(dy*dy))))
				}
				total += float64(acc)
			}
			out[lanes*c+l] = total
		}
	}
}

// sumDist3D is [sumDist2D] for points of dimension 3: the squared distance
// is (float32(dx²) + float32(dy²)) + float32(dz²). It panics unless xs, ys
// and zs have the same length, and as sumDist2D does.
func sumDist3D(q *[3 * lanes]float32, xs, ys, zs []float32, bounds []int, out []float64) {
	if len(xs) != len(ys) || len(xs) != len(zs) {
		panic(fmt.Sprintf("quality: sumDist3D: len(xs) = %d, len(ys) = %d, len(zs) = %d", len(xs), len(ys), len(zs)))
	}
	if len(bounds) < 2 {
		return
	}
	checkBlocks("sumDist3D", len(xs), bounds, out)
	if useAsm2D {
		sumDist3DAsm(q, xs, ys, zs, bounds, out)
		return
	}
	sumDist3DGeneric(q, xs, ys, zs, bounds, out)
}

// sumDist3DGeneric is the pure-Go [sumDist3D].
func sumDist3DGeneric(q *[3 * lanes]float32, xs, ys, zs []float32, bounds []int, out []float64) {
	for c := 0; c+1 < len(bounds); c++ {
		lo, hi := bounds[c], bounds[c+1]
		bx, by, bz := xs[lo:hi], ys[lo:hi], zs[lo:hi]
		for l := range lanes {
			qx, qy, qz := q[l], q[lanes+l], q[2*lanes+l]
			var total float64
			for s := 0; s < len(bx); s += chunk2D {
				e := min(s+chunk2D, len(bx))
				var acc float32
				for j, x := range bx[s:e] {
					dx := qx - x
					dy := qy - by[s+j]
					dz := qz - bz[s+j]
					d2 := float32(dx*dx) + float32(dy*dy)
					acc += float32(math.Sqrt(float64(d2 + float32(dz*dz))))
				}
				total += float64(acc)
			}
			out[lanes*c+l] = total
		}
	}
}

// checkBlocks panics unless bounds (at least two) is non-decreasing within
// [0, m] and out holds lanes sums per block.
func checkBlocks(fn string, m int, bounds []int, out []float64) {
	if bounds[0] < 0 || bounds[len(bounds)-1] > m {
		panic(fmt.Sprintf("quality: %s: bounds [%d, %d] outside [0, %d]", fn, bounds[0], bounds[len(bounds)-1], m))
	}
	for c := 1; c < len(bounds); c++ {
		if bounds[c] < bounds[c-1] {
			panic(fmt.Sprintf("quality: %s: bounds decrease at %d", fn, c))
		}
	}
	if len(out) < lanes*(len(bounds)-1) {
		panic(fmt.Sprintf("quality: %s: len(out) = %d, want ≥ %d", fn, len(out), lanes*(len(bounds)-1)))
	}
}
