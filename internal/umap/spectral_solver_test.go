package umap

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"motif/internal/knn"
)

// clusteredGraph returns the fuzzy union graph (k = 10, exact neighbours)
// of n points drawn around `clusters` centres in 6 dimensions, close enough
// to be connected: its top eigenvalues of D^−½·W·D^−½ crowd near 1 as a
// UMAP graph's do.
func clusteredGraph(t testing.TB, n, clusters int, seed uint64) *sparseGraph {
	t.Helper()
	const dim, k = 6, 10
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([]float64, clusters*dim)
	for i := range centres {
		centres[i] = 1.2 * rng.NormFloat64()
	}
	x := make([]float32, n*dim)
	for i := range n {
		c := rng.IntN(clusters)
		for d := range dim {
			x[i*dim+d] = float32(centres[c*dim+d] + rng.NormFloat64())
		}
	}
	kg, err := knn.Exact(context.Background(), x, n, dim, k, knn.Options{Metric: knn.Euclidean})
	if err != nil {
		t.Fatal(err)
	}
	sigmas, rhos := smoothKNNDist(kg.Dists, n, k, k, 1, 1)
	g := fuzzyUnion(membershipGraph(kg.Indices, kg.Dists, n, k, sigmas, rhos, 2), 1, 2)
	if _, nc := components(g); nc != 1 {
		t.Fatalf("clusteredGraph(%d, %d, %d) has %d components, want 1", n, clusters, seed, nc)
	}
	return g
}

// bridged returns the disjoint union of a and b (b's vertices after a's)
// with one more edge of weight w between vertex 0 of a and vertex 0 of b.
func bridged(a, b *sparseGraph, w float32) *sparseGraph {
	g := &sparseGraph{n: a.n + b.n, indptr: []int{0}}
	for i := range g.n {
		if i == a.n {
			g.indices = append(g.indices, 0)
			g.weights = append(g.weights, w)
		}
		if i < a.n {
			cols, ws := a.row(i)
			g.indices = append(g.indices, cols...)
			g.weights = append(g.weights, ws...)
		} else {
			cols, ws := b.row(i - a.n)
			for _, c := range cols {
				g.indices = append(g.indices, c+int32(a.n))
			}
			g.weights = append(g.weights, ws...)
		}
		if i == 0 {
			g.indices = append(g.indices, int32(a.n))
			g.weights = append(g.weights, w)
		}
		g.indptr = append(g.indptr, len(g.indices))
	}
	return g
}

// denseNormalized returns D^−½·W·D^−½ of g as a dense row-major matrix.
func denseNormalized(g *sparseGraph) []float64 {
	n := g.n
	deg := make([]float64, n)
	for i := range n {
		_, ws := g.row(i)
		for _, w := range ws {
			deg[i] += float64(w)
		}
	}
	a := make([]float64, n*n)
	for i := range n {
		cols, ws := g.row(i)
		for p, j := range cols {
			a[i*n+int(j)] = float64(ws[p]) / math.Sqrt(deg[i]*deg[j])
		}
	}
	return a
}

func TestNormalizedOp(t *testing.T) {
	g := clusteredGraph(t, 300, 4, 1)
	n := g.n
	a := denseNormalized(g)
	sqrtDeg := make([]float64, n)
	for i := range n {
		_, ws := g.row(i)
		for _, w := range ws {
			sqrtDeg[i] += float64(w)
		}
		sqrtDeg[i] = math.Sqrt(sqrtDeg[i])
	}
	rng := rand.New(rand.NewPCG(2, 2))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for _, threads := range []int{1, 3} {
		got := make([]float64, n)
		normalizedOp(g, sqrtDeg, threads)(got, x)
		for i := range n {
			want := dot64(a[i*n:(i+1)*n], x)
			if math.Abs(got[i]-want) > 1e-12*(1+math.Abs(want)) {
				t.Fatalf("normalizedOp(threads %d)[%d] = %.15g, want %.15g", threads, i, got[i], want)
			}
		}
	}
}

