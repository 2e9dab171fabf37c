package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// duckVec is element k of row i of the DuckDB fixtures' embeddings:
// (i*dim + k) / 3 computed in DOUBLE, rounded to FLOAT.
func duckVec(i, k, dim int) float32 { return float32(float64(i*dim+k) / 3) }

func checkDuckVectors(t *testing.T, name string, c *Column, rows, dim int) {
	t.Helper()
	if c == nil || c.Type != Vector {
		t.Fatalf("%s: embedding column = %+v, want a Vector column", name, c)
	}
	if c.Dim != dim || len(c.Vectors) != rows*dim {
		t.Fatalf("%s: embedding Dim = %d with %d values, want %d with %d", name, c.Dim, len(c.Vectors), dim, rows*dim)
	}
	for i := range rows {
		for k, v := range c.Row(i) {
			if want := duckVec(i, k, dim); v != want {
				t.Fatalf("%s: embedding row %d element %d = %v, want %v", name, i, k, v, want)
			}
		}
	}
}

func TestReadParquetDuckDB(t *testing.T) {
	tests := []struct {
		file      string
		rows, dim int
		names     []string
	}{
		{"duckdb_float_list.parquet", 5000, 8, []string{"id", "small", "filename", "account", "score", "ratio", "flag", "posted", "posted_tz", "day", "embedding"}},
		{"duckdb_double_list.parquet", 50, 8, []string{"id", "filename", "embedding"}},
		{"duckdb_array.parquet", 20, 4, []string{"id", "embedding"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			tab, err := ReadParquet(path, ReadOptions{VectorColumns: []string{"embedding"}})
			if err != nil {
				t.Fatalf("ReadParquet(%s) = %v", tt.file, err)
			}
			if tab.Rows != tt.rows {
				t.Errorf("ReadParquet(%s).Rows = %d, want %d", tt.file, tab.Rows, tt.rows)
			}
			if !reflect.DeepEqual(tab.Names(), tt.names) {
				t.Errorf("ReadParquet(%s).Names() = %v, want %v (lists of strings and integers skipped)", tt.file, tab.Names(), tt.names)
			}
			if err := tab.Validate(); err != nil {
				t.Errorf("ReadParquet(%s).Validate() = %v", tt.file, err)
			}
			checkDuckVectors(t, tt.file, tab.Column("embedding"), tt.rows, tt.dim)
			id := tab.Column("id")
			for i := range tt.rows {
				if id.Type != Int64 || id.Ints[i] != int64(i) {
					t.Fatalf("%s: id row %d = %v, want %d", tt.file, i, id.Ints[i], i)
				}
			}
		})
	}
}

// TestReadParquetDuckDBMetadata checks every metadata type of the DuckDB
// fixture against the formulas of gen/duckdb_fixtures.cjs: nulls, dictionary
// strings, INT32, FLOAT, BOOLEAN, TIMESTAMP (µs), TIMESTAMPTZ and DATE,
// across three row groups.
func TestReadParquetDuckDBMetadata(t *testing.T) {
	tab, err := ReadParquet(filepath.Join("testdata", "duckdb_float_list.parquet"), ReadOptions{})
	if err != nil {
		t.Fatalf("ReadParquet(...) = %v", err)
	}
	col := func(name string, typ Type) *Column {
		c := tab.Column(name)
		if c == nil || c.Type != typ {
			t.Fatalf("column %q = %+v, want type %v", name, c, typ)
		}
		return c
	}
	small, filename, account := col("small", Int64), col("filename", String), col("account", String)
	score, ratio, flag := col("score", Float64), col("ratio", Float64), col("flag", Bool)
	posted, postedTZ, day := col("posted", Timestamp), col("posted_tz", Timestamp), col("day", Timestamp)
	names := []string{"alice", "bob", "carol", "dave", "eve"}
	base := time.Date(2024, 6, 9, 20, 0, 0, 0, time.UTC)
	for i := range tab.Rows {
		fail := func(name string, got, want any) {
			t.Fatalf("ReadParquet(duckdb_float_list) %s row %d = %v, want %v", name, i, got, want)
		}
		if got, want := small.Ints[i], int64(i%1000-500); got != want {
			fail("small", got, want)
		}
		if got, want := filename.Strings[i], fmt.Sprintf("img_%05d.jpg", i); got != want {
			fail("filename", got, want)
		}
		if null := i%7 == 0; account.IsNull(i) != null || (!null && account.Strings[i] != names[i%5]) {
			fail("account", account.Strings[i], names[i%5])
		}
		if null := i%5 == 3; score.IsNull(i) != null || (!null && score.Floats[i] != float64(i)/8) {
			fail("score", score.Floats[i], float64(i)/8)
		}
		if got, want := ratio.Floats[i], float64(i)/4; got != want || ratio.Valid != nil {
			fail("ratio", got, want)
		}
		if null := i%11 == 0; flag.IsNull(i) != null || (!null && flag.Bools[i] != (i%3 == 0)) {
			fail("flag", flag.Bools[i], i%3 == 0)
		}
		if want := base.Add(time.Duration(i) * (time.Minute + time.Microsecond)); !posted.Times[i].Equal(want) {
			fail("posted", posted.Times[i], want)
		}
		if want := base.Add(time.Duration(i) * time.Second); !postedTZ.Times[i].Equal(want) || postedTZ.Times[i].Location() != time.UTC {
			fail("posted_tz", postedTZ.Times[i], want)
		}
		if want := time.Date(2024, 6, 1+i%30, 0, 0, 0, 0, time.UTC); !day.Times[i].Equal(want) {
			fail("day", day.Times[i], want)
		}
	}
}

