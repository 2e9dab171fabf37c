package pipeline

import (
	"context"
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseIntRange(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		bad  bool
	}{
		{in: "2:200:5", want: func() []int {
			var v []int
			for i := 2; i < 200; i += 5 {
				v = append(v, i)
			}
			return v
		}()},
		{in: "3:6", want: []int{3, 4, 5}},
		{in: "7", want: []int{7}},
		{in: "5, 10:20:5,50", want: []int{5, 10, 15, 50}},
		{in: "9:3", bad: true},
		{in: "1:5:0", bad: true},
		{in: "a:b", bad: true},
		{in: "1:2:3:4", bad: true},
		{in: "", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseIntRange(tt.in)
			if tt.bad {
				if err == nil {
					t.Errorf("ParseIntRange(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("ParseIntRange(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestRecommend(t *testing.T) {
	rows := []SweepRow{
		{MinClusterSize: 5, Clusters: 40, NoiseFraction: 0.5, Silhouette: 0.9},      // 0.45
		{MinClusterSize: 10, Clusters: 8, NoiseFraction: 0.1, Silhouette: 0.7},      // 0.63
		{MinClusterSize: 15, Clusters: 8, NoiseFraction: 0.1, Silhouette: 0.7},      // 0.63, larger: wins the tie
		{MinClusterSize: 20, Clusters: 1, NoiseFraction: 0, Silhouette: math.NaN()}, // one cluster: never
	}
	if got, rule := recommend(rows); got != 2 || rule != RecommendRule {
		t.Errorf("recommend(...) = %d, %q; want 2 by the stated rule", got, rule)
	}
	if got, _ := recommend(rows[3:]); got != -1 {
		t.Errorf("recommend(one cluster only) = %d, want -1", got)
	}
}

func TestSweepWritesTableAndChart(t *testing.T) {
	ctx := context.Background()
	p := newProject(t)
	if _, err := Import(ctx, p, ImportOptions{Path: blobs(t, 240, 6, 3)}); err != nil {
		t.Fatal(err)
	}
	u := NotebookMap()
	u.NEpochs = 60
	if _, err := Map(ctx, p, MapOptions{UMAP: u}); err != nil {
		t.Fatal(err)
	}
	res, err := Sweep(ctx, p, SweepOptions{MinClusterSizes: []int{5, 10, 20, 40, 100}, MinSamples: []int{3, 5}})
	if err != nil {
		t.Fatalf("Sweep = %v", err)
	}
	if len(res.Rows) != 10 || res.Recommended < 0 {
		t.Fatalf("Sweep rows = %d, recommended %d; want 10 rows and a recommendation", len(res.Rows), res.Recommended)
	}
	if r := res.Rows[res.Recommended]; r.Clusters != 3 {
		t.Errorf("recommended setting %+v finds %d clusters, want the 3 blobs", r, r.Clusters)
	}
	csv, err := os.ReadFile(filepath.Join(p.Path(res.Run.Dir), SweepFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 11 || lines[0] != "min_cluster_size,min_samples,clusters,noise_percent,mean_persistence,silhouette,relative_validity" {
		t.Errorf("sweep.csv = %d lines, header %q", len(lines), lines[0])
	}
	svg, err := os.ReadFile(filepath.Join(p.Path(res.Run.Dir), SweepChart))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(svg, new(struct{})); err != nil {
		t.Errorf("sweep.svg is not well-formed XML: %v", err)
	}
	if n := strings.Count(string(svg), "<polyline"); n != 10 {
		t.Errorf("sweep.svg has %d curves, want 5 measures × 2 min_samples", n)
	}
}
