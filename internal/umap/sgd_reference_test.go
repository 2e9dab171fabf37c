package umap

import (
	"bytes"
	"context"
	"testing"
)

// vertexReference is the straightforward form of plan + apply2, kept as
// the test oracle: it runs one epoch's updates of the edges whose head is j. Only y[j]
// is written; every other position is read from snap, the layout at the
// start of the epoch.
func (l *layout) vertexReference(j, epoch int, alpha float64, y, snap []float32) {
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

// TestLayoutInterleavedMatchesReference checks that the interleaved update
// order of run gives, bit for bit, the layout of processing each vertex's
// edges one after the other.
func TestLayoutInterleavedMatchesReference(t *testing.T) {
	g := fixtureGraph(t, "roll", 1, 1)
	a, b := FindAB(1, 0)
	start := make([]float32, 2*g.n)
	for i := range start {
		start[i] = float32((i*7919)%1000) / 100
	}
	const epochs = 40
	got := append([]float32(nil), start...)
	l := newLayout(g, 2, a, b, 1, 1, 5, epochs, 9, 3)
	if err := l.run(context.Background(), got, nil); err != nil {
		t.Fatal(err)
	}
	want := append([]float32(nil), start...)
	r := newLayout(g, 2, a, b, 1, 1, 5, epochs, 9, 1)
	snap := make([]float32, len(want))
	for epoch := range epochs {
		alpha := r.alpha0 * (1 - float64(epoch)/float64(epochs))
		copy(snap, want)
		for j := range g.n {
			r.vertexReference(j, epoch, alpha, want, snap)
		}
	}
	if !bytes.Equal(floatBytes(got), floatBytes(want)) {
		t.Errorf("layout.run(...) differs from the one-vertex-at-a-time reference")
	}
}
