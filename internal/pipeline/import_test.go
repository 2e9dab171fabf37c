package pipeline

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motif/internal/tabular"
)

func newProject(t *testing.T) *Project {
	t.Helper()
	p, err := Create(context.Background(), filepath.Join(t.TempDir(), "proj"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// sampleTable is a small notebook-style table: embedding + metadata of
// every type, with nulls.
func sampleTable(rows, dim int) *tabular.Table {
	vec := make([]float32, rows*dim)
	for i := range vec {
		vec[i] = float32(math.Sin(float64(i)*0.37)) * 3
	}
	ids := make([]string, rows)
	texts := make([]string, rows)
	likes := make([]int64, rows)
	score := make([]float64, rows)
	when := make([]time.Time, rows)
	valid := make([]bool, rows)
	for i := range rows {
		ids[i] = "post-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		texts[i] = "texte « " + ids[i] + " » <b>"
		likes[i] = int64(i * 7)
		score[i] = float64(i) / 3
		when[i] = time.Date(2024, 6, 9, 20, 0, i, 0, time.UTC)
		valid[i] = i%5 != 0
	}
	return &tabular.Table{Rows: rows, Columns: []*tabular.Column{
		{Name: "id", Type: tabular.String, Strings: ids},
		{Name: "text", Type: tabular.String, Strings: texts, Valid: valid},
		{Name: "likes", Type: tabular.Int64, Ints: likes},
		{Name: "score", Type: tabular.Float64, Floats: score},
		{Name: "posted", Type: tabular.Timestamp, Times: when},
		{Name: "embedding", Type: tabular.Vector, Vectors: vec, Dim: dim},
	}}
}

func TestImportExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := newProject(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "seed.parquet")
	in := sampleTable(60, 12)
	if err := tabular.WriteParquet(src, in); err != nil {
		t.Fatal(err)
	}
	res, err := Import(ctx, p, ImportOptions{Path: src})
	if err != nil {
		t.Fatalf("Import(%s) = %v", src, err)
	}
	if res.Set.Name != "seed" || res.Set.Rows != 60 || res.Set.Dims != 12 {
		t.Fatalf("Import set = %+v, want seed 60×12", res.Set)
	}
	out := filepath.Join(dir, "export.parquet")
	if _, err := Export(ctx, p, ExportOptions{Out: out, Vectors: true}); err != nil {
		t.Fatalf("Export = %v", err)
	}
	res2, err := Import(ctx, p, ImportOptions{Path: out, Name: "again"})
	if err != nil {
		t.Fatalf("Import(export) = %v", err)
	}
	a, err := LoadEmbeddings(ctx, p, res.Set)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadEmbeddings(ctx, p, res2.Set)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range in.Column("embedding").Vectors {
		if a.Vectors.Vectors[i] != v || b.Vectors.Vectors[i] != v {
			t.Fatalf("vector value %d = %v then %v, want %v bit for bit", i, a.Vectors.Vectors[i], b.Vectors.Vectors[i], v)
		}
	}
	for _, name := range []string{"text", "likes", "score", "posted"} {
		want, got := in.Column(name), b.Table.Column(name)
		if got == nil {
			t.Fatalf("column %q lost in the round trip; have %v", name, b.Table.Names())
		}
		for i := range in.Rows {
			if want.IsNull(i) != got.IsNull(i) {
				t.Fatalf("column %q row %d null = %v, want %v", name, i, got.IsNull(i), want.IsNull(i))
			}
			if want.IsNull(i) {
				continue
			}
			switch want.Type {
			case tabular.String:
				if got.Strings[i] != want.Strings[i] {
					t.Fatalf("column %q row %d = %q, want %q", name, i, got.Strings[i], want.Strings[i])
				}
			case tabular.Int64:
				if got.Ints[i] != want.Ints[i] {
					t.Fatalf("column %q row %d = %d, want %d", name, i, got.Ints[i], want.Ints[i])
				}
			case tabular.Float64:
				if got.Floats[i] != want.Floats[i] {
					t.Fatalf("column %q row %d = %v, want %v", name, i, got.Floats[i], want.Floats[i])
				}
			case tabular.Timestamp:
				if !got.Times[i].Equal(want.Times[i]) {
					t.Fatalf("column %q row %d = %v, want %v", name, i, got.Times[i], want.Times[i])
				}
			}
		}
	}
	for i, id := range in.Column("id").Strings {
		if a.IDs[i] != id || b.IDs[i] != id {
			t.Fatalf("id %d = %q then %q, want %q", i, a.IDs[i], b.IDs[i], id)
		}
	}
}

func TestImportNPYWithMetadata(t *testing.T) {
	ctx := context.Background()
	p := newProject(t)
	dir := t.TempDir()
	npy := filepath.Join(dir, "vecs.npy")
	data := []float32{1, 0, 0, 1, 0.5, 0.5}
	if err := tabular.WriteNPY(npy, data, 3, 2); err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(dir, "meta.csv")
	os.WriteFile(meta, []byte("filename,subject\na.jpg,x\nb.jpg,y\nc.jpg,z\n"), 0o644)
	res, err := Import(ctx, p, ImportOptions{Path: npy, MetadataPath: meta})
	if err != nil {
		t.Fatalf("Import(npy+csv) = %v", err)
	}
	e, err := LoadEmbeddings(ctx, p, res.Set)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(e.IDs, ","); got != "a.jpg,b.jpg,c.jpg" {
		t.Errorf("ids = %s, want the filename column", got)
	}
	if c := e.Table.Column("subject"); c == nil || c.Strings[2] != "z" {
		t.Errorf("metadata column subject = %+v", c)
	}
}

// checkUnchanged asserts that a failed import left no set and no file.
func checkUnchanged(t *testing.T, p *Project) {
	t.Helper()
	sets, err := p.Catalog.EmbeddingSets(context.Background())
	if err != nil || len(sets) != 0 {
		t.Errorf("after a failed import the catalog has %d sets (%v), want 0", len(sets), err)
	}
	ents, _ := os.ReadDir(p.Path("embeddings"))
	if len(ents) != 0 {
		t.Errorf("after a failed import embeddings/ holds %d files, want none", len(ents))
	}
	imgs, _ := filepath.Glob(p.Path("images/*/*"))
	if len(imgs) != 0 {
		t.Errorf("after a failed import images/ holds %d files, want none", len(imgs))
	}
}

func TestImportBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := filepath.Join(dir, "good.parquet")
	if err := tabular.WriteParquet(good, sampleTable(40, 4)); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(good)
	truncated := write("truncated.parquet", string(raw[:len(raw)/2]))
	nanNPY := filepath.Join(dir, "nan.npy")
	if err := tabular.WriteNPY(nanNPY, []float32{1, 2, float32(math.NaN()), 4}, 2, 2); err != nil {
		t.Fatal(err)
	}
	infNPY := filepath.Join(dir, "inf.npy")
	if err := tabular.WriteNPY(infNPY, []float32{1, 2, 3, float32(math.Inf(1))}, 2, 2); err != nil {
		t.Fatal(err)
	}
	goodNPY := filepath.Join(dir, "good.npy")
	if err := tabular.WriteNPY(goodNPY, []float32{1, 2, 3, 4}, 2, 2); err != nil {
		t.Fatal(err)
	}
	strEmb := filepath.Join(dir, "strembedding.parquet")
	if err := tabular.WriteParquet(strEmb, &tabular.Table{Rows: 2, Columns: []*tabular.Column{
		{Name: "id", Type: tabular.String, Strings: []string{"a", "b"}},
		{Name: "embedding", Type: tabular.String, Strings: []string{"[1,2]", "[3,4]"}},
	}}); err != nil {
		t.Fatal(err)
	}
	emptyPq := filepath.Join(dir, "empty.parquet")
	if err := tabular.WriteParquet(emptyPq, &tabular.Table{Rows: 0, Columns: []*tabular.Column{
		{Name: "id", Type: tabular.String, Strings: []string{}},
		{Name: "embedding", Type: tabular.Vector, Vectors: []float32{}, Dim: 3},
	}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts ImportOptions
		want []string // substrings of the error
	}{
		{"ragged", ImportOptions{Path: write("ragged.jsonl", `{"id":"a","embedding":[1,2,3]}`+"\n"+`{"id":"b","embedding":[1,2]}`+"\n")},
			[]string{"ragged.jsonl", "embedding", "row 1"}},
		{"NaN", ImportOptions{Path: nanNPY}, []string{"nan.npy", "row 1", "NaN"}},
		{"Inf", ImportOptions{Path: infNPY}, []string{"inf.npy", "row 1"}},
		{"empty file", ImportOptions{Path: write("empty.jsonl", "")}, []string{"empty.jsonl"}},
		{"no rows", ImportOptions{Path: emptyPq}, []string{"empty.parquet", "no data rows"}},
		{"wrong type", ImportOptions{Path: strEmb}, []string{"strembedding.parquet", `"embedding"`, "string"}},
		{"wrong type named", ImportOptions{Path: good, EmbeddingColumn: "text"}, []string{"good.parquet", `"text"`, "not lists of numbers"}},
		{"missing column", ImportOptions{Path: good, EmbeddingColumn: "vec"}, []string{`"vec" not found`, "columns are"}},
		{"duplicate ids", ImportOptions{Path: write("dup.jsonl", `{"id":"a","embedding":[1,2]}`+"\n"+`{"id":"b","embedding":[1,2]}`+"\n"+`{"id":"a","embedding":[3,2]}`+"\n"), IDColumn: "id"},
			[]string{"dup.jsonl", `"id"`, "row 2", `duplicate id "a"`, "row 0"}},
		{"truncated", ImportOptions{Path: truncated}, []string{"truncated.parquet"}},
		{"metadata length", ImportOptions{Path: goodNPY, MetadataPath: write("meta.csv", "a\n1\n2\n3\n")}, []string{"meta.csv", "3 rows", "2 vectors"}},
		{"bad name", ImportOptions{Path: good, Name: "../evil"}, []string{"embedding set name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProject(t)
			_, err := Import(context.Background(), p, tt.opts)
			if err == nil {
				t.Fatalf("Import(%+v) succeeded, want an error", tt.opts)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Import error = %q, want it to mention %q", err, w)
				}
			}
			checkUnchanged(t, p)
		})
	}
}

func TestImportImagesRefusesEscapes(t *testing.T) {
	root := t.TempDir()
	images := filepath.Join(root, "images")
	os.MkdirAll(images, 0o755)
	outside := filepath.Join(root, "secret.png")
	os.WriteFile(outside, []byte("not really"), 0o644)
	if err := os.Symlink(outside, filepath.Join(images, "link.png")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	for _, tt := range []struct{ name, file, want string }{
		{"dotdot", "../secret.png", `".."`},
		{"absolute", outside, "absolute"},
		{"symlink", "link.png", "symbolic link"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newProject(t)
			src := filepath.Join(t.TempDir(), "in.jsonl")
			os.WriteFile(src, []byte(`{"filename":"ok.png","embedding":[1,2]}`+"\n"+`{"filename":"`+tt.file+`","embedding":[3,4]}`+"\n"), 0o644)
			_, err := Import(context.Background(), p, ImportOptions{Path: src, ImagesDir: images})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "row 1") {
				t.Fatalf("Import(filename %q) = %v, want a refusal naming row 1 and %q", tt.file, err, tt.want)
			}
			checkUnchanged(t, p)
		})
	}
}
