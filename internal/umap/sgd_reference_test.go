package umap

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refStep is one update of sgdKernel written for a single vertex, the test
// oracle of the batching and interleaving: it moves cur against other.
func refStep(cur, other []float32, attract bool, c *sgdConsts) {
	a, bm1, ab2, g2b, alpha := c.f(kA), c.f(kBm1), c.f(kAB2), c.f(kG2B), c.f(kAlpha)
	var d2 float32
	for d := range cur {
		u := cur[d] - other[d]
		d2 = d2 + float32(u*u)
	}
	p := pow32(max(d2, minNormal32), bm1)
	s := float32(float32(a*p)*d2) + 1
	var coeff float32
	switch {
	case attract && d2 == 0:
		coeff = 0
	case attract:
		coeff = float32(ab2*p) / s
	case d2 == 0:
		for d := range cur {
			cur[d] += float32(4 * alpha)
		}
		return
	default:
		coeff = g2b / float32((d2+0.001)*s)
	}
	for d := range cur {
		g := min(max(float32(coeff*(cur[d]-other[d])), -4), 4)
		cur[d] += float32(g * alpha)
	}
}

// vertexReference runs one epoch's updates of the edges whose head is j,
// one after the other. Only y[j] is written; every other position is read
// from snap, the layout at the start of the epoch.
func (l *layout) vertexReference(j, epoch int, c *sgdConsts, y, snap []float32) {
	dim := l.dim
	n := float64(epoch)
	g := l.g
	cur := y[j*dim : (j+1)*dim]
	var rng stream
	var r uint64
	seeded, half := false, false
	for e := g.indptr[j]; e < g.indptr[j+1]; e++ {
		if l.clocks[e].next > n {
			continue
		}
		k := int(g.indices[e])
		other := snap[k*dim : (k+1)*dim]
		// Attraction, twice: umap-learn moves both ends of each directed
		// edge (move_other), so in every period of the pair {j, k} vertex
		// j is pulled once as the head of (j, k) and once as the tail of
		// (k, j). Here each vertex moves only itself, so it takes both
		// pulls while handling (j, k).
		refStep(cur, other, true, c)
		refStep(cur, other, true, c)
		l.clocks[e].next += l.perSample(int32(e))

		nNeg := int((n - l.clocks[e].nextNeg) / (l.perSample(int32(e)) / l.negRate))
		if nNeg > 0 && !seeded {
			rng = newStream(l.seed, uint64(epoch), uint64(j))
			seeded = true
		}
		for range nNeg {
			// Two indices per number of the stream, from its halves.
			if half {
				r >>= 32
			} else {
				r = rng.next()
			}
			half = !half
			k := int(uint64(uint32(r)) * uint64(g.n) >> 32)
			if k == j {
				continue
			}
			refStep(cur, snap[k*dim:(k+1)*dim], false, c)
		}
		l.clocks[e].nextNeg += float64(nNeg) * (l.perSample(int32(e)) / l.negRate)
	}
}

// TestLayoutBatchedMatchesReference checks that the batched, interleaved
// updates of run give, bit for bit, the layout of processing each vertex's
// edges one after the other, in 1 to 5 dimensions and on several threads,
// also with lanes so short that batches run whenever a lane is full and
// grow for the vertices with the most steps.
func TestLayoutBatchedMatchesReference(t *testing.T) {
	g := fixtureGraph(t, "roll", 1, 1)
	a, b := FindAB(1, 0)
	tests := []struct {
		dim, steps int
	}{{1, batchSteps}, {2, batchSteps}, {3, batchSteps}, {5, batchSteps}, {2, 40}, {3, 8}}
	for _, tc := range tests {
		dim := tc.dim
		t.Run(fmt.Sprintf("dim %d lanes of %d steps", dim, tc.steps), func(t *testing.T) {
			start := make([]float32, dim*g.n)
			for i := range start {
				start[i] = float32((i*7919)%1000) / 100
			}
			// Two points on top of each other: d² = 0 in both kinds of step.
			copy(start[dim:2*dim], start[:dim])
			const epochs = 40
			got := append([]float32(nil), start...)
			l := newLayout(g, dim, a, b, 1, 1, 5, epochs, 9, 3)
			l.batchSteps = tc.steps
			if err := l.run(context.Background(), got, nil); err != nil {
				t.Fatal(err)
			}
			want := append([]float32(nil), start...)
			r := newLayout(g, dim, a, b, 1, 1, 5, epochs, 9, 1)
			snap := make([]float32, len(want))
			for epoch := range epochs {
				c := *r.consts
				c.set(kAlpha, float32(r.alpha0*(1-float64(epoch)/float64(epochs))))
				copy(snap, want)
				for j := range g.n {
					r.vertexReference(j, epoch, &c, want, snap)
				}
			}
			if !bytes.Equal(floatBytes(got), floatBytes(want)) {
				t.Errorf("layout.run(...) differs from the one-vertex-at-a-time reference")
			}
		})
	}
}

// TestSGDStepGradient checks one kernel step against umap-learn's
// gradient evaluated in float64 with math.Pow.
func TestSGDStepGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, ab := range [][2]float64{{1.9328, 0.7905}, {1.5769, 0.8951}, {0.583, 1.3342}} {
		a, b := ab[0], ab[1]
		c := newSGDConsts(1, a, b, 1)
		const alpha = 0.37
		c.set(kAlpha, alpha)
		for i := range 20000 {
			dim := 1 + i%4
			cur, other := make([]float32, dim), make([]float32, dim)
			scale := math.Exp(8 * (rng.Float64() - 0.7))
			for d := range dim {
				cur[d] = float32(10 * rng.Float64())
				other[d] = cur[d] + float32(scale*rng.NormFloat64())
			}
			attract := i%2 == 0
			var d2 float64
			for d := range dim {
				u := float64(cur[d]) - float64(other[d])
				d2 += u * u
			}
			var coeff float64
			if attract {
				coeff = -2 * a * b * math.Pow(d2, b-1) / (a*math.Pow(d2, b) + 1)
			} else {
				coeff = 2 * b / ((0.001 + d2) * (a*math.Pow(d2, b) + 1))
			}
			got := append([]float32(nil), cur...)
			refStep(got, other, attract, c)
			for d := range dim {
				g := max(-4, min(4, coeff*(float64(cur[d])-float64(other[d]))))
				want := float64(cur[d]) + alpha*g
				if math.Abs(float64(got[d])-want) > 1e-5*(1+math.Abs(want)) {
					t.Fatalf("step(a %g, b %g, attract %v, cur %v, other %v) coordinate %d = %v, want %v", a, b, attract, cur, other, d, got[d], want)
				}
			}
		}
	}
}
