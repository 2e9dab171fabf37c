package umap

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestFindAB(t *testing.T) {
	for _, row := range readCSV(t, "ab.csv") {
		spread, minDist, wantA, wantB := row[0], row[1], row[2], row[3]
		a, b := FindAB(spread, minDist)
		if math.Abs(a-wantA) > 1e-5*wantA || math.Abs(b-wantB) > 1e-5*wantB {
			t.Errorf("FindAB(%g, %g) = %.8g, %.8g, want %.8g, %.8g", spread, minDist, a, b, wantA, wantB)
		}
	}
}

// fuzzyCases are the umap-learn fixtures of testdata/gen_fixtures.py.
var fuzzyCases = []struct {
	name              string
	prefix            string
	localConnectivity float64
	setOpMix          float32
	cosine            bool
}{
	{"swiss roll k=15", "roll", 1, 1, false},
	{"swiss roll k=10 local connectivity 1.5 mix 0.6", "roll_lc", 1.5, 0.6, false},
	{"six cosine blobs k=10", "blobs", 1, 1, true},
}

func TestSmoothKNNDist(t *testing.T) {
	for _, tc := range fuzzyCases {
		t.Run(tc.name, func(t *testing.T) {
			_, dists, n, k := knnFixture(t, tc.prefix)
			want := readCSV(t, tc.prefix+"_sigma_rho.csv")
			sigmas, rhos := smoothKNNDist(dists, n, k, float64(k), tc.localConnectivity, 2)
			for i := range n {
				ws, wr := want[i][0], want[i][1]
				if math.Abs(float64(sigmas[i])-ws) > 1e-5*math.Max(ws, 1e-3) || math.Abs(float64(rhos[i])-wr) > 1e-6*math.Max(wr, 1) {
					t.Fatalf("smoothKNNDist(...) point %d: σ, ρ = %g, %g, want %g, %g", i, sigmas[i], rhos[i], ws, wr)
				}
			}
		})
	}
}

func TestFuzzyGraph(t *testing.T) {
	for _, tc := range fuzzyCases {
		t.Run(tc.name, func(t *testing.T) {
			indices, dists, n, k := knnFixture(t, tc.prefix)
			sigmas, rhos := smoothKNNDist(dists, n, k, float64(k), tc.localConnectivity, 2)
			g := fuzzyUnion(membershipGraph(indices, dists, n, k, sigmas, rhos, 2), tc.setOpMix, 2)
			want := readCSV(t, tc.prefix+"_graph.csv")
			if g.nnz() != len(want) {
				t.Fatalf("fuzzy graph has %d entries, want %d", g.nnz(), len(want))
			}
			type key struct{ i, j int32 }
			got := make(map[key]float32, g.nnz())
			for i := range g.n {
				cols, ws := g.row(i)
				for c, j := range cols {
					got[key{int32(i), j}] = ws[c]
				}
			}
			for _, w := range want {
				i, j, v := int32(w[0]), int32(w[1]), w[2]
				gw, ok := got[key{i, j}]
				if !ok {
					t.Fatalf("fuzzy graph has no entry (%d, %d), want %.8g", i, j, v)
				}
				if math.Abs(float64(gw)-v) > 2e-6 {
					t.Fatalf("fuzzy graph (%d, %d) = %.8g, want %.8g", i, j, gw, v)
				}
			}
			// Bit-exact symmetry.
			tr := g.transpose(2)
			for e := range g.weights {
				if g.indices[e] != tr.indices[e] || g.weights[e] != tr.weights[e] {
					t.Fatalf("fuzzy graph is not symmetric at entry %d", e)
				}
			}
		})
	}
}

// fixtureGraph builds the pruned fuzzy graph of a fixture as embed does for
// 500 epochs.
func fixtureGraph(t *testing.T, prefix string, lc float64, mix float32) *sparseGraph {
	indices, dists, n, k := knnFixture(t, prefix)
	sigmas, rhos := smoothKNNDist(dists, n, k, float64(k), lc, 2)
	g := fuzzyUnion(membershipGraph(indices, dists, n, k, sigmas, rhos, 2), mix, 2)
	var wmax float32
	for _, w := range g.weights {
		wmax = max(wmax, w)
	}
	return prune(g, float64(wmax)/500, 2)
}

