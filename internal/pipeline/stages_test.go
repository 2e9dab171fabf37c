package pipeline

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motif/internal/catalog"
	"motif/internal/hdbscan"
	"motif/internal/tabular"
)

// blobs writes a Parquet file of k well-separated groups of points.
func blobs(t *testing.T, n, dim, k int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	vec := make([]float32, n*dim)
	for i := range n {
		for d := range dim {
			vec[i*dim+d] = float32(0.1 * rng.NormFloat64())
		}
		vec[i*dim+i%k] += 1
	}
	path := filepath.Join(t.TempDir(), "blobs.parquet")
	if err := tabular.WriteParquet(path, &tabular.Table{Rows: n, Columns: []*tabular.Column{
		{Name: "embedding", Type: tabular.Vector, Vectors: vec, Dim: dim},
	}}); err != nil {
		t.Fatal(err)
	}
	return path
}

func runOptions(src string) RunOptions {
	u := NotebookMap()
	u.NEpochs = 60
	return RunOptions{
		Import:  ImportOptions{Path: src},
		Map:     MapOptions{UMAP: u},
		Cluster: ClusterOptions{HDBSCAN: hdbscan.Options{MinSamples: 5}},
		Sweep:   SweepOptions{MinClusterSizes: []int{10, 20, 40}, MinSamples: []int{5}},
	}
}

func TestRunSkipsWorkDone(t *testing.T) {
	ctx := context.Background()
	p := newProject(t)
	src := blobs(t, 240, 6, 3)
	first, err := Run(ctx, p, runOptions(src))
	if err != nil {
		t.Fatalf("Run = %v", err)
	}
	if !first.Imported || first.Sweep == nil || len(first.Reused) != 0 {
		t.Fatalf("first Run = %+v; want import, sweep and no reuse", first)
	}
	if got := first.Cluster.Metrics["clusters"]; got != 3 {
		t.Errorf("first Run clusters = %v, want 3", got)
	}
	second, err := Run(ctx, p, runOptions(src))
	if err != nil {
		t.Fatalf("second Run = %v", err)
	}
	if second.Map.ID != first.Map.ID || second.Cluster.ID != first.Cluster.ID {
		t.Errorf("second Run made map %d, cluster %d; want the first's %d, %d reused (reused %v)",
			second.Map.ID, second.Cluster.ID, first.Map.ID, first.Cluster.ID, second.Reused)
	}
	// A different map parameter makes a new map but reuses the import.
	o := runOptions(src)
	o.Map.UMAP.NNeighbors = 10
	third, err := Run(ctx, p, o)
	if err != nil {
		t.Fatal(err)
	}
	if third.Map.ID == first.Map.ID || third.Imported {
		t.Errorf("Run with other neighbours reused map %d (imported %v); want a new map on the same set", third.Map.ID, third.Imported)
	}
}

func TestMapCancelledLeavesNoRun(t *testing.T) {
	p := newProject(t)
	if _, err := Import(context.Background(), p, ImportOptions{Path: blobs(t, 200, 4, 2)}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	u := NotebookMap()
	run, err := Map(ctx, p, MapOptions{UMAP: u, Progress: func(phase string, done, total int) {
		if phase == "epochs" && done > 5 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Map cancelled during the epochs = %v, want context.Canceled", err)
	}
	got, err := p.Catalog.RunByID(context.Background(), run.ID)
	if err != nil || got.Status != catalog.StatusCancelled {
		t.Errorf("cancelled run status = %q, %v; want %q", got.Status, err, catalog.StatusCancelled)
	}
	if _, err := os.Stat(p.Path(run.Dir)); !os.IsNotExist(err) {
		t.Errorf("cancelled run left %s behind (%v)", run.Dir, err)
	}
	if _, err := p.Catalog.LatestRun(context.Background(), catalog.KindMap, 0, nil); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("LatestRun(map) after a cancelled map = %v, want none", err)
	}
}

func TestMapBadInput(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.npy")
	data := make([]float32, 30*3)
	for i := range 29 {
		data[i*3+i%3] = 1
	}
	if err := tabular.WriteNPY(zero, data, 30, 3); err != nil {
		t.Fatal(err)
	}
	p := newProject(t)
	if _, err := Import(ctx, p, ImportOptions{Path: zero}); err != nil {
		t.Fatal(err)
	}
	_, err := Map(ctx, p, MapOptions{UMAP: NotebookMap()})
	if err == nil {
		t.Fatal("Map(cosine) with an all-zero vector succeeded, want an error naming the row")
	}
	if !strings.Contains(err.Error(), "29") {
		t.Errorf("Map error = %q, want it to name row 29", err)
	}
	// Euclidean has no trouble with the zero vector.
	u := NotebookMap()
	u.Metric = 0
	u.NEpochs = 20
	if _, err := Map(ctx, p, MapOptions{UMAP: u}); err != nil {
		t.Errorf("Map(euclidean) = %v", err)
	}
}