// TestReadParquetDuckDBTypes checks the rarer metadata types of
// duckdb_types.parquet against the formulas of gen/duckdb_fixtures.cjs.
func TestReadParquetDuckDBTypes(t *testing.T) {
	tab, err := ReadParquet(filepath.Join("testdata", "duckdb_types.parquet"), ReadOptions{})
	if err != nil {
		t.Fatalf("ReadParquet(duckdb_types.parquet) = %v", err)
	}
	base := time.Date(2024, 6, 9, 20, 0, 0, 0, time.UTC)
	colours := []string{"red", "green", "blue"}
	tests := []struct {
		col  string
		typ  Type
		want func(i int) any
	}{
		{"d4", Float64, func(i int) any { return float64(i-5) / 10 }},
		{"d18", Float64, func(i int) any { return float64((i-5)*1125) / 1e3 }},
		{"d38", Float64, func(i int) any { return float64((i-5)*123456789) / 1e4 }},
		{"tiny", Int64, func(i int) any { return int64(i - 5) }},
		{"u8", Int64, func(i int) any { return int64(i) }},
		{"u32", Int64, func(i int) any { return int64(4000000000 + i) }},
		{"u64", Int64, func(i int) any { return int64(9000000000000000000 + i) }},
		{"uuid", String, func(i int) any { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i*7) }},
		{"clock", Int64, func(i int) any { return int64(12*3600+i) * 1e6 }},
		{"raw", String, func(i int) any { return fmt.Sprintf("blob%d", i) }},
		{"colour", String, func(i int) any { return colours[i%3] }},
		{"ts_s", Timestamp, func(i int) any { return base.Add(time.Duration(i) * time.Second) }},
		{"ts_ms", Timestamp, func(i int) any { return base.Add(time.Duration(i) * time.Millisecond) }},
		{"ts_ns", Timestamp, func(i int) any { return base.Add(time.Duration(i) * time.Microsecond) }},
	}
	for _, tt := range tests {
		c := tab.Column(tt.col)
		if c == nil || c.Type != tt.typ {
			t.Errorf("ReadParquet(duckdb_types.parquet) column %q = %+v, want type %v", tt.col, c, tt.typ)
			continue
		}
		for i := range tab.Rows {
			var got any
			switch c.Type {
			case Float64:
				got = c.Floats[i]
			case Int64:
				got = c.Ints[i]
			case String:
				got = c.Strings[i]
			case Timestamp:
				got = c.Times[i]
			}
			if want := tt.want(i); !reflect.DeepEqual(got, want) {
				t.Errorf("ReadParquet(duckdb_types.parquet) %s row %d = %v, want %v", tt.col, i, got, want)
				break
			}
		}
	}
}

