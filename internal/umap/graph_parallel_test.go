package umap

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"motif/internal/knn"
)

// components labels the connected components of the symmetric graph g,
// numbering them in order of their smallest vertex, and returns the labels
// and the number of components.
func components(g *sparseGraph) ([]int32, int) {
	_, labels, nc := g.bfs()
	return labels, nc
}

// The serial reference versions below are the graph builders as they were
// before they ran on several threads, except that a membership row is
// sorted stably (a neighbour listed three or more times had its weights
// summed in an order the unstable sort left unspecified); the parallel
// versions must give the same bits.

func serialSmoothKNNDist(dists []float32, n, k int, target, localConnectivity float64) (sigmas, rhos []float32) {
	sigmas = make([]float32, n)
	rhos = make([]float32, n)
	goal := math.Log2(target)
	var total float64
	for _, d := range dists {
		total += float64(d)
	}
	meanAll := total / float64(len(dists))
	nonZero := make([]float32, 0, k)
	for i := range n {
		row := dists[i*k : (i+1)*k]
		nonZero = nonZero[:0]
		for _, d := range row {
			if d > 0 {
				nonZero = append(nonZero, d)
			}
		}
		var rho float32
		if float64(len(nonZero)) >= localConnectivity {
			index := int(math.Floor(localConnectivity))
			interp := localConnectivity - float64(index)
			if index > 0 {
				rho = nonZero[index-1]
				if interp > smoothKTolerance {
					rho = float32(float64(rho) + interp*float64(nonZero[index]-nonZero[index-1]))
				}
			} else {
				rho = float32(interp * float64(nonZero[0]))
			}
		} else if len(nonZero) > 0 {
			rho = nonZero[0]
			for _, d := range nonZero {
				rho = max(rho, d)
			}
		}
		lo, hi, mid := float32(0), float32(math.Inf(1)), float32(1)
		for range smoothKIters {
			var psum float32
			for _, dj := range row[1:] {
				d := dj - rho
				if d > 0 {
					psum += float32(math.Exp(float64(-(d / mid))))
				} else {
					psum++
				}
			}
			if math.Abs(float64(psum)-goal) < smoothKTolerance {
				break
			}
			if float64(psum) > goal {
				hi = mid
				mid = (lo + hi) / 2
			} else {
				lo = mid
				if math.IsInf(float64(hi), 1) {
					mid *= 2
				} else {
					mid = (lo + hi) / 2
				}
			}
		}
		sigma := mid
		if rho > 0 {
			var s float64
			for _, d := range row {
				s += float64(d)
			}
			if floor := float32(minKDistScale * s / float64(k)); sigma < floor {
				sigma = floor
			}
		} else if floor := float32(minKDistScale * meanAll); sigma < floor {
			sigma = floor
		}
		sigmas[i] = sigma
		rhos[i] = rho
	}
	return sigmas, rhos
}

func serialMembershipGraph(indices []int32, dists []float32, n, k int, sigmas, rhos []float32) *sparseGraph {
	g := &sparseGraph{n: n, indptr: make([]int, n+1)}
	type entry struct {
		j int32
		w float32
	}
	buf := make([]entry, 0, k)
	for i := range n {
		buf = buf[:0]
		for c := range k {
			j := indices[i*k+c]
			if j < 0 || int(j) == i {
				continue
			}
			d := dists[i*k+c]
			var w float32
			switch {
			case d-rhos[i] <= 0 || sigmas[i] == 0:
				w = 1
			default:
				w = float32(math.Exp(-float64(d-rhos[i]) / float64(sigmas[i])))
			}
			if w != 0 {
				buf = append(buf, entry{j, w})
			}
		}
		sort.SliceStable(buf, func(a, b int) bool { return buf[a].j < buf[b].j })
		for c, e := range buf {
			if c > 0 && buf[c-1].j == e.j {
				g.weights[len(g.weights)-1] += e.w
				continue
			}
			g.indices = append(g.indices, e.j)
			g.weights = append(g.weights, e.w)
		}
		g.indptr[i+1] = len(g.indices)
	}
	return g
}

func serialTranspose(g *sparseGraph) *sparseGraph {
	t := &sparseGraph{n: g.n, indptr: make([]int, g.n+1),
		indices: make([]int32, g.nnz()), weights: make([]float32, g.nnz())}
	for _, j := range g.indices {
		t.indptr[j+1]++
	}
	for i := range g.n {
		t.indptr[i+1] += t.indptr[i]
	}
	next := append([]int(nil), t.indptr[:g.n]...)
	for i := range g.n {
		cols, ws := g.row(i)
		for c, j := range cols {
			p := next[j]
			t.indices[p] = int32(i)
			t.weights[p] = ws[c]
			next[j]++
		}
	}
	return t
}

