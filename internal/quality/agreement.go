package quality

import (
	"fmt"
	"math"
	"math/big"
	"slices"
)

// contingency is the sparse contingency table of two labelings.
type contingency struct {
	n     int
	rows  []int64 // size of each class of a
	cols  []int64 // size of each class of b
	cells []cell  // non-zero cells, ordered by row then column
}

type cell struct {
	i, j int
	n    int64
}

func newContingency(fn string, a, b []int32) contingency {
	if len(a) != len(b) {
		panic(fmt.Sprintf("quality: %s: len(a) = %d, len(b) = %d, want equal lengths", fn, len(a), len(b)))
	}
	ra, rows := rankLabels(a)
	rb, cols := rankLabels(b)
	counts := make(map[[2]int]int64)
	for k := range a {
		counts[[2]int{ra[k], rb[k]}]++
	}
	cells := make([]cell, 0, len(counts))
	for ij, m := range counts {
		cells = append(cells, cell{ij[0], ij[1], m})
	}
	slices.SortFunc(cells, func(x, y cell) int {
		if x.i != y.i {
			return x.i - y.i
		}
		return x.j - y.j
	})
	return contingency{n: len(a), rows: rows, cols: cols, cells: cells}
}

// rankLabels maps labels to their rank among the sorted distinct values, as
// numpy.unique(return_inverse=True) does, and returns the class sizes.
func rankLabels(labels []int32) ([]int, []int64) {
	distinct := slices.Clone(labels)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	rank := make(map[int32]int, len(distinct))
	for r, l := range distinct {
		rank[l] = r
	}
	ids := make([]int, len(labels))
	sizes := make([]int64, len(distinct))
	for k, l := range labels {
		ids[k] = rank[l]
		sizes[ids[k]]++
	}
	return ids, sizes
}

// Clustered returns copies of truth and labels that keep only the points
// whose labels entry is not negative (not HDBSCAN noise), for scoring a
// clustering against reference classes on the points it clustered, as
// umap-learn's clustering guide reports ARI and AMI. It panics if the
// lengths differ.
func Clustered(truth, labels []int32) ([]int32, []int32) {
	if len(truth) != len(labels) {
		panic(fmt.Sprintf("quality: Clustered: len(truth) = %d, len(labels) = %d, want equal lengths", len(truth), len(labels)))
	}
	var t, l []int32
	for i, v := range labels {
		if v >= 0 {
			t = append(t, truth[i])
			l = append(l, v)
		}
	}
	return t, l
}

// AdjustedRand returns the adjusted Rand index of two labelings of the same
// points, as scikit-learn's sklearn.metrics.adjusted_rand_score: from the
// pair confusion matrix (tn, fp, fn, tp), 1 if fn = fp = 0, else
// 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)), with the
// products taken exactly. It is 1 for identical partitions, about 0 for
// independent ones, and symmetric in a and b. Every label, −1 included, is a
// class. AdjustedRand panics if len(a) ≠ len(b).
func AdjustedRand(a, b []int32) float64 {
	c := newContingency("AdjustedRand", a, b)
	n := int64(c.n)
	var sumSquares, rowDot, colDot int64
	for _, e := range c.cells {
		sumSquares += e.n * e.n
		rowDot += e.n * c.cols[e.j]
		colDot += e.n * c.rows[e.i]
	}
	tp := sumSquares - n
	fp := rowDot - sumSquares
	fn := colDot - sumSquares
	tn := n*n - fp - fn - sumSquares
	if fn == 0 && fp == 0 {
		return 1
	}
	bi := func(v int64) *big.Int { return big.NewInt(v) }
	mul := func(x, y int64) *big.Int { return new(big.Int).Mul(bi(x), bi(y)) }
	num := new(big.Int).Sub(mul(tp, tn), mul(fn, fp))
	den := new(big.Int).Add(mul(tp+fn, fn+tn), mul(tp+fp, fp+tn))
	numF, _ := new(big.Float).SetInt(num).Float64()
	denF, _ := new(big.Float).SetInt(den).Float64()
	return 2 * numF / denF
}

// mutualInfo returns the mutual information of the table in nats, as
// scikit-learn's mutual_info_score.
func (c contingency) mutualInfo() float64 {
	if len(c.rows) == 1 || len(c.cols) == 1 {
		return 0
	}
	n := float64(c.n)
	logN := math.Log(n)
	var mi float64
	for _, e := range c.cells {
		nm := float64(e.n) / n
		outer := float64(c.rows[e.i] * c.cols[e.j])
		logOuter := -math.Log(outer) + logN + logN
		v := nm*(math.Log(float64(e.n))-logN) + nm*logOuter
		if math.Abs(v) < epsilon64 {
			v = 0
		}
		mi += v
	}
	return max(mi, 0)
}

// epsilon64 is the float64 machine epsilon, NumPy's finfo(float64).eps.
const epsilon64 = 0x1p-52