// axisCorrelation returns |Pearson correlation| between column d of two
// n×dim layouts.
func axisCorrelation(x []float64, y []float64, n, dim, d int) float64 {
	var mx, my float64
	for i := range n {
		mx += x[i*dim+d]
		my += y[i*dim+d]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxy, sxx, syy float64
	for i := range n {
		a, b := x[i*dim+d]-mx, y[i*dim+d]-my
		sxy += a * b
		sxx += a * a
		syy += b * b
	}
	return math.Abs(sxy / math.Sqrt(sxx*syy))
}

func TestSpectralInitConnected(t *testing.T) {
	for _, tc := range fuzzyCases[:2] {
		t.Run(tc.name, func(t *testing.T) {
			g := fixtureGraph(t, tc.prefix, tc.localConnectivity, tc.setOpMix)
			if _, nc := components(g); nc != 1 {
				t.Fatalf("fixture graph has %d components, want 1", nc)
			}
			want := readCSV(t, tc.prefix+"_spectral.csv")
			wf := make([]float64, 0, 2*len(want))
			for _, r := range want {
				wf = append(wf, r...)
			}
			for _, threads := range []int{1, 3} {
				got, ok, err := spectralLayout(context.Background(), g, 2, spectralInput{}, rand.New(rand.NewPCG(1, 1)), threads)
				if err != nil || !ok {
					t.Fatalf("spectralLayout(...) ok = %v, err = %v", ok, err)
				}
				for d := range 2 {
					if c := axisCorrelation(got, wf, g.n, 2, d); c < 0.999 {
						t.Errorf("spectralLayout(...) axis %d: |correlation| with umap-learn = %.5f, want ≥ 0.999", d, c)
					}
				}
			}
		})
	}
}

// TestSpectralInitComponents checks multi_component_layout on six
// separated blobs: the meta-embedding of the centroids places each
// component where umap-learn does (up to a sign per axis), and inside each
// component the layout matches too.
func TestSpectralInitComponents(t *testing.T) {
	tc := fuzzyCases[2]
	g := fixtureGraph(t, tc.prefix, tc.localConnectivity, tc.setOpMix)
	labels, nc := components(g)
	if nc != 6 {
		t.Fatalf("fixture graph has %d components, want 6", nc)
	}
	data, n, dim := flat32(readCSV(t, "blobs_data.csv"))
	want := readCSV(t, "blobs_spectral.csv")
	got, ok, err := spectralLayout(context.Background(), g, 2, spectralInput{data: data, dim: dim, cosine: true}, rand.New(rand.NewPCG(1, 1)), 2)
	if err != nil || !ok {
		t.Fatalf("spectralLayout(...) ok = %v, err = %v", ok, err)
	}
	// Component centres.
	gc := make([]float64, nc*2)
	wc := make([]float64, nc*2)
	cnt := make([]float64, nc)
	for i := range n {
		l := labels[i]
		cnt[l]++
		for d := range 2 {
			gc[int(l)*2+d] += got[i*2+d]
			wc[int(l)*2+d] += want[i][d]
		}
	}
	for c := range nc {
		for d := range 2 {
			gc[c*2+d] /= cnt[c]
			wc[c*2+d] /= cnt[c]
		}
	}
	for d := range 2 {
		sign := 1.0
		if gc[d]*wc[d] < 0 {
			sign = -1
		}
		for c := range nc {
			if math.Abs(sign*gc[c*2+d]-wc[c*2+d]) > 0.02 {
				t.Errorf("component %d centre axis %d = %.4f, want %.4f (up to sign)", c, d, sign*gc[c*2+d], wc[c*2+d])
			}
		}
	}
	// Inside each component, the spectral layout agrees axis by axis.
	wf := make([]float64, 0, 2*n)
	for _, r := range want {
		wf = append(wf, r...)
	}
	for c := range nc {
		var gsub, wsub []float64
		for i := range n {
			if int(labels[i]) == c {
				gsub = append(gsub, got[2*i:2*i+2]...)
				wsub = append(wsub, wf[2*i:2*i+2]...)
			}
		}
		for d := range 2 {
			if r := axisCorrelation(gsub, wsub, len(gsub)/2, 2, d); r < 0.99 {
				t.Errorf("component %d axis %d: |correlation| with umap-learn = %.4f, want ≥ 0.99", c, d, r)
			}
		}
	}
}
