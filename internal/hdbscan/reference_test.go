package hdbscan

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"motif/internal/quality"
)

// refCase is one entry of testdata/cases.json (see testdata/README.md).
type refCase struct {
	Name               string             `json:"name"`
	Data               string             `json:"data"`
	MinClusterSize     int                `json:"min_cluster_size"`
	MinSamples         int                `json:"min_samples"`
	Selection          string             `json:"selection"`
	Epsilon            float64            `json:"epsilon"`
	AllowSingleCluster bool               `json:"allow_single_cluster"`
	MaxClusterSize     int                `json:"max_cluster_size"`
	Alpha              float64            `json:"alpha"`
	Exact              bool               `json:"exact"`
	Labels             []int32            `json:"labels"`
	Probabilities      []jsonFloat        `json:"probabilities"`
	OutlierScores      []jsonFloat        `json:"outlier_scores"`
	Persistence        []jsonFloat        `json:"persistence"`
	RelativeValidity   jsonFloat          `json:"relative_validity"`
	MSTWeight          float64            `json:"mst_weight"`
	Exemplars          [][]int32          `json:"exemplars"`
	RefAgreementARI    *float64           `json:"ref_agreement_ari"`
	RefAgreementDetail map[string]float64 `json:"ref_agreement_detail"`
}

// jsonFloat reads a JSON number, or null as NaN and "inf"/"-inf" as ±Inf
// (JSON has no non-finite numbers).
type jsonFloat float64

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*f = jsonFloat(math.NaN())
		return nil
	case `"inf"`:
		*f = jsonFloat(math.Inf(1))
		return nil
	case `"-inf"`:
		*f = jsonFloat(math.Inf(-1))
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	*f = jsonFloat(v)
	return err
}

func loadCases(t testing.TB) []refCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []refCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

// loadCSV reads a float32 matrix written one row per line.
func loadCSV(t testing.TB, name string) (data []float32, n, dim int) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ",")
		if dim == 0 {
			dim = len(fields)
		}
		for _, s := range fields {
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, float32(v))
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return data, n, dim
}

func (c *refCase) options() Options {
	sel, _ := ParseSelection(c.Selection)
	return Options{MinClusterSize: c.MinClusterSize, MinSamples: c.MinSamples, Alpha: c.Alpha,
		Selection: sel, Epsilon: c.Epsilon, AllowSingleCluster: c.AllowSingleCluster,
		MaxClusterSize: c.MaxClusterSize}
}

// labelMap returns the bijection from got's labels to want's, or false if
// the two labellings are not equal up to renumbering (noise must match).
func labelMap(got, want []int32) (map[int32]int32, bool) {
	m := map[int32]int32{}
	back := map[int32]int32{}
	for i := range got {
		g, w := got[i], want[i]
		if (g < 0) != (w < 0) {
			return nil, false
		}
		if g < 0 {
			continue
		}
		if x, ok := m[g]; ok && x != w {
			return nil, false
		}
		if x, ok := back[w]; ok && x != g {
			return nil, false
		}
		m[g], back[w] = w, g
	}
	return m, true
}

func closeTo(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= tol*max(1, math.Abs(b))
}

// TestReference compares Cluster with scikit-learn-contrib/hdbscan 0.8.43
// (algorithm prims_kdtree, an exact MST): without ties (min_samples 1,
// no duplicates) everything must agree; with ties the MST weight must agree
// and the labels must agree with the library's at least as well as the
// library's own algorithms and shuffled inputs agree with its Prim.
func TestReference(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			data, n, dim := loadCSV(t, c.Data)
			res, err := Cluster(context.Background(), data, n, dim, c.options())
			if err != nil {
				t.Fatal(err)
			}
			if !closeTo(res.MSTWeight, c.MSTWeight, 1e-9) {
				t.Errorf("Cluster(...) MSTWeight = %.15g, want %.15g", res.MSTWeight, c.MSTWeight)
			}
			if !c.Exact {
				// Ties make every algorithm's result one of several equally
				// valid ones: ours must agree with the library's Prim at
				// least as well as the library's other algorithms and
				// shuffled inputs do (the smallest of 23 ARIs).
				if c.RefAgreementARI == nil {
					t.Fatal("case has no ref_agreement_ari")
				}
				ari := quality.AdjustedRand(res.Labels, c.Labels)
				if ari < *c.RefAgreementARI-1e-12 { // rounding only
					t.Errorf("Cluster(...) ARI vs the library = %.4f, below the library's own agreement %.4f", ari, *c.RefAgreementARI)
				}
				t.Logf("ARI vs library's Prim %.4f (library's own agreement %.4f over %d runs); clusters %d, want %d", ari, *c.RefAgreementARI, len(c.RefAgreementDetail), len(res.Clusters), len(c.Persistence))
				return
			}
			m, ok := labelMap(res.Labels, c.Labels)
			if !ok {
				t.Fatalf("Cluster(...) labels = %v, want %v (up to renumbering)", res.Labels, c.Labels)
			}
			if len(res.Clusters) != len(c.Persistence) {
				t.Fatalf("Cluster(...) has %d clusters, want %d", len(res.Clusters), len(c.Persistence))
			}
			for i := range res.Probabilities {
				if !closeTo(res.Probabilities[i], float64(c.Probabilities[i]), 1e-6) {
					t.Errorf("Cluster(...) Probabilities[%d] = %v, want %v", i, res.Probabilities[i], c.Probabilities[i])
					break
				}
			}
			for i := range res.OutlierScores {
				if !closeTo(res.OutlierScores[i], float64(c.OutlierScores[i]), 1e-6) {
					t.Errorf("Cluster(...) OutlierScores[%d] = %v, want %v", i, res.OutlierScores[i], c.OutlierScores[i])
					break
				}
			}
			for l, cl := range res.Clusters {
				w := m[int32(l)]
				if !closeTo(cl.Persistence, float64(c.Persistence[w]), 1e-6) {
					t.Errorf("Cluster(...) Clusters[%d].Persistence = %v, want %v", l, cl.Persistence, c.Persistence[w])
				}
				if c.Exemplars != nil {
					got := slices.Clone(cl.Exemplars)
					slices.Sort(got)
					if !slices.Equal(got, c.Exemplars[w]) {
						t.Errorf("Cluster(...) Clusters[%d].Exemplars = %v, want %v", l, got, c.Exemplars[w])
					}
				}
			}
			if !closeTo(res.RelativeValidity, float64(c.RelativeValidity), 1e-6) {
				t.Errorf("Cluster(...) RelativeValidity = %v, want %v", res.RelativeValidity, c.RelativeValidity)
			}
		})
	}
}