func serialFuzzyUnion(a *sparseGraph, r float32) *sparseGraph {
	t := serialTranspose(a)
	out := &sparseGraph{n: a.n, indptr: make([]int, a.n+1)}
	combine := func(x, y float32) float32 {
		p := float32(x * y)
		if r == 1 {
			return x + y - p
		}
		return r*(x+y-p) + (1-r)*p
	}
	for i := range a.n {
		ac, aw := a.row(i)
		tc, tw := t.row(i)
		p, q := 0, 0
		for p < len(ac) || q < len(tc) {
			var j int32
			var x, y float32
			switch {
			case q == len(tc) || (p < len(ac) && ac[p] < tc[q]):
				j, x = ac[p], aw[p]
				p++
			case p == len(ac) || tc[q] < ac[p]:
				j, y = tc[q], tw[q]
				q++
			default:
				j, x, y = ac[p], aw[p], tw[q]
				p++
				q++
			}
			if w := combine(x, y); w != 0 {
				out.indices = append(out.indices, j)
				out.weights = append(out.weights, w)
			}
		}
		out.indptr[i+1] = len(out.indices)
	}
	return out
}

func serialPrune(g *sparseGraph, cut float64) *sparseGraph {
	out := &sparseGraph{n: g.n, indptr: make([]int, g.n+1)}
	for i := range g.n {
		cols, ws := g.row(i)
		for c, w := range ws {
			if float64(w) >= cut {
				out.indices = append(out.indices, cols[c])
				out.weights = append(out.weights, w)
			}
		}
		out.indptr[i+1] = len(out.indices)
	}
	return out
}

// randomKNN returns an n×k neighbour list shaped like a real one: the point
// itself first at distance 0, then neighbours at increasing distances, half
// of them near the point in index order and half anywhere, so that columns
// get uneven lengths. Every 97th row has a repeated neighbour (summed by
// membershipGraph), every 89th repeats distance 0 (ρ on a tie), and with
// missing set every 101st row ends in missing neighbours (−1, +Inf); with
// zeroRows, every 211th row has only distances 0 (ρ = 0, the floor from the
// mean of all rows).
func randomKNN(n, k int, seed uint64, missing, zeroRows bool) ([]int32, []float32) {
	rng := rand.New(rand.NewPCG(seed, 3))
	indices := make([]int32, n*k)
	dists := make([]float32, n*k)
	for i := range n {
		idx, ds := indices[i*k:(i+1)*k], dists[i*k:(i+1)*k]
		idx[0] = int32(i)
		d := float32(0)
		for c := 1; c < k; c++ {
			if rng.IntN(2) == 0 {
				idx[c] = int32((i + 1 + rng.IntN(200)) % n)
			} else {
				idx[c] = int32(rng.IntN(n))
			}
			d += rng.Float32() * 0.1
			ds[c] = d
		}
		switch {
		case zeroRows && i%211 == 0:
			clear(ds)
		case i%89 == 0:
			ds[1] = 0
		}
		if i%97 == 0 {
			idx[k-1] = idx[k-2]
		}
		if missing && i%101 == 0 {
			for c := k - 3; c < k; c++ {
				idx[c], ds[c] = -1, float32(math.Inf(1))
			}
		}
	}
	return indices, dists
}

func sameGraph(t *testing.T, what string, got, want *sparseGraph) {
	t.Helper()
	if got.n != want.n || !slices.Equal(got.indptr, want.indptr) || !slices.Equal(got.indices, want.indices) {
		t.Fatalf("%s: structure differs from the serial version (n %d, %d entries; want n %d, %d entries)", what, got.n, got.nnz(), want.n, want.nnz())
	}
	for e := range got.weights {
		if math.Float32bits(got.weights[e]) != math.Float32bits(want.weights[e]) {
			t.Fatalf("%s: weight %d = %g, want %g (serial)", what, e, got.weights[e], want.weights[e])
		}
	}
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %g, want %g (serial)", what, i, got[i], want[i])
		}
	}
}

// TestGraphParallelMatchesSerial builds random graphs, one the size of
// Fashion-MNIST's (70,000 points, k = 20), on several thread counts and
// compares every step with the serial versions bit for bit.
func TestGraphParallelMatchesSerial(t *testing.T) {
	const k = 20
	tests := []struct {
		name              string
		n                 int
		missing, zeroRows bool
		localConnectivity float64
		mix               float32
	}{
		{"union", 70000, false, false, 1, 1},
		{"zero rows, mix 0.6, local connectivity 1.5", 30000, false, true, 1.5, 0.6},
		{"missing neighbours and zero rows, intersection", 30000, true, true, 1, 0},
	}
	for ti, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.n
			indices, dists := randomKNN(n, k, uint64(ti), tc.missing, tc.zeroRows)
			wantS, wantR := serialSmoothKNNDist(dists, n, k, k, tc.localConnectivity)
			wantA := serialMembershipGraph(indices, dists, n, k, wantS, wantR)
			wantT := serialTranspose(wantA)
			wantU := serialFuzzyUnion(wantA, tc.mix)
			var wmax float32
			for _, w := range wantU.weights {
				wmax = max(wmax, w)
			}
			wantP := serialPrune(wantU, float64(wmax)/200)
			if wantP.nnz() == wantU.nnz() || wantP.nnz() == 0 {
				t.Fatalf("pruning keeps %d of %d entries; the test needs some of each", wantP.nnz(), wantU.nnz())
			}
			for _, threads := range []int{1, 2, 5} {
				s, r := smoothKNNDist(dists, n, k, k, tc.localConnectivity, threads)
				sameBits(t, "smoothKNNDist(...) σ", s, wantS)
				sameBits(t, "smoothKNNDist(...) ρ", r, wantR)
				a := membershipGraph(indices, dists, n, k, s, r, threads)
				sameGraph(t, "membershipGraph(...)", a, wantA)
				sameGraph(t, "transpose(...)", a.transpose(threads), wantT)
				u := fuzzyUnion(a, tc.mix, threads)
				sameGraph(t, "fuzzyUnion(...)", u, wantU)
				if got := maxWeight(u, threads); got != wmax {
					t.Fatalf("maxWeight(...) = %g, want %g", got, wmax)
				}
				sameGraph(t, "prune(...)", prune(u, float64(wmax)/200, threads), wantP)
			}
		})
	}
}