// TestLanczosTopDense checks the eigensolver against a dense
// eigendecomposition on graphs large enough for the Lanczos path: the
// eigenvalues, the eigenvectors (up to sign), the residual bound the
// solver promises, orthonormality, orthogonality to the locked vector, and
// identical bytes for any thread count.
func TestLanczosTopDense(t *testing.T) {
	cases := []struct {
		n, clusters, nev, m int
		bridge              float32 // > 0: two graphs of n/2 joined by one edge of this weight
	}{
		{200, 3, 2, 24, 0},
		{250, 8, 2, 24, 0},
		{250, 8, 5, 24, 0},
		{300, 12, 10, 32, 0},
		{250, 5, 2, 8, 0}, // many restarts
		// A second Laplacian eigenvalue of 2.5e-6, so a residual bound of
		// 2.5e-10.
		{300, 3, 2, 24, 1e-3},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("n=%d,clusters=%d,nev=%d,m=%d,bridge=%g", tc.n, tc.clusters, tc.nev, tc.m, tc.bridge), func(t *testing.T) {
			var g *sparseGraph
			if tc.bridge > 0 {
				g = bridged(clusteredGraph(t, tc.n/2, tc.clusters, 1), clusteredGraph(t, tc.n-tc.n/2, tc.clusters, 2), tc.bridge)
			} else {
				g = clusteredGraph(t, tc.n, tc.clusters, uint64(tc.n+tc.clusters))
			}
			n := g.n
			a := denseNormalized(g)
			vals, vecs := symEigen(append([]float64(nil), a...), n)
			trivial := make([]float64, n)
			for i := range n {
				trivial[i] = vecs[i*n]
			}
			if math.Abs(vals[0]-1) > 1e-12 {
				t.Fatalf("dense top eigenvalue = %.15g, want 1", vals[0])
			}
			sqrtDeg := make([]float64, n)
			for i := range n {
				_, ws := g.row(i)
				for _, w := range ws {
					sqrtDeg[i] += float64(w)
				}
				sqrtDeg[i] = math.Sqrt(sqrtDeg[i])
			}
			start := make([]float64, n)
			for i := range start {
				start[i] = 1
			}
			var ref []byte
			for _, threads := range []int{1, 2, 5} {
				op := normalizedOp(g, sqrtDeg, threads)
				theta, Y, err := lanczosTop(context.Background(), op, n, tc.nev, tc.m, [][]float64{trivial}, start, 1, spectralTol, 1000, rand.New(rand.NewPCG(1, 1)), threads)
				if err != nil {
					t.Fatalf("lanczosTop(threads %d) error %v", threads, err)
				}
				var buf bytes.Buffer
				binary.Write(&buf, binary.LittleEndian, theta)
				for _, y := range Y {
					binary.Write(&buf, binary.LittleEndian, y)
				}
				if ref == nil {
					ref = buf.Bytes()
				} else if !bytes.Equal(ref, buf.Bytes()) {
					t.Errorf("lanczosTop(threads %d) differs from lanczosTop(threads 1)", threads)
				}
				if threads != 1 {
					continue
				}
				ay := make([]float64, n)
				for i := range tc.nev {
					want := vals[i+1]
					if d := math.Abs(theta[i] - want); d > math.Max(1e-8*(1-want), 1e-13) {
						t.Errorf("lanczosTop(...) eigenvalue %d = %.15g, want %.15g", i, theta[i], want)
					}
					op(ay, Y[i])
					var res float64
					for r := range n {
						res += (ay[r] - theta[i]*Y[i][r]) * (ay[r] - theta[i]*Y[i][r])
					}
					// The solver's residual estimate and the true one
					// agree to rounding; allow 1e-12 for that.
					if res = math.Sqrt(res); res > spectralTol*(1-theta[i])+1e-12 {
						t.Errorf("lanczosTop(...) vector %d residual = %.3g, want ≤ %.3g", i, res, spectralTol*(1-theta[i]))
					}
					u := make([]float64, n)
					for r := range n {
						u[r] = vecs[r*n+i+1]
					}
					// |cos| between computed and exact eigenvectors is at
					// least 1 − (res/gap)²/2; the gap is the distance to the
					// nearest other eigenvalue.
					gap := math.Min(vals[i]-vals[i+1], vals[i+1]-vals[i+2])
					if c := math.Abs(dot64(Y[i], u)); gap > 1e-3 && c < 1-math.Pow(res/gap, 2) {
						t.Errorf("lanczosTop(...) vector %d |cos| with the exact one = %.12f, gap %.3g", i, c, gap)
					}
					if c := math.Abs(dot64(Y[i], trivial)); c > 1e-12 {
						t.Errorf("lanczosTop(...) vector %d · locked = %.3g, want 0", i, c)
					}
					for j := range i + 1 {
						want := 0.0
						if j == i {
							want = 1
						}
						if d := math.Abs(dot64(Y[i], Y[j]) - want); d > 1e-12 {
							t.Errorf("lanczosTop(...) vectors %d·%d = %.15g, want %g", i, j, dot64(Y[i], Y[j]), want)
						}
					}
				}
			}
		})
	}
}

