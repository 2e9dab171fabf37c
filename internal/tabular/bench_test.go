package tabular

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// embeddingTable is the shape of the notebook's larger dataset: 40,000
// images, a 1280-dimensional float32 embedding and a filename each.
func embeddingTable(rows, dim int) *Table {
	rng := rand.New(rand.NewPCG(1, 2))
	vec := make([]float32, rows*dim)
	for i := range vec {
		vec[i] = rng.Float32()*2 - 1
	}
	names := make([]string, rows)
	for i := range names {
		names[i] = "images/" + string(rune('a'+i%26)) + "/" + string(rune('a'+i/26%26)) + ".jpg"
	}
	return &Table{Rows: rows, Columns: []*Column{
		{Name: "filename", Type: String, Strings: names},
		{Name: "embedding", Type: Vector, Vectors: vec, Dim: dim},
	}}
}

func BenchmarkReadParquet(b *testing.B) {
	const rows, dim = 40000, 1280
	path := filepath.Join(b.TempDir(), "embeddings.parquet")
	if err := WriteParquet(path, embeddingTable(rows, dim)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(rows * dim * 4)
	b.ReportAllocs()
	for b.Loop() {
		tab, err := ReadParquet(path, ReadOptions{VectorColumns: []string{"embedding"}})
		if err != nil {
			b.Fatal(err)
		}
		if tab.Rows != rows || tab.Column("embedding").Dim != dim {
			b.Fatalf("ReadParquet(...) = %d rows of dim %d, want %d×%d", tab.Rows, tab.Column("embedding").Dim, rows, dim)
		}
	}
}

func BenchmarkWriteParquet(b *testing.B) {
	const rows, dim = 40000, 1280
	tab := embeddingTable(rows, dim)
	path := filepath.Join(b.TempDir(), "embeddings.parquet")
	b.SetBytes(rows * dim * 4)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteParquet(path, tab); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadNPY(b *testing.B) {
	const rows, dim = 40000, 1280
	path := filepath.Join(b.TempDir(), "embeddings.npy")
	if err := WriteNPY(path, embeddingTable(rows, dim).Columns[1].Vectors, rows, dim); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(rows * dim * 4)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := ReadNPY(path); err != nil {
			b.Fatal(err)
		}
	}
}

// The text formats at a tenth of the notebook's scale: 4,000 × 1280.
func BenchmarkReadCSV(b *testing.B) {
	const rows, dim = 4000, 1280
	path := filepath.Join(b.TempDir(), "embeddings.csv")
	if err := WriteCSV(path, embeddingTable(rows, dim)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(rows * dim * 4)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadCSV(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadJSONL(b *testing.B) {
	const rows, dim = 4000, 1280
	tab := embeddingTable(rows, dim)
	var text []byte
	for r := range rows {
		text = append(text, `{"filename": "`...)
		text = append(text, tab.Columns[0].Strings[r]...)
		text = append(text, `", "embedding": `...)
		text = appendVectorText(text, tab.Columns[1].Row(r))
		text = append(text, "}\n"...)
	}
	path := filepath.Join(b.TempDir(), "embeddings.jsonl")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(rows * dim * 4)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadJSONL(path); err != nil {
			b.Fatal(err)
		}
	}
}
