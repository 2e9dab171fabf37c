package umap

import (
	"context"
)

// layout holds the state of the stochastic gradient descent of
// umap-learn's optimize_layout_euclidean (umap/layouts.py) over the edges of
// the symmetric fuzzy graph, organised by head vertex (see the package
// documentation for the deterministic parallel scheme).
type layout struct {
	g                   *sparseGraph // edges to sample, symmetric, rows sorted
	dim                 int
	a, b, gamma         float64
	alpha0              float64
	negRate             float64
	nEpochs             int
	seed                uint64
	threads             int
	epochsPerSample     []float64
	epochsPerNegSample  []float64
	epochOfNextSample   []float64
	epochOfNextNegative []float64
}

func newLayout(g *sparseGraph, dim int, a, b, gamma, alpha0, negRate float64, nEpochs int, seed uint64, threads int) *layout {
	l := &layout{g: g, dim: dim, a: a, b: b, gamma: gamma, alpha0: alpha0, negRate: negRate,
		nEpochs: nEpochs, seed: seed, threads: threads}
	// make_epochs_per_sample: n_epochs / (n_epochs · w / max w).
	var wmax float32
	for _, w := range g.weights {
		wmax = max(wmax, w)
	}
	m := g.nnz()
	l.epochsPerSample = make([]float64, m)
	l.epochsPerNegSample = make([]float64, m)
	l.epochOfNextSample = make([]float64, m)
	l.epochOfNextNegative = make([]float64, m)
	for e, w := range g.weights {
		ns := float64(nEpochs) * float64(w/wmax)
		eps := -1.0
		if ns > 0 {
			eps = float64(nEpochs) / ns
		}
		l.epochsPerSample[e] = eps
		l.epochsPerNegSample[e] = eps / negRate
		l.epochOfNextSample[e] = eps
		l.epochOfNextNegative[e] = eps / negRate
	}
	return l
}

func clip4(v float64) float64 {
	if v > 4 {
		return 4
	}
	if v < -4 {
		return -4
	}
	return v
}

// run optimises the n×dim embedding y in place for all epochs, calling
// progress after each, and stops early (returning ctx's error) when ctx is
// cancelled between epochs.
func (l *layout) run(ctx context.Context, y []float32, progress func(done, total int)) error {
	snap := make([]float32, len(y))
	for epoch := range l.nEpochs {
		if err := ctx.Err(); err != nil {
			return err
		}
		alpha := l.alpha0 * (1 - float64(epoch)/float64(l.nEpochs))
		copy(snap, y)
		parallelFor(l.threads, l.g.n, 256, func(lo, hi int) {
			var ops [lanes][]sgdOp
			var cur [lanes][]float32
			for j := lo; j < hi; j += lanes {
				m := min(lanes, hi-j)
				for v := range m {
					ops[v] = l.plan(j+v, epoch, ops[v])
					cur[v] = y[(j+v)*l.dim : (j+v+1)*l.dim]
				}
				for v := m; v < lanes; v++ {
					ops[v] = ops[v][:0]
				}
				l.applyLanes(&cur, &ops, snap, alpha)
			}
		})
		if progress != nil {
			progress(epoch+1, l.nEpochs)
		}
	}
	return nil
}

// sgdOp is one update of a head vertex: an attractive step towards, or a
// negative-sample step away from, vertex k.
type sgdOp struct {
	k       int32
	attract bool
}

// plan advances the sampling state of the edges whose head is j by one
// epoch and returns, in umap-learn's order, the updates vertex j makes:
// for each due edge (j, k) two attractive steps towards k (umap-learn moves
// both ends of a sampled edge, and the graph is symmetric: j is pulled once
// as the head of (j, k) and once as the tail of (k, j)), then its negative
// samples, drawn from the stream keyed by (seed, epoch, j); samples of j
// itself are skipped as umap-learn does.
func (l *layout) plan(j, epoch int, ops []sgdOp) []sgdOp {
	ops = ops[:0]
	g := l.g
	n := float64(epoch)
	var rng stream
	seeded := false
	for e := g.indptr[j]; e < g.indptr[j+1]; e++ {
		if l.epochOfNextSample[e] > n {
			continue
		}
		k := g.indices[e]
		ops = append(ops, sgdOp{k, true}, sgdOp{k, true})
		l.epochOfNextSample[e] += l.epochsPerSample[e]
		nNeg := int((n - l.epochOfNextNegative[e]) / l.epochsPerNegSample[e])
		if nNeg > 0 && !seeded {
			rng = newStream(l.seed, uint64(epoch), uint64(j))
			seeded = true
		}
		for range nNeg {
			if kk := rng.intn(g.n); kk != j {
				ops = append(ops, sgdOp{int32(kk), false})
			}
		}
		l.epochOfNextNegative[e] += float64(nNeg) * l.epochsPerNegSample[e]
	}
	return ops
}