// TestReadParquetDictionary reads list<float> and list<double> columns
// whose values are dictionary-encoded.
func TestReadParquetDictionary(t *testing.T) {
	tab, err := ReadParquet(filepath.Join("testdata", "duckdb_dictionary.parquet"), ReadOptions{VectorColumns: []string{"embedding", "embedding64"}})
	if err != nil {
		t.Fatalf("ReadParquet(duckdb_dictionary.parquet) = %v", err)
	}
	tests := []struct {
		col  string
		want func(i, k int) float32
	}{
		{"embedding", func(i, k int) float32 { return float32(float64((i+k)%5) / 4) }},
		{"embedding64", func(i, k int) float32 { return float32(float64((i+k)%7) / 3) }},
	}
	for _, tt := range tests {
		c := tab.Column(tt.col)
		if c == nil || c.Type != Vector || c.Dim != 8 || tab.Rows != 3000 {
			t.Fatalf("ReadParquet(duckdb_dictionary.parquet) %s = %+v over %d rows, want 8-dimensional vectors over 3000", tt.col, c, tab.Rows)
		}
		for i := range tab.Rows {
			for k, v := range c.Row(i) {
				if want := tt.want(i, k); v != want {
					t.Fatalf("ReadParquet(duckdb_dictionary.parquet) %s row %d element %d = %v, want %v", tt.col, i, k, v, want)
				}
			}
		}
	}
}

func TestReadParquetOptions(t *testing.T) {
	path := filepath.Join("testdata", "duckdb_double_list.parquet")
	tab, err := ReadParquet(path, ReadOptions{Columns: []string{"embedding", "id"}})
	if err != nil {
		t.Fatalf("ReadParquet(Columns: embedding, id) = %v", err)
	}
	if got, want := tab.Names(), []string{"embedding", "id"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ReadParquet(Columns: embedding, id).Names() = %v, want %v", got, want)
	}
	// A list of integers is a vector only when asked for.
	tab, err = ReadParquet(path, ReadOptions{VectorColumns: []string{"counts"}})
	if err != nil {
		t.Fatalf("ReadParquet(VectorColumns: counts) = %v", err)
	}
	counts := tab.Column("counts")
	if counts == nil || counts.Type != Vector || counts.Dim != 3 {
		t.Fatalf("ReadParquet(VectorColumns: counts) counts = %+v, want a 3-dimensional Vector", counts)
	}
	for i := range tab.Rows {
		for k, v := range counts.Row(i) {
			if v != float32(i+k) {
				t.Fatalf("counts row %d element %d = %v, want %d", i, k, v, i+k)
			}
		}
	}
}

// TestReadParquetErrors checks that every bad input is refused with a
// message naming the file, and for bad values the column and 0-based row.
func TestReadParquetErrors(t *testing.T) {
	dir := t.TempDir()
	full, err := os.ReadFile(filepath.Join("testdata", "duckdb_float_list.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	truncated := write("truncated.parquet", full[:len(full)/2])
	noFooter := write("nofooter.parquet", full[:len(full)-3])
	empty := write("empty.parquet", nil)
	csvFile := write("posts.parquet", []byte("id,url\n1,https://example.org/a.jpg\n"))
	vec := []string{"embedding"}
	td := func(name string) string { return filepath.Join("testdata", name) }
	tests := []struct {
		name   string
		path   string
		opts   ReadOptions
		target error
		want   []string // substrings of the message
	}{
		{"ragged", td("duckdb_ragged.parquet"), ReadOptions{VectorColumns: vec}, ErrRaggedVector,
			[]string{"duckdb_ragged.parquet", `column "embedding"`, "row 3 (0-based)", "3 values, row 0 had 4"}},
		{"null vector", td("duckdb_null_vector.parquet"), ReadOptions{}, ErrNullVector,
			[]string{"duckdb_null_vector.parquet", `column "embedding"`, "row 2 (0-based)", "null"}},
		{"null element", td("duckdb_null_element.parquet"), ReadOptions{}, errNullElement,
			[]string{"duckdb_null_element.parquet", `column "embedding"`, "row 1 (0-based)", "element 1 (0-based)"}},
		{"empty vector", td("duckdb_empty_list.parquet"), ReadOptions{}, nil,
			[]string{"duckdb_empty_list.parquet", `column "embedding"`, "row 0 (0-based)", "empty"}},
		{"NaN", td("duckdb_nan.parquet"), ReadOptions{VectorColumns: vec}, ErrNonFinite,
			[]string{"duckdb_nan.parquet", `column "embedding"`, "row 4 (0-based)", "element 2 (0-based)", "NaN"}},
		{"string embedding", td("duckdb_string_embedding.parquet"), ReadOptions{VectorColumns: vec}, ErrNotVectorType,
			[]string{"duckdb_string_embedding.parquet", `column "embedding"`, "string", "list of FLOAT or DOUBLE"}},
		{"zero rows", td("duckdb_zero_rows.parquet"), ReadOptions{}, ErrNoRows,
			[]string{"duckdb_zero_rows.parquet", "no data rows"}},
		{"missing vector column", td("duckdb_double_list.parquet"), ReadOptions{VectorColumns: []string{"vec"}}, ErrNoColumn,
			[]string{"duckdb_double_list.parquet", `"vec"`, "columns are: id, filename, embedding, counts"}},
		{"missing column", td("duckdb_double_list.parquet"), ReadOptions{Columns: []string{"url"}}, ErrNoColumn,
			[]string{"duckdb_double_list.parquet", `"url"`, "columns are:"}},
		{"unsupported column asked for", td("duckdb_float_list.parquet"), ReadOptions{Columns: []string{"tags"}}, nil,
			[]string{"duckdb_float_list.parquet", `"tags"`, "list of string"}},
		{"truncated", truncated, ReadOptions{}, ErrNotParquet,
			[]string{"truncated.parquet", "not a Parquet file or truncated"}},
		{"no footer", noFooter, ReadOptions{}, ErrNotParquet,
			[]string{"nofooter.parquet", "not a Parquet file or truncated"}},
		{"empty file", empty, ReadOptions{}, ErrNotParquet,
			[]string{"empty.parquet", "not a Parquet file or truncated"}},
		{"CSV named .parquet", csvFile, ReadOptions{}, ErrNotParquet,
			[]string{"posts.parquet", "not a Parquet file or truncated"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := ReadParquet(tt.path, tt.opts)
			if err == nil {
				t.Fatalf("ReadParquet(%s) = table of %d rows, want an error", tt.path, tab.Rows)
			}
			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("ReadParquet(%s) error %q does not wrap %q", tt.path, err, tt.target)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ReadParquet(%s) error = %q, want it to mention %q", tt.path, err, w)
				}
			}
		})
	}
}