// TestMembershipGraphDuplicates checks that a neighbour listed several times
// gets the sum of its weights in the order listed, and that the point itself
// is left out wherever it is listed.
func TestMembershipGraphDuplicates(t *testing.T) {
	indices := []int32{
		0, 2, 1, 2,
		2, 1, 0, 2,
		2, 0, 0, 0,
	}
	dists := []float32{
		0, 0.5, 1, 1.5,
		0, 0.2, 0.7, 0.9,
		0, 0.1, 0.3, 0.6,
	}
	sigmas := []float32{0.3, 0.4, 0.5}
	rhos := []float32{0.5, 0.2, 0.1}
	w := func(i int, d float32) float32 {
		if d-rhos[i] <= 0 {
			return 1
		}
		return float32(math.Exp(-float64(d-rhos[i]) / float64(sigmas[i])))
	}
	want := &sparseGraph{n: 3, indptr: []int{0, 2, 4, 5},
		indices: []int32{1, 2, 0, 2, 0},
		weights: []float32{w(0, 1), w(0, 0.5) + w(0, 1.5), w(1, 0.7), w(1, 0) + w(1, 0.9), (w(2, 0.1) + w(2, 0.3)) + w(2, 0.6)}}
	for _, threads := range []int{1, 2} {
		sameGraph(t, "membershipGraph(...)", membershipGraph(indices, dists, 3, 4, sigmas, rhos, threads), want)
	}
}

// TestFitGraphFirstError checks that with bad entries in several blocks of
// rows, FitGraph reports the first one, as a serial scan would.
func TestFitGraphFirstError(t *testing.T) {
	const n, k = 3 * graphGrain, 3
	indices, dists := randomKNN(n, k, 9, false, false)
	kg := &knn.Graph{N: n, K: k, Indices: indices, Dists: dists}
	dists[(2*graphGrain+5)*k+1] = -1
	indices[(graphGrain+7)*k+2] = n
	dists[(graphGrain+9)*k+1] = float32(math.NaN())
	for _, threads := range []int{1, 3} {
		_, err := FitGraph(context.Background(), kg, Options{Threads: threads, NEpochs: 1})
		if want := fmt.Sprintf("neighbour 2 of point %d is %d,", graphGrain+7, n); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("FitGraph(threads %d) error = %v, want the one of neighbour 2 of point %d", threads, err, graphGrain+7)
		}
	}
}

// BenchmarkGraph times the graph phase (smooth_knn_dist, membership
// strengths, fuzzy union, pruning) of a random 70,000×20 kNN graph, the size
// of Fashion-MNIST's: "before" as it ran before the steps after
// smooth_knn_dist were parallel (the serial versions above), then on one
// thread and on all of them. It reports CPU seconds per run beside wall
// time.
func BenchmarkGraph(b *testing.B) {
	const n, k = 70000, 20
	indices, dists := randomKNN(n, k, 1, false, false)
	kg := &knn.Graph{N: n, K: k, Indices: indices, Dists: dists}
	procs := runtime.GOMAXPROCS(0)
	b.Run("before", func(b *testing.B) {
		cpu0 := cpuTime()
		for b.Loop() {
			var total float64 // the mean of all distances, always computed then
			for _, d := range dists {
				total += float64(d)
			}
			s, r := smoothKNNDist(dists, n, k, k, 1, procs)
			g := serialFuzzyUnion(serialMembershipGraph(indices, dists, n, k, s, r), 1)
			var wmax float32
			for _, w := range g.weights {
				wmax = max(wmax, w)
			}
			serialPrune(g, float64(wmax)/200)
		}
		b.ReportMetric((cpuTime()-cpu0)/float64(b.N)/1e9, "cpu-s/op")
	})
	for _, threads := range []int{1, procs} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			p := params{nNeighbors: k, localConnectivity: 1, setOpMix: 1, threads: threads}
			cpu0 := cpuTime()
			for b.Loop() {
				g, err := fuzzyGraph(kg, k, p, false)
				if err != nil {
					b.Fatal(err)
				}
				prune(g, float64(maxWeight(g, threads))/200, threads)
			}
			b.ReportMetric((cpuTime()-cpu0)/float64(b.N)/1e9, "cpu-s/op")
		})
	}
}
