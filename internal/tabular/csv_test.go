package tabular

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// checkPandasPosts checks a table read from one of the pandas fixtures
// against the formulas of gen/numpy_pandas_fixtures.py.
func checkPandasPosts(t *testing.T, name string, tab *Table) {
	t.Helper()
	if tab.Rows != 12 {
		t.Fatalf("%s: Rows = %d, want 12", name, tab.Rows)
	}
	types := map[string]Type{"id": Int64, "url": String, "text": String, "likes": Float64, "verified": Bool, "created_at": Timestamp, "embedding": Vector}
	for n, typ := range types {
		if c := tab.Column(n); c == nil || c.Type != typ {
			t.Fatalf("%s: column %q = %+v, want type %v; columns %v", name, n, c, typ, tab.Names())
		}
	}
	base := time.Date(2024, 6, 9, 20, 0, 0, 0, time.UTC)
	for i := range tab.Rows {
		fail := func(col string, got, want any) {
			t.Helper()
			t.Fatalf("%s: %s row %d = %#v, want %#v", name, col, i, got, want)
		}
		if got := tab.Column("id").Ints[i]; got != int64(1000+i) {
			fail("id", got, 1000+i)
		}
		if got, want := tab.Column("url").Strings[i], fmt.Sprintf("https://example.org/p/%d.jpg", i); got != want {
			fail("url", got, want)
		}
		text := tab.Column("text")
		if want := fmt.Sprintf("post %d, \"quoted\"\nline two é", i); text.IsNull(i) != (i%4 == 3) || (i%4 != 3 && text.Strings[i] != want) {
			fail("text", text.Strings[i], want)
		}
		likes := tab.Column("likes")
		if want := float64(i) * 1.5; likes.IsNull(i) != (i%3 == 2) || (i%3 != 2 && likes.Floats[i] != want) {
			fail("likes", likes.Floats[i], want)
		}
		if got := tab.Column("verified").Bools[i]; got != (i%2 == 0) {
			fail("verified", got, i%2 == 0)
		}
		if got, want := tab.Column("created_at").Times[i], base.Add(time.Duration(i)*time.Hour); !got.Equal(want) || got.Location() != time.UTC {
			fail("created_at", got, want)
		}
		emb := tab.Column("embedding")
		if emb.Dim != 4 {
			t.Fatalf("%s: embedding Dim = %d, want 4", name, emb.Dim)
		}
		for k, v := range emb.Row(i) {
			if want := float32(i*4+k-10) * 0.25; v != want {
				fail(fmt.Sprintf("embedding[%d]", k), v, want)
			}
		}
	}
}