// entropy returns the entropy in nats of a labeling with the given class
// sizes, as scikit-learn's sklearn.metrics.cluster.entropy.
func entropy(sizes []int64, n int) float64 {
	if n == 0 {
		return 1
	}
	if len(sizes) == 1 {
		return 0
	}
	total := float64(n)
	logTotal := math.Log(total)
	var h float64
	for _, s := range sizes {
		p := float64(s)
		h += (p / total) * (math.Log(p) - logTotal)
	}
	return -h
}

// expectedMutualInfo returns the expected mutual information of two random
// labelings with the table's class sizes under the hypergeometric model
// (Vinh, Epps and Bailey 2010), computed term by term in log-gamma space as
// scikit-learn's expected_mutual_information does.
func (c contingency) expectedMutualInfo() float64 {
	if len(c.rows) == 1 || len(c.cols) == 1 {
		return 0
	}
	N := int64(c.n)
	nf := float64(N)
	// Every log-gamma argument is an integer in [1, N+1]: tabulate
	// logFact[k] = lgamma(k+1) = log k! once.
	logFact := make([]float64, N+1)
	for k := range logFact {
		logFact[k], _ = math.Lgamma(float64(k) + 1)
	}
	var maxSize int64
	for _, s := range c.rows {
		maxSize = max(maxSize, s)
	}
	for _, s := range c.cols {
		maxSize = max(maxSize, s)
	}
	// Tables indexed by nij, as scikit-learn builds them (entry 0 unused).
	term1 := make([]float64, maxSize+1)
	logNnij := make([]float64, maxSize+1)
	glnNnij := make([]float64, maxSize+1)
	for v := int64(1); v <= maxSize; v++ {
		term1[v] = float64(v) / nf
		logNnij[v] = math.Log(nf) + math.Log(float64(v))
		glnNnij[v] = logFact[v] + logFact[N]
	}
	type side struct{ log, gln, glnN []float64 }
	prep := func(sizes []int64) side {
		s := side{make([]float64, len(sizes)), make([]float64, len(sizes)), make([]float64, len(sizes))}
		for k, v := range sizes {
			s.log[k] = math.Log(float64(v))
			s.gln[k] = logFact[v]
			s.glnN[k] = logFact[N-v]
		}
		return s
	}
	A, B := prep(c.rows), prep(c.cols)
	var emi float64
	for i, ai := range c.rows {
		for j, bj := range c.cols {
			base := A.gln[i] + B.gln[j] + A.glnN[i] + B.glnN[j]
			for nij := max(1, ai-N+bj); nij <= min(ai, bj); nij++ {
				term2 := logNnij[nij] - A.log[i] - B.log[j]
				gln := base - glnNnij[nij] - logFact[ai-nij] - logFact[bj-nij] - logFact[N-ai-bj+nij]
				emi += term1[nij] * term2 * math.Exp(gln)
			}
		}
	}
	return emi
}

// AdjustedMutualInfo returns the adjusted mutual information of two
// labelings, as scikit-learn's sklearn.metrics.adjusted_mutual_info_score
// with its default average_method "arithmetic":
// (MI − E[MI]) / ((H(a) + H(b))/2 − E[MI]), where E[MI] is the expected
// mutual information under random labelings with the same class sizes
// (computed exactly, with log-gamma terms, in O(Σ_ij min(|a_i|, |b_j|))).
// Two labelings that both put every point in one class score 1. When both
// put every point in a class of its own, MI = E[MI] = H and the score is
// 0/0: like scikit-learn's (and with the same values), it comes out as 0 or
// 1 depending on rounding. Every label, −1 included, is a class.
// AdjustedMutualInfo panics if len(a) ≠ len(b).
func AdjustedMutualInfo(a, b []int32) float64 {
	c := newContingency("AdjustedMutualInfo", a, b)
	if len(c.rows) == len(c.cols) && len(c.rows) <= 1 {
		return 1
	}
	mi := c.mutualInfo()
	emi := c.expectedMutualInfo()
	norm := (entropy(c.rows, c.n) + entropy(c.cols, c.n)) / 2
	den := norm - emi
	if den < 0 {
		den = min(den, -epsilon64)
	} else {
		den = max(den, epsilon64)
	}
	return (mi - emi) / den
}

// NormalizedMutualInfo returns the normalised mutual information of two
// labelings, as scikit-learn's sklearn.metrics.normalized_mutual_info_score
// with its default average_method "arithmetic": MI / ((H(a) + H(b))/2).
// Two labelings that both put every point in one class score 1. Every label,
// −1 included, is a class. NormalizedMutualInfo panics if len(a) ≠ len(b).
func NormalizedMutualInfo(a, b []int32) float64 {
	c := newContingency("NormalizedMutualInfo", a, b)
	if len(c.rows) == len(c.cols) && len(c.rows) <= 1 {
		return 1
	}
	mi := c.mutualInfo()
	if mi == 0 {
		return 0
	}
	return mi / ((entropy(c.rows, c.n) + entropy(c.cols, c.n)) / 2)
}
