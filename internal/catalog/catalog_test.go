package catalog

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func openTemp(t *testing.T) (*Catalog, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "motif.db")
	c, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { c.Close() })
	return c, path
}

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	c, path := openTemp(t)
	v, err := c.Version(ctx)
	if err != nil || v != SchemaVersion {
		t.Fatalf("Version() = %d, %v; want %d", v, err, SchemaVersion)
	}
	var mode string
	if err := c.Writer().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if _, err := c.AddEmbeddingSet(ctx, EmbeddingSet{Name: "seed", Path: "embeddings/seed.parquet", Rows: 3, Dims: 2, Source: "import"}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	s, err := c2.EmbeddingSetByName(ctx, "seed")
	if err != nil || s.Rows != 3 || s.Dims != 2 {
		t.Errorf("EmbeddingSetByName(seed) = %+v, %v", s, err)
	}
}

func TestOpenOlderSchemaMigrates(t *testing.T) {
	// A catalog at version 0 is what an older motif leaves before any
	// migration ran; a version-1 file is upgraded step by step the same way.
	path := filepath.Join(t.TempDir(), "motif.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE keepme (x INTEGER); INSERT INTO keepme VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	c, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(older) = %v", err)
	}
	defer c.Close()
	var x int
	if err := c.Reader().QueryRow("SELECT x FROM keepme").Scan(&x); err != nil || x != 7 {
		t.Errorf("existing data after migration = %d, %v; want 7", x, err)
	}
	if v, _ := c.Version(context.Background()); v != SchemaVersion {
		t.Errorf("Version() = %d, want %d", v, SchemaVersion)
	}
}

func TestOpenNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "motif.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(context.Background(), path)
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade motif") {
		t.Fatalf("Open(newer) = %v, want ErrNewerSchema telling to upgrade", err)
	}
}

func TestRunsAndClusters(t *testing.T) {
	ctx := context.Background()
	c, _ := openTemp(t)
	set, err := c.AddEmbeddingSet(ctx, EmbeddingSet{Name: "s", Path: "embeddings/s.parquet", Rows: 10, Dims: 4, Source: "import"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddEmbeddingSet(ctx, EmbeddingSet{Name: "s", Path: "x", Rows: 1, Dims: 1, Source: "import"}); !errors.Is(err, ErrExists) {
		t.Errorf("AddEmbeddingSet(duplicate name) = %v, want ErrExists", err)
	}
	m, err := c.BeginRun(ctx, Run{Kind: KindMap, EmbeddingSet: set, Params: map[string]any{"neighbors": 20}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Dir == "" || m.Status != StatusRunning {
		t.Fatalf("BeginRun = %+v", m)
	}
	if _, err := c.LatestRun(ctx, KindMap, set, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("LatestRun with only a running run = %v, want ErrNotFound", err)
	}
	if err := c.FinishRun(ctx, m.ID, map[string]any{"seconds": 1.5}); err != nil {
		t.Fatal(err)
	}
	failed, _ := c.BeginRun(ctx, Run{Kind: KindMap, EmbeddingSet: set})
	if err := c.EndRun(failed.ID, StatusCancelled, context.Canceled); err != nil {
		t.Fatal(err)
	}
	got, err := c.LatestRun(ctx, KindMap, set, nil)
	if err != nil || got.ID != m.ID || got.Params["neighbors"] != float64(20) || got.Metrics["seconds"] != 1.5 {
		t.Errorf("LatestRun(map) = %+v, %v; want run %d with its params", got, err, m.ID)
	}
	cl, _ := c.BeginRun(ctx, Run{Kind: KindCluster, EmbeddingSet: set, Parent: m.ID})
	want := []Cluster{{Label: 0, Size: 6, Persistence: 0.5, Exemplars: []int{1, 2}}, {Label: 1, Size: 4, Persistence: 0.25, Exemplars: []int{7}}}
	if err := c.PutClusters(ctx, cl.ID, want); err != nil {
		t.Fatal(err)
	}
	if err := c.NameCluster(ctx, cl.ID, 1, "maps of France", "redrawn <b>often</b>"); err != nil {
		t.Fatal(err)
	}
	if err := c.NameCluster(ctx, cl.ID, 5, "x", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("NameCluster(missing label) = %v, want ErrNotFound", err)
	}
	cs, err := c.Clusters(ctx, cl.ID)
	if err != nil || len(cs) != 2 || cs[1].Name != "maps of France" || cs[1].Note != "redrawn <b>often</b>" || len(cs[0].Exemplars) != 2 {
		t.Errorf("Clusters() = %+v, %v", cs, err)
	}
	if err := c.DeleteEmbeddingSet(ctx, set); err != nil {
		t.Fatalf("DeleteEmbeddingSet: %v", err)
	}
	if runs, _ := c.Runs(ctx, ""); len(runs) != 0 {
		t.Errorf("runs after deleting their set = %d, want 0", len(runs))
	}
}

func TestImages(t *testing.T) {
	ctx := context.Background()
	c, _ := openTemp(t)
	ph := uint64(0xfedcba9876543210)
	im := Image{Key: "ab12", Path: "images/ab/ab12.png", Thumb: "thumbs/ab/ab12.jpg", Format: "png", Width: 28, Height: 28, Bytes: 100, PHash: &ph}
	if err := c.PutImage(ctx, im); err != nil {
		t.Fatal(err)
	}
	got, err := c.ImageByKey(ctx, "ab12")
	if err != nil || got.PHash == nil || *got.PHash != ph || got.Width != 28 {
		t.Errorf("ImageByKey = %+v, %v", got, err)
	}
	if _, err := c.ImageByKey(ctx, "zz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ImageByKey(missing) = %v, want ErrNotFound", err)
	}
}
