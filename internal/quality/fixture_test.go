package quality

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"motif/internal/knn"
)

// loadCases decodes the "cases" array of a fixture written by
// testdata/gen/gen.py (see testdata/README.md).
func loadCases(t *testing.T, name string, cases any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Cases json.RawMessage }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := json.Unmarshal(doc.Cases, cases); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func mustMetric(t *testing.T, s string) Metric {
	t.Helper()
	m, err := knn.ParseMetric(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// randomBlobs returns n points of dimension dim around k random centres,
// with their centre as label.
func randomBlobs(rng *rand.Rand, n, dim, k int, spread float64) ([]float32, []int32) {
	centres := make([]float64, k*dim)
	for i := range centres {
		centres[i] = rng.NormFloat64() * 4
	}
	data := make([]float32, n*dim)
	labels := make([]int32, n)
	for i := range n {
		c := rng.IntN(k)
		labels[i] = int32(c)
		for d := range dim {
			data[i*dim+d] = float32(centres[c*dim+d] + rng.NormFloat64()*spread)
		}
	}
	return data, labels
}

// bruteDist is the reference distance of the brute-force checks, written
// independently of the kernels: float64 throughout, cosine from explicit
// norms.
func bruteDist(x, y []float32, metric Metric) float64 {
	var dot, nx, ny, sq float64
	for d := range x {
		a, b := float64(x[d]), float64(y[d])
		dot += a * b
		nx += a * a
		ny += b * b
		sq += (a - b) * (a - b)
	}
	if metric == Euclidean {
		return math.Sqrt(sq)
	}
	sim := 0.0
	if nx > 0 && ny > 0 {
		sim = dot / (math.Sqrt(nx) * math.Sqrt(ny))
	}
	return math.Min(2, math.Max(0, 1-sim))
}
