package umap

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// readCSV reads a numeric CSV fixture from testdata (an optional header line
// of non-numbers is skipped).
func readCSV(t testing.TB, name string) [][]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var out [][]float64
	for r, rec := range recs {
		row := make([]float64, len(rec))
		for c, s := range rec {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				if r == 0 {
					row = nil
					break
				}
				t.Fatalf("%s line %d: %v", name, r+1, err)
			}
			row[c] = v
		}
		if row != nil {
			out = append(out, row)
		}
	}
	return out
}

// flat32 flattens a matrix to row-major float32 and returns its shape.
func flat32(m [][]float64) ([]float32, int, int) {
	if len(m) == 0 {
		return nil, 0, 0
	}
	out := make([]float32, 0, len(m)*len(m[0]))
	for _, row := range m {
		for _, v := range row {
			out = append(out, float32(v))
		}
	}
	return out, len(m), len(m[0])
}

// knnFixture loads the umap-learn kNN graph of a fixture.
func knnFixture(t testing.TB, prefix string) (indices []int32, dists []float32, n, k int) {
	idx := readCSV(t, prefix+"_knn_indices.csv")
	ds := readCSV(t, prefix+"_knn_dists.csv")
	n, k = len(idx), len(idx[0])
	for i := range n {
		for c := range k {
			indices = append(indices, int32(idx[i][c]))
			dists = append(dists, float32(ds[i][c]))
		}
	}
	return indices, dists, n, k
}