// TestSpectralLayoutThreads checks that the spectral initialisation of a
// graph on the Lanczos path gives identical bytes for any thread count.
func TestSpectralLayoutThreads(t *testing.T) {
	g := clusteredGraph(t, 1500, 10, 9)
	var ref []float64
	for _, threads := range []int{1, 2, 4} {
		got, ok, err := spectralLayout(context.Background(), g, 2, spectralInput{}, rand.New(rand.NewPCG(1, 1)), threads)
		if err != nil || !ok {
			t.Fatalf("spectralLayout(threads %d) ok = %v, err = %v", threads, ok, err)
		}
		if ref == nil {
			ref = got
			continue
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(ref[i]) {
				t.Fatalf("spectralLayout(threads %d)[%d] = %v, want %v (threads 1)", threads, i, got[i], ref[i])
			}
		}
	}
}

// BenchmarkSpectralSynthetic times the spectral initialisation of the
// fuzzy graph of 20,000 clustered synthetic points on one thread, for a 2-d
// map and 5- and 10-d clustering layouts.
func BenchmarkSpectralSynthetic(b *testing.B) {
	g := clusteredGraph(b, 20000, 30, 5)
	for _, dim := range []int{2, 5, 10} {
		b.Run(fmt.Sprintf("dim=%d", dim), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				if _, ok, err := spectralLayout(context.Background(), g, dim, spectralInput{}, rand.New(rand.NewPCG(1, 1)), 1); err != nil || !ok {
					b.Fatalf("spectralLayout(...) ok = %v, err = %v", ok, err)
				}
			}
			b.ReportMetric((cpuTime()-cpu0)/float64(b.N)/1e9, "cpu-s/op")
		})
	}
}

// TestPermute checks bfs and permute on a graph with two components:
// the order visits every vertex once, each component contiguously, the
// labels number the components by their smallest vertex, and the permuted
// graph holds entry (i, j) of g at (pos[i], pos[j]).
func TestPermute(t *testing.T) {
	a := clusteredGraph(t, 60, 2, 3)
	b := clusteredGraph(t, 40, 2, 4)
	// The disjoint union of a and b, b's vertices after a's.
	g := &sparseGraph{n: a.n + b.n, indptr: append([]int(nil), a.indptr...)}
	g.indices = append(g.indices, a.indices...)
	g.weights = append(g.weights, a.weights...)
	for i := range b.n {
		cols, ws := b.row(i)
		for p, j := range cols {
			g.indices = append(g.indices, j+int32(a.n))
			g.weights = append(g.weights, ws[p])
		}
		g.indptr = append(g.indptr, len(g.indices))
	}
	order, labels, nc := g.bfs()
	if nc != 2 {
		t.Fatalf("bfs() found %d components, want 2", nc)
	}
	if len(order) != g.n {
		t.Fatalf("bfs() has %d vertices, want %d", len(order), g.n)
	}
	pos := make([]int, g.n)
	for i := range pos {
		pos[i] = -1
	}
	for i, v := range order {
		if pos[v] >= 0 {
			t.Fatalf("bfs() visits %d twice", v)
		}
		pos[v] = i
		wantLabel := int32(0)
		if int(v) >= a.n {
			wantLabel = 1
		}
		if labels[v] != wantLabel {
			t.Fatalf("bfs() labels[%d] = %d, want %d", v, labels[v], wantLabel)
		}
		if (i < a.n) != (int(v) < a.n) {
			t.Fatalf("bfs()[%d] = %d: the first component is not contiguous", i, v)
		}
	}
	if order[0] != 0 {
		t.Errorf("bfs()[0] = %d, want 0", order[0])
	}
	pg := g.permute(order, 3)
	want, got := denseOf(g), denseOf(pg)
	n := g.n
	for i := range n {
		for j := range n {
			if got[pos[i]*n+pos[j]] != want[i*n+j] {
				t.Fatalf("permute(...) entry (%d, %d) = %v, want %v", pos[i], pos[j], got[pos[i]*n+pos[j]], want[i*n+j])
			}
		}
	}
}

func denseOf(g *sparseGraph) []float32 {
	d := make([]float32, g.n*g.n)
	for i := range g.n {
		cols, ws := g.row(i)
		for p, j := range cols {
			d[i*g.n+int(j)] = ws[p]
		}
	}
	return d
}
