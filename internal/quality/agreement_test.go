package quality

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestAgreementReference(t *testing.T) {
	var cases []struct {
		Name          string
		A, B          []int32
		ARI, AMI, NMI float64
	}
	loadCases(t, "agreement.json", &cases)
	if len(cases) == 0 {
		t.Fatal("no cases in agreement.json")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			for _, s := range []struct {
				name      string
				fn        func(a, b []int32) float64
				want, tol float64
			}{
				{"AdjustedRand", AdjustedRand, c.ARI, 1e-12},
				{"AdjustedMutualInfo", AdjustedMutualInfo, c.AMI, 1e-9},
				{"NormalizedMutualInfo", NormalizedMutualInfo, c.NMI, 1e-12},
			} {
				if got := s.fn(c.A, c.B); math.Abs(got-s.want) > s.tol {
					t.Errorf("%s(...) = %.17g, want %.17g", s.name, got, s.want)
				}
			}
		})
	}
}

// brutePairs counts, over all unordered pairs of points, those together in
// a, in b, and in both.
func brutePairs(a, b []int32) (inA, inB, both, pairs int64) {
	for i := range a {
		for j := i + 1; j < len(a); j++ {
			sa, sb := a[i] == a[j], b[i] == b[j]
			if sa {
				inA++
			}
			if sb {
				inB++
			}
			if sa && sb {
				both++
			}
		}
	}
	n := int64(len(a))
	return inA, inB, both, n * (n - 1) / 2
}

// bruteARI is Hubert and Arabie's formula over pair counts.
func bruteARI(a, b []int32) float64 {
	inA, inB, both, pairs := brutePairs(a, b)
	expected := float64(inA) * float64(inB) / float64(pairs)
	maxIndex := (float64(inA) + float64(inB)) / 2
	if maxIndex == expected {
		return 1
	}
	return (float64(both) - expected) / (maxIndex - expected)
}

// bruteEMI sums the expected mutual information with exact binomial
// coefficients: E[MI] = Σ_ij Σ_nij (nij/N) log(N·nij/(a_i b_j)) · P(nij), P the
// hypergeometric probability C(a_i, nij) C(N−a_i, b_j−nij) / C(N, b_j).
func bruteEMI(a, b []int32) float64 {
	count := func(l []int32) []int64 {
		m := map[int32]int64{}
		for _, v := range l {
			m[v]++
		}
		var s []int64
		for _, c := range m {
			s = append(s, c)
		}
		return s
	}
	ra, rb := count(a), count(b)
	N := int64(len(a))
	binom := func(n, k int64) *big.Float {
		return new(big.Float).SetInt(new(big.Int).Binomial(n, k))
	}
	var emi float64
	for _, ai := range ra {
		for _, bj := range rb {
			for nij := max(1, ai+bj-N); nij <= min(ai, bj); nij++ {
				p := new(big.Float).Mul(binom(ai, nij), binom(N-ai, bj-nij))
				p.Quo(p, binom(N, bj))
				pf, _ := p.Float64()
				emi += float64(nij) / float64(N) * math.Log(float64(N)*float64(nij)/(float64(ai)*float64(bj))) * pf
			}
		}
	}
	return emi
}

// bruteMI and bruteEntropy follow the textbook definitions in nats.
func bruteMI(a, b []int32) (mi, ha, hb float64) {
	n := float64(len(a))
	joint := map[[2]int32]float64{}
	pa, pb := map[int32]float64{}, map[int32]float64{}
	for i := range a {
		joint[[2]int32{a[i], b[i]}]++
		pa[a[i]]++
		pb[b[i]]++
	}
	for k, c := range joint {
		mi += c / n * math.Log(c*n/(pa[k[0]]*pb[k[1]]))
	}
	for _, c := range pa {
		ha -= c / n * math.Log(c/n)
	}
	for _, c := range pb {
		hb -= c / n * math.Log(c/n)
	}
	return mi, ha, hb
}

func TestAgreementBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	tests := []struct {
		name   string
		n      int
		ka, kb int
		agree  float64 // probability that b copies a's label
	}{
		{"independent", 60, 3, 4, 0},
		{"related", 80, 5, 5, 0.7},
		{"many-classes", 120, 30, 20, 0.5},
		{"two-vs-many", 50, 2, 15, 0.3},
		{"near-identical", 100, 6, 6, 0.95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := make([]int32, tt.n)
			b := make([]int32, tt.n)
			for i := range a {
				a[i] = int32(rng.IntN(tt.ka)) - 1 // −1 is an ordinary label here
				b[i] = int32(rng.IntN(tt.kb)) * 3
				if rng.Float64() < tt.agree {
					b[i] = a[i] + 10
				}
			}
			if got, want := AdjustedRand(a, b), bruteARI(a, b); !close(got, want, 1e-12) {
				t.Errorf("AdjustedRand(...) = %.17g, want %.17g", got, want)
			}
			if got, want := AdjustedRand(b, a), AdjustedRand(a, b); got != want {
				t.Errorf("AdjustedRand(b, a) = %v, want AdjustedRand(a, b) = %v", got, want)
			}
			mi, ha, hb := bruteMI(a, b)
			emi := bruteEMI(a, b)
			wantAMI := (mi - emi) / ((ha+hb)/2 - emi)
			if got := AdjustedMutualInfo(a, b); !close(got, wantAMI, 1e-9) {
				t.Errorf("AdjustedMutualInfo(...) = %.17g, want %.17g", got, wantAMI)
			}
			if got, want := NormalizedMutualInfo(a, b), mi/((ha+hb)/2); !close(got, want, 1e-12) {
				t.Errorf("NormalizedMutualInfo(...) = %.17g, want %.17g", got, want)
			}
		})
	}
}

func TestAgreementLarge(t *testing.T) {
	// Pair counts beyond int64 products: n = 200,000 gives tp·tn ≈ 10²¹.
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 200_000
	a := make([]int32, n)
	b := make([]int32, n)
	for i := range a {
		a[i] = int32(rng.IntN(3))
		b[i] = a[i]
		if rng.Float64() < 0.1 {
			b[i] = int32(rng.IntN(3))
		}
	}
	got := AdjustedRand(a, b)
	// Hubert–Arabie in float64 from contingency counts.
	var cnt [3][3]float64
	for i := range a {
		cnt[a[i]][b[i]]++
	}
	c2 := func(x float64) float64 { return x * (x - 1) / 2 }
	var sumIJ, sumA, sumB float64
	for i := range 3 {
		var ra, rb float64
		for j := range 3 {
			sumIJ += c2(cnt[i][j])
			ra += cnt[i][j]
			rb += cnt[j][i]
		}
		sumA += c2(ra)
		sumB += c2(rb)
	}
	exp := sumA * sumB / c2(n)
	want := (sumIJ - exp) / ((sumA+sumB)/2 - exp)
	if !close(got, want, 1e-9) || got < 0.8 {
		t.Errorf("AdjustedRand(200k points) = %.17g, want %.17g", got, want)
	}
}

func TestClustered(t *testing.T) {
	truth, labels := Clustered([]int32{1, 2, 3, 4}, []int32{-1, 0, -1, 5})
	if len(truth) != 2 || truth[0] != 2 || truth[1] != 4 || labels[0] != 0 || labels[1] != 5 {
		t.Errorf("Clustered(...) = %v, %v, want [2 4], [0 5]", truth, labels)
	}
}
