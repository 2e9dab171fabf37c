package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"motif/internal/catalog"
	"motif/internal/tabular"
)

func motif(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestHelpListsEveryCommandAndFlag(t *testing.T) {
	code, out, _ := motif(t, "help")
	if code != exitOK {
		t.Fatalf("motif help exit = %d, want 0", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("motif help does not list %q", c.name)
		}
		code, out, _ := motif(t, c.name, "-h")
		if code != exitOK || !strings.Contains(out, "--project") || !strings.Contains(out, "Usage: motif "+c.name) {
			t.Errorf("motif %s -h = %d, %q; want usage with the common flags", c.name, code, out)
		}
	}
	_, out, _ = motif(t, "help", "map")
	for _, want := range []string{"--neighbors", `(default "20")`, "--min-dist", "--metric", `(default "cosine")`, "--seed", `(default "42")`} {
		if !strings.Contains(out, want) {
			t.Errorf("motif help map lacks %q:\n%s", want, out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, exitUsage, "Usage"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"unknown flag", []string{"map", "--bogus"}, exitUsage, "bogus"},
		{"missing file", []string{"import", "--project", dir}, exitUsage, "one FILE"},
		{"bad log format", []string{"runs", "--log-format", "xml", "--project", dir}, exitUsage, "--log-format"},
		{"bad range", []string{"sweep", "--min-cluster-size", "9:3", "--project", dir}, exitUsage, "A < B"},
		{"no project", []string{"export", "--project", filepath.Join(dir, "none"), "out.csv"}, exitProject, "no motif project"},
		{"missing input", []string{"import", "--project", dir, filepath.Join(dir, "nope.parquet")}, exitError, "nope.parquet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := motif(t, tt.args...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("motif %q = %d, %q; want exit %d mentioning %q", tt.args, code, out+errOut, tt.code, tt.want)
			}
		})
	}
}

func TestNewerProjectRefused(t *testing.T) {
	dir := t.TempDir()
	c, err := catalog.Open(context.Background(), filepath.Join(dir, "motif.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Writer().Exec("PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	code, _, errOut := motif(t, "runs", "--project", dir)
	if code != exitProject || !strings.Contains(errOut, "upgrade motif") {
		t.Errorf("motif runs on a newer project = %d, %q; want exit %d telling to upgrade", code, errOut, exitProject)
	}
}

// TestImportMapClusterExport drives the commands end to end on a small
// clustered input, with the project from $MOTIF_PROJECT and JSON logs.
func TestImportMapClusterExport(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MOTIF_PROJECT", filepath.Join(dir, "proj"))
	const n, dim = 300, 8
	vec := make([]float32, n*dim)
	ids := make([]string, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		c := i % 3
		for d := range dim {
			// Three well-separated directions plus seeded noise.
			v := float32(0.1 * rng.Float64())
			if d == c {
				v += 1
			}
			vec[i*dim+d] = v
		}
		ids[i] = "img" + string(rune('A'+c)) + "-" + itoa(i)
	}
	src := filepath.Join(dir, "seed.parquet")
	if err := tabular.WriteParquet(src, &tabular.Table{Rows: n, Columns: []*tabular.Column{
		{Name: "filename", Type: tabular.String, Strings: ids},
		{Name: "embedding", Type: tabular.Vector, Vectors: vec, Dim: dim},
	}}); err != nil {
		t.Fatal(err)
	}
	steps := [][]string{
		{"import", src, "--log-format", "json"},
		{"map", "--epochs", "50", "--quiet"},
		{"cluster", "--min-cluster-size", "20"},
		{"sweep", "--min-cluster-size", "10:60:10"},
		{"export", filepath.Join(dir, "out.csv")},
		{"export", "--vectors", filepath.Join(dir, "out.parquet")},
		{"runs"},
	}
	for _, args := range steps {
		code, out, errOut := motif(t, args...)
		if code != exitOK {
			t.Fatalf("motif %q = %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
		}
		if args[0] == "cluster" && !strings.Contains(out, "3 clusters") {
			t.Errorf("motif cluster found other than 3 clusters:\n%s", out)
		}
		if args[0] == "import" && !strings.Contains(errOut, `"msg":"imported"`) {
			t.Errorf("motif import --log-format json logged %q, want a JSON record", errOut)
		}
	}
	csv, err := os.ReadFile(filepath.Join(dir, "out.csv"))
	if err != nil {
		t.Fatal(err)
	}
	header := strings.SplitN(string(csv), "\n", 2)[0]
	for _, col := range []string{"id", "filename", "x", "y", "cluster", "cluster_name", "probability", "outlier_score"} {
		if !strings.Contains(","+header+",", ","+col+",") {
			t.Errorf("export header %q lacks %q", header, col)
		}
	}
	pq, err := tabular.ReadParquet(filepath.Join(dir, "out.parquet"), tabular.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := pq.Column("embedding"); e == nil || e.Dim != dim || pq.Rows != n {
		t.Errorf("export --vectors has %d rows, embedding %+v; want %d rows of %d-d vectors", pq.Rows, e, n, dim)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestExportLoadsInDuckDB checks the Parquet export in another engine,
// DuckDB, when CI has installed it (.ci/duckdb); elsewhere it skips.
func TestExportLoadsInDuckDB(t *testing.T) {
	script, _ := filepath.Abs("../../.ci/duckdb/check-parquet.mjs")
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "@duckdb", "node-api")); err != nil {
		t.Skip("DuckDB for node is not installed; .ci/run installs it with npm")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	t.Setenv("MOTIF_PROJECT", filepath.Join(dir, "proj"))
	src := filepath.Join(dir, "seed.parquet")
	const n, dim = 50, 4
	vec := make([]float32, n*dim)
	ids := make([]string, n)
	for i := range vec {
		vec[i] = float32(i%7) - 3
	}
	for i := range ids {
		ids[i] = "id-" + itoa(i)
	}
	if err := tabular.WriteParquet(src, &tabular.Table{Rows: n, Columns: []*tabular.Column{
		{Name: "id", Type: tabular.String, Strings: ids},
		{Name: "embedding", Type: tabular.Vector, Vectors: vec, Dim: dim},
	}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.parquet")
	for _, args := range [][]string{{"import", src}, {"export", "--vectors", out}} {
		if code, o, e := motif(t, args...); code != exitOK {
			t.Fatalf("motif %q = %d: %s%s", args, code, o, e)
		}
	}
	got, err := exec.Command("node", script, out).CombinedOutput()
	if err != nil {
		t.Fatalf("DuckDB could not read %s: %v\n%s", out, err, got)
	}
	var res struct {
		Rows  int
		Types map[string]string
	}
	if err := json.Unmarshal(got, &res); err != nil {
		t.Fatalf("check-parquet output %q: %v", got, err)
	}
	if res.Rows != n || res.Types["id"] != "VARCHAR" || res.Types["embedding"] != "FLOAT[]" {
		t.Errorf("DuckDB sees %d rows, types %v; want %d rows, id VARCHAR, embedding FLOAT[]", res.Rows, res.Types, n)
	}
}