func TestWriteParquetRowGroups(t *testing.T) {
	defer func(n int) { rowGroupBytes = n }(rowGroupBytes)
	rowGroupBytes = 1 << 16 // 64 KiB groups: about 13 for this table
	tab := sampleTable(600, 300, 3)
	path := filepath.Join(t.TempDir(), "big.parquet")
	if err := WriteParquet(path, tab); err != nil {
		t.Fatalf("WriteParquet(...) = %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("parquet.OpenFile(WriteParquet output) = %v", err)
	}
	if n := len(pf.RowGroups()); n < 2 {
		t.Errorf("WriteParquet of %d bytes wrote %d row group(s), want several", 600*300*4, n)
	}
	// The schema other tools see: the list column named as the column,
	// with a LIST of required FLOAT elements.
	emb := pf.Root().Column("embedding")
	if emb == nil || !isListType(emb.Type()) {
		t.Fatalf("WriteParquet schema embedding = %v, want a LIST group", emb)
	}
	leaf := emb.Columns()[0].Columns()[0]
	if leaf.Type().Kind() != parquet.Float || !leaf.Required() {
		t.Errorf("WriteParquet embedding element = %v, want required FLOAT", leaf)
	}
	got, err := ReadParquet(path, ReadOptions{})
	if err != nil {
		t.Fatalf("ReadParquet(%d row groups) = %v", len(pf.RowGroups()), err)
	}
	equalTables(t, "ReadParquet(WriteParquet(...)) over row groups", got, sampleTable(600, 300, 3))
}

// TestReadParquetPageLayouts reads files written with other page layouts:
// version 1 data pages, small pages (about one vector each), dictionary
// encoding, no compression, and zstd.
func TestReadParquetPageLayouts(t *testing.T) {
	tests := []struct {
		name string
		opts []parquet.WriterOption
	}{
		{"data page v1", []parquet.WriterOption{parquet.DataPageVersion(1)}},
		{"small pages v1", []parquet.WriterOption{parquet.DataPageVersion(1), parquet.PageBufferSize(512)}},
		{"small pages v2", []parquet.WriterOption{parquet.PageBufferSize(512)}},
		{"dictionary", []parquet.WriterOption{parquet.DefaultEncoding(&parquet.RLEDictionary)}},
		{"uncompressed", []parquet.WriterOption{parquet.Compression(&parquet.Uncompressed)}},
		{"zstd", []parquet.WriterOption{parquet.Compression(&parquet.Zstd)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeParquet(&buf, sampleTable(200, 300, 4), tt.opts...); err != nil {
				t.Fatalf("writeParquet(%s) = %v", tt.name, err)
			}
			got, err := readParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()), tt.name+".parquet", ReadOptions{})
			if err != nil {
				t.Fatalf("readParquet(%s) = %v", tt.name, err)
			}
			equalTables(t, "readParquet("+tt.name+")", got, sampleTable(200, 300, 4))
		})
	}
}

func TestWriteParquetAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.parquet")
	if err := WriteParquet(path, sampleTable(10, 4, 1)); err != nil {
		t.Fatalf("WriteParquet(...) = %v", err)
	}
	bad := sampleTable(10, 4, 1)
	bad.Column("embedding").Vectors = bad.Column("embedding").Vectors[:39]
	if err := WriteParquet(path, bad); err == nil {
		t.Fatalf("WriteParquet(table with 39 vector values for 10×4) = nil, want an error")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "out.parquet" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory after writes = %v, want only out.parquet (no temporary files)", names)
	}
	got, err := ReadParquet(path, ReadOptions{})
	if err != nil {
		t.Fatalf("ReadParquet(...) after a failed overwrite = %v", err)
	}
	equalTables(t, "first write kept", got, sampleTable(10, 4, 1))
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		tab  *Table
		want string
	}{
		{"ok", &Table{Rows: 2, Columns: []*Column{{Name: "a", Type: Int64, Ints: []int64{1, 2}}}}, ""},
		{"short", &Table{Rows: 3, Columns: []*Column{{Name: "a", Type: Int64, Ints: []int64{1, 2}}}}, "2 values, want 3 rows"},
		{"duplicate", &Table{Rows: 1, Columns: []*Column{{Name: "a", Type: Bool, Bools: []bool{true}}, {Name: "a", Type: Bool, Bools: []bool{true}}}}, "twice"},
		{"no name", &Table{Rows: 1, Columns: []*Column{{Type: Bool, Bools: []bool{true}}}}, "no name"},
		{"valid mask", &Table{Rows: 2, Columns: []*Column{{Name: "a", Type: String, Strings: []string{"", ""}, Valid: []bool{true}}}}, "Valid mask"},
		{"zero dim", &Table{Rows: 1, Columns: []*Column{{Name: "v", Type: Vector}}}, "dimension 0"},
		{"vector length", &Table{Rows: 2, Columns: []*Column{{Name: "v", Type: Vector, Dim: 2, Vectors: []float32{1, 2, 3}}}}, "rows×dim"},
		{"null vector", &Table{Rows: 1, Columns: []*Column{{Name: "v", Type: Vector, Dim: 1, Vectors: []float32{1}, Valid: []bool{false}}}}, "cannot be null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tab.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestVectorColumn(t *testing.T) {
	tab := sampleTable(3, 2, 1)
	if c, err := tab.VectorColumn("embedding"); err != nil || c.Dim != 2 {
		t.Errorf("VectorColumn(embedding) = %v, %v, want the 2-dimensional column", c, err)
	}
	if _, err := tab.VectorColumn("vec"); !errors.Is(err, ErrNoColumn) || !strings.Contains(err.Error(), "columns are: id, filename, text") {
		t.Errorf("VectorColumn(vec) = %v, want ErrNoColumn listing the columns", err)
	}
	if _, err := tab.VectorColumn("text"); !errors.Is(err, ErrNotVectorType) || !strings.Contains(err.Error(), "string") {
		t.Errorf("VectorColumn(text) = %v, want ErrNotVectorType saying it holds strings", err)
	}
}

func TestReadParquetNonFiniteWritten(t *testing.T) {
	// WriteParquet does not police values; ReadParquet refuses NaN and Inf
	// in vectors whoever wrote them.
	for _, v := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		tab := sampleTable(5, 3, 1)
		tab.Column("embedding").Vectors[3*3+1] = v
		path := filepath.Join(t.TempDir(), "nan.parquet")
		if err := WriteParquet(path, tab); err != nil {
			t.Fatalf("WriteParquet(...) = %v", err)
		}
		_, err := ReadParquet(path, ReadOptions{})
		if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "row 3 (0-based)") || !strings.Contains(err.Error(), "element 1 (0-based)") {
			t.Errorf("ReadParquet(vector with %v at row 3, element 1) = %v, want ErrNonFinite naming row 3 and element 1", v, err)
		}
	}
}