// lanes is the number of vertices whose updates are interleaved.
const lanes = 4

// applyLanes applies the updates of up to lanes vertices, interleaved so
// that the processor overlaps their independent dependency chains (each
// step waits on the previous one of the same vertex). Each vertex's result
// is exactly that of applying its own updates in order.
func (l *layout) applyLanes(cur *[lanes][]float32, ops *[lanes][]sgdOp, snap []float32, alpha float64) {
	dim := l.dim
	longest := 0
	for v := range lanes {
		longest = max(longest, len(ops[v]))
	}
	if dim == 2 {
		for t := range longest {
			for v := range lanes {
				if t < len(ops[v]) {
					o := ops[v][t]
					l.step2(cur[v], snap[2*int(o.k):2*int(o.k)+2], o.attract, alpha)
				}
			}
		}
		return
	}
	for t := range longest {
		for v := range lanes {
			if t < len(ops[v]) {
				o := ops[v][t]
				l.step(cur[v], snap[int(o.k)*dim:int(o.k+1)*dim], o.attract, alpha)
			}
		}
	}
}

// step moves cur by one SGD update of optimize_layout_euclidean against
// other: attractive, c = −2ab·d^(2(b−1))/(1 + a·d^(2b)) (0 at d = 0), or
// repulsive, c = 2γb/((0.001 + d²)(1 + a·d^(2b))) (a step of +4 per
// coordinate at d = 0); each coordinate moves by α·clip(c·(cur − other), ±4).
func (l *layout) step(cur, other []float32, attract bool, alpha float64) {
	var d2 float32
	for d := range cur {
		t := cur[d] - other[d]
		d2 += t * t
	}
	a, b := l.a, l.b
	var coeff float64
	if attract {
		if d2 > 0 {
			pb1 := powPos(float64(d2), b-1)
			coeff = -2 * a * b * pb1 / (a*pb1*float64(d2) + 1)
		}
	} else {
		if d2 <= 0 {
			for d := range cur {
				cur[d] += float32(4 * alpha)
			}
			return
		}
		coeff = 2 * l.gamma * b / ((0.001 + float64(d2)) * (a*powPos(float64(d2), b) + 1))
	}
	for d := range cur {
		g := clip4(coeff * float64(cur[d]-other[d]))
		cur[d] += float32(g * alpha)
	}
}

// step2 is step for two-dimensional layouts, with the same arithmetic in
// the same order (so the same bits), unrolled.
func (l *layout) step2(cur, other []float32, attract bool, alpha float64) {
	cur, other = cur[:2], other[:2]
	t0, t1 := cur[0]-other[0], cur[1]-other[1]
	var d2 float32
	d2 += t0 * t0
	d2 += t1 * t1
	a, b := l.a, l.b
	var coeff float64
	if attract {
		if d2 > 0 {
			pb1 := powPos(float64(d2), b-1)
			coeff = -2 * a * b * pb1 / (a*pb1*float64(d2) + 1)
		}
	} else {
		if d2 <= 0 {
			cur[0] += float32(4 * alpha)
			cur[1] += float32(4 * alpha)
			return
		}
		coeff = 2 * l.gamma * b / ((0.001 + float64(d2)) * (a*powPos(float64(d2), b) + 1))
	}
	g0 := clip4(coeff * float64(t0))
	cur[0] += float32(g0 * alpha)
	g1 := clip4(coeff * float64(t1))
	cur[1] += float32(g1 * alpha)
}
