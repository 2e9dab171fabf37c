package tabular

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWriteParquetDuckDB checks that DuckDB, an independent Parquet
// reader, loads what WriteParquet writes with the intended types. It needs
// node and the @duckdb/node-api package: set TABULAR_DUCKDB_NODE_PATH to the
// node_modules folder holding it (see testdata/README.md); otherwise it is
// skipped.
func TestWriteParquetDuckDB(t *testing.T) {
	modules := os.Getenv("TABULAR_DUCKDB_NODE_PATH")
	if modules == "" {
		t.Skip("TABULAR_DUCKDB_NODE_PATH not set; see testdata/README.md")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	tab := sampleTable(500, 16, 9)
	path := filepath.Join(t.TempDir(), "out.parquet")
	if err := WriteParquet(path, tab); err != nil {
		t.Fatalf("WriteParquet(...) = %v", err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "gen", "duckdb_check.cjs"), path)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("duckdb_check.cjs %s: %v", path, err)
	}
	var got struct {
		Version string
		Count   int
		Types   map[string]string
		Nulls   map[string]int
		First   []float64
		Sum     float64
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("duckdb_check.cjs output %q: %v", out, err)
	}
	t.Logf("DuckDB %s read %d rows: %v", got.Version, got.Count, got.Types)
	if got.Count != tab.Rows {
		t.Errorf("DuckDB count(*) = %d, want %d", got.Count, tab.Rows)
	}
	wantTypes := map[string]string{"id": "BIGINT", "filename": "VARCHAR", "text": "VARCHAR", "score": "DOUBLE",
		"flag": "BOOLEAN", "posted_at": "TIMESTAMP WITH TIME ZONE", "embedding": "FLOAT[]"}
	for name, want := range wantTypes {
		if got.Types[name] != want {
			t.Errorf("DuckDB type of %q = %q, want %q", name, got.Types[name], want)
		}
	}
	for _, c := range tab.Columns {
		want := 0
		for r := range tab.Rows {
			if c.IsNull(r) {
				want++
			}
		}
		if got.Nulls[c.Name] != want {
			t.Errorf("DuckDB nulls in %q = %d, want %d", c.Name, got.Nulls[c.Name], want)
		}
	}
	emb := tab.Column("embedding")
	for k, v := range emb.Row(0) {
		if k >= len(got.First) || got.First[k] != float64(v) {
			t.Fatalf("DuckDB embedding row 0 = %v, want %v", got.First, emb.Row(0))
		}
	}
	var sum float64
	for _, v := range emb.Vectors {
		sum += float64(v)
	}
	if math.Abs(got.Sum-sum) > 1e-6*math.Max(1, math.Abs(sum)) {
		t.Errorf("DuckDB sum of embeddings = %v, want %v", got.Sum, sum)
	}
}
