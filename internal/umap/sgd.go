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
			for j := lo; j < hi; j++ {
				l.vertex(j, epoch, alpha, y, snap)
			}
		})
		if progress != nil {
			progress(epoch+1, l.nEpochs)
		}
	}
	return nil
}

// vertex runs one epoch's updates of the edges whose head is j. Only y[j]
// is written; every other position is read from snap, the layout at the
// start of the epoch.
func (l *layout) vertex(j, epoch int, alpha float64, y, snap []float32) {
	dim := l.dim
	a, b := l.a, l.b
	n := float64(epoch)
	g := l.g
	cur := y[j*dim : (j+1)*dim]
	var rng stream
	seeded := false
	for e := g.indptr[j]; e < g.indptr[j+1]; e++ {
		if l.epochOfNextSample[e] > n {
			continue
		}
		k := int(g.indices[e])
		other := snap[k*dim : (k+1)*dim]
		// Attraction, twice: umap-learn moves both ends of each directed
		// edge (move_other), so in every period of the pair {j, k} vertex
		// j is pulled once as the head of (j, k) and once as the tail of
		// (k, j). Here each vertex moves only itself, so it takes both
		// pulls while handling (j, k).
		for range 2 {
			var d2 float32
			for d := range dim {
				t := cur[d] - other[d]
				d2 += t * t
			}
			var coeff float64
			if d2 > 0 {
				pb1 := powPos(float64(d2), b-1)
				coeff = -2 * a * b * pb1 / (a*pb1*float64(d2) + 1)
			}
			for d := range dim {
				g := clip4(coeff * float64(cur[d]-other[d]))
				cur[d] += float32(g * alpha)
			}
		}
		l.epochOfNextSample[e] += l.epochsPerSample[e]

		nNeg := int((n - l.epochOfNextNegative[e]) / l.epochsPerNegSample[e])
		if nNeg > 0 && !seeded {
			rng = newStream(l.seed, uint64(epoch), uint64(j))
			seeded = true
		}
		for range nNeg {
			k := rng.intn(g.n)
			if k == j {
				continue
			}
			other := snap[k*dim : (k+1)*dim]
			var d2 float32
			for d := range dim {
				t := cur[d] - other[d]
				d2 += t * t
			}
			if d2 > 0 {
				coeff := 2 * l.gamma * b / ((0.001 + float64(d2)) * (a*powPos(float64(d2), b) + 1))
				for d := range dim {
					g := clip4(coeff * float64(cur[d]-other[d]))
					cur[d] += float32(g * alpha)
				}
			} else {
				for d := range dim {
					cur[d] += float32(4 * alpha)
				}
			}
		}
		l.epochOfNextNegative[e] += float64(nNeg) * l.epochsPerNegSample[e]
	}
}