func TestReadCSVPandas(t *testing.T) {
	tests := []struct {
		file  string
		names []string
	}{
		{"pandas_posts.csv", []string{"column_1", "id", "url", "text", "likes", "verified", "created_at", "embedding"}},
		{"pandas_posts_semicolon.csv", []string{"id", "url", "text", "likes", "verified", "created_at", "embedding"}},
		{"pandas_posts.tsv", []string{"id", "url", "text", "likes", "verified", "created_at", "embedding"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			for _, read := range []struct {
				name string
				fn   func(string) (*Table, error)
			}{{"ReadCSV", ReadCSV}, {"Read", Read}} {
				tab, err := read.fn(path)
				if err != nil {
					t.Fatalf("%s(%s) = %v", read.name, tt.file, err)
				}
				if !reflect.DeepEqual(tab.Names(), tt.names) {
					t.Errorf("%s(%s).Names() = %q, want %q", read.name, tt.file, tab.Names(), tt.names)
				}
				checkPandasPosts(t, read.name+"("+tt.file+")", tab)
			}
		})
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadCSVInference(t *testing.T) {
	tests := []struct {
		name    string
		content string
		types   []Type
		check   func(t *testing.T, tab *Table)
	}{
		{"ints floats bools", "a,b,c\n1,1.5,true\n-2,2,False\n+3,,TRUE\n",
			[]Type{Int64, Float64, Bool}, func(t *testing.T, tab *Table) {
				if got := tab.Columns[0].Ints; !reflect.DeepEqual(got, []int64{1, -2, 3}) {
					t.Errorf("a = %v, want [1 -2 3]", got)
				}
				if c := tab.Columns[1]; !reflect.DeepEqual(c.Floats, []float64{1.5, 2, 0}) || !reflect.DeepEqual(c.Valid, []bool{true, true, false}) {
					t.Errorf("b = %v valid %v, want [1.5 2 0] valid [true true false]", c.Floats, c.Valid)
				}
			}},
		{"identifiers stay text", "zip,tweet_id,big\n007,1800000000000000000,123456789012345678901234\n1,2,3\n",
			[]Type{String, Int64, String}, func(t *testing.T, tab *Table) {
				if got := tab.Columns[0].Strings[0]; got != "007" {
					t.Errorf("zip row 0 = %q, want 007", got)
				}
				if got := tab.Columns[2].Strings[0]; got != "123456789012345678901234" {
					t.Errorf("big row 0 = %q, want all digits kept", got)
				}
			}},
		{"NaN and inf are floats", "x\nNaN\n-inf\n1e3\n", []Type{Float64}, func(t *testing.T, tab *Table) {
			f := tab.Columns[0].Floats
			if !math.IsNaN(f[0]) || !math.IsInf(f[1], -1) || f[2] != 1000 {
				t.Errorf("x = %v, want [NaN -Inf 1000]", f)
			}
		}},
		{"hex and words are text", "x\n0x1p-2\ninformation\n", []Type{String}, nil},
		{"timestamps", "t\n2024-06-09T20:00:00Z\n2024-06-09 21:30:00+02:00\n2024-06-10\nWed Oct 10 20:19:24 +0000 2018\n2024-06-09T20:00:00.123456\n2024-06-09T22:00:00+0100\n",
			[]Type{Timestamp}, func(t *testing.T, tab *Table) {
				want := []time.Time{
					time.Date(2024, 6, 9, 20, 0, 0, 0, time.UTC),
					time.Date(2024, 6, 9, 19, 30, 0, 0, time.UTC),
					time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC),
					time.Date(2018, 10, 10, 20, 19, 24, 0, time.UTC),
					time.Date(2024, 6, 9, 20, 0, 0, 123456000, time.UTC),
					time.Date(2024, 6, 9, 21, 0, 0, 0, time.UTC),
				}
				for i, w := range want {
					if got := tab.Columns[0].Times[i]; !got.Equal(w) || got.Location() != time.UTC {
						t.Errorf("t row %d = %v, want %v", i, got, w)
					}
				}
			}},
		{"vectors", "id,v\n1,\"[1, 2.5, -3e-2]\"\n2,\"[4,5,6]\"\n", []Type{Int64, Vector}, func(t *testing.T, tab *Table) {
			if c := tab.Columns[1]; c.Dim != 3 || !reflect.DeepEqual(c.Vectors, []float32{1, 2.5, -0.03, 4, 5, 6}) {
				t.Errorf("v = %v dim %d, want [1 2.5 -0.03 4 5 6] dim 3", c.Vectors, c.Dim)
			}
		}},
		{"brackets in text", "note\n[citation needed]\nplain\n", []Type{String}, nil},
		{"all empty", "a,b\n1,\n2,\n", []Type{Int64, String}, func(t *testing.T, tab *Table) {
			if c := tab.Columns[1]; !reflect.DeepEqual(c.Valid, []bool{false, false}) {
				t.Errorf("b Valid = %v, want all null", c.Valid)
			}
		}},
		{"BOM CRLF quoted newline pipes", "\ufeffa|b\r\n\"x|\r\ny\"|2\r\nz|3\r\n", []Type{String, Int64}, func(t *testing.T, tab *Table) {
			if got := tab.Names(); !reflect.DeepEqual(got, []string{"a", "b"}) {
				t.Errorf("Names() = %q, want [a b] (BOM dropped)", got)
			}
			if got := tab.Columns[0].Strings[0]; got != "x|\ny" {
				t.Errorf("a row 0 = %q, want %q", got, "x|\ny")
			}
		}},
		{"one column", "url\nhttps://example.org/a.jpg\n", []Type{String}, nil},
		{"one column with commas", "url\nhttps://example.org/a,b.jpg\nhttps://example.org/c;d.jpg\n", []Type{String}, func(t *testing.T, tab *Table) {
			if got := tab.Columns[0].Strings[0]; got != "https://example.org/a,b.jpg" {
				t.Errorf("url row 0 = %q, want the whole URL", got)
			}
		}},
		{"no final newline", "a;b\n1;2", []Type{Int64, Int64}, nil},
		{"tabs win over commas in text", "a\tb\n1, 2\t3\n4\t5\n", []Type{String, Int64}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := ReadCSV(writeTemp(t, "in.csv", tt.content))
			if err != nil {
				t.Fatalf("ReadCSV(%q) = %v", tt.content, err)
			}
			var types []Type
			for _, c := range tab.Columns {
				types = append(types, c.Type)
			}
			if !reflect.DeepEqual(types, tt.types) {
				t.Fatalf("ReadCSV(%q) types = %v, want %v", tt.content, types, tt.types)
			}
			if err := tab.Validate(); err != nil {
				t.Errorf("ReadCSV(%q).Validate() = %v", tt.content, err)
			}
			if tt.check != nil {
				tt.check(t, tab)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		target  error
		want    []string
	}{
		{"empty file", "", ErrNoRows, []string{"in.csv", "empty file"}},
		{"BOM only", "\ufeff\n", ErrNoRows, []string{"in.csv", "empty file"}},
		{"header only", "a,b\n", ErrNoRows, []string{"in.csv", "header only"}},
		{"ragged row", "a,b\n1,2\n3\n", nil, []string{"in.csv", "row 1 (0-based)", "line 3", "1 field(s), the header has 2"}},
		{"ragged row after a quoted newline", "a,b\n\"x\ny\",2\n3,4,5\n", nil, []string{"in.csv", "row 1 (0-based)", "line 4", "3 field(s), the header has 2"}},
		{"bad quote", "a,b\n1,\"x\"y\n", nil, []string{"in.csv", "row 0 (0-based)", "line 2"}},
		{"duplicate header", "a,b,a\n1,2,3\n", nil, []string{"in.csv", `"a" twice`}},
		{"ragged vector", "id,v\n1,\"[1,2]\"\n2,\"[1,2]\"\n3,\"[1,2,3]\"\n", ErrRaggedVector,
			[]string{"in.csv", `column "v"`, "row 2 (0-based)", "line 4", "3 values, row 0 had 2"}},
		{"null vector", "id,v\n1,\"[1,2]\"\n2,\n", ErrNullVector, []string{"in.csv", `column "v"`, "row 1 (0-based)", "line 3"}},
		{"NaN in vector", "id,v\n1,\"[1,NaN]\"\n", ErrNonFinite, []string{"in.csv", `column "v"`, "row 0 (0-based)", "element 1 (0-based)"}},
		{"overflow in vector", "id,v\n1,\"[1,2]\"\n2,\"[1e39,2]\"\n", ErrNonFinite, []string{"in.csv", `column "v"`, "row 1 (0-based)", "element 0 (0-based)"}},
		{"text in vector column", "id,v\n1,\"[1,2]\"\n2,hello\n", ErrNotVectorType, []string{"in.csv", `column "v"`, "row 1 (0-based)", "hello"}},
		{"null element", "v\n\"[1, null]\"\n", errNullElement, []string{"in.csv", `column "v"`, "row 0 (0-based)", "element 1"}},
		{"multi-line rows", "id,text,v\n1,\"a\nb\nc\",\"[1]\"\n2,x,\"[1,2]\"\n", ErrRaggedVector, []string{"row 1 (0-based)", "line 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "in.csv", tt.content)
			tab, err := ReadCSV(path)
			if err == nil {
				t.Fatalf("ReadCSV(%q) = %d rows, want an error", tt.content, tab.Rows)
			}
			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("ReadCSV(%q) error %q does not wrap %q", tt.content, err, tt.target)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ReadCSV(%q) error = %q, want it to mention %q", tt.content, err, w)
				}
			}
		})
	}
}

func TestCSVRoundTrip(t *testing.T) {
	for _, size := range []struct{ rows, dim int }{{3, 1}, {50, 16}} { // an all-null column would read back as String
		want := sampleTable(size.rows, size.dim, 5)
		path := filepath.Join(t.TempDir(), "out.csv")
		if err := WriteCSV(path, want); err != nil {
			t.Fatalf("WriteCSV(...) = %v", err)
		}
		got, err := ReadCSV(path)
		if err != nil {
			t.Fatalf("ReadCSV(WriteCSV(...)) = %v", err)
		}
		equalTables(t, fmt.Sprintf("ReadCSV(WriteCSV(%d×%d))", size.rows, size.dim), got, sampleTable(size.rows, size.dim, 5))
	}
	// Integral floats keep their type.
	tab := &Table{Rows: 2, Columns: []*Column{{Name: "f", Type: Float64, Floats: []float64{1, -2}}}}
	path := filepath.Join(t.TempDir(), "f.csv")
	if err := WriteCSV(path, tab); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(path)
	if err != nil || got.Columns[0].Type != Float64 {
		t.Errorf("ReadCSV(WriteCSV(floats 1, -2)) = %v, %v, want a Float64 column", got, err)
	}
}

func TestRead(t *testing.T) {
	tests := []struct {
		file string
		rows int
	}{
		{"duckdb_double_list.parquet", 50},
		{"pandas_posts.jsonl", 12},
		{"numpy_f8.npy", 4},
	}
	for _, tt := range tests {
		tab, err := Read(filepath.Join("testdata", tt.file))
		if err != nil || tab.Rows != tt.rows || tab.Column("embedding") == nil {
			t.Errorf("Read(%s) = %v, %v, want %d rows with an embedding column", tt.file, tab, err, tt.rows)
		}
	}
	if _, err := Read(writeTemp(t, "posts.xlsx", "x")); err == nil || !strings.Contains(err.Error(), ".xlsx") {
		t.Errorf("Read(posts.xlsx) = %v, want an unknown-type error", err)
	}
}
