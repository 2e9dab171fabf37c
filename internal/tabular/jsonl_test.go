package tabular

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadJSONLPandas(t *testing.T) {
	tab, err := ReadJSONL(filepath.Join("testdata", "pandas_posts.jsonl"))
	if err != nil {
		t.Fatalf("ReadJSONL(pandas_posts.jsonl) = %v", err)
	}
	want := []string{"id", "url", "text", "likes", "verified", "created_at", "embedding"}
	if !reflect.DeepEqual(tab.Names(), want) {
		t.Errorf("ReadJSONL(pandas_posts.jsonl).Names() = %q, want %q", tab.Names(), want)
	}
	checkPandasPosts(t, "ReadJSONL(pandas_posts.jsonl)", tab)
}

func TestReadJSONLInference(t *testing.T) {
	tests := []struct {
		name    string
		content string
		types   []Type
		check   func(t *testing.T, tab *Table)
	}{
		{"keys in order of appearance, missing keys null", `{"a": 1, "b": "x"}` + "\n\n" + `{"c": true, "a": 2}` + "\n",
			[]Type{Int64, String, Bool}, func(t *testing.T, tab *Table) {
				if got := tab.Names(); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
					t.Errorf("Names() = %q, want [a b c]", got)
				}
				if b := tab.Column("b"); !reflect.DeepEqual(b.Valid, []bool{true, false}) {
					t.Errorf("b Valid = %v, want [true false]", b.Valid)
				}
				if c := tab.Column("c"); !reflect.DeepEqual(c.Valid, []bool{false, true}) || !c.Bools[1] {
					t.Errorf("c = %v valid %v, want [false true] valid [false true]", c.Bools, c.Valid)
				}
			}},
		{"numbers", `{"i": 1, "f": 1.0, "big": 123456789012345678901234, "e": 2e3}` + "\n" + `{"i": -7, "f": 2, "big": 1, "e": 1}`,
			[]Type{Int64, Float64, String, Float64}, func(t *testing.T, tab *Table) {
				if got := tab.Column("big").Strings[0]; got != "123456789012345678901234" {
					t.Errorf("big row 0 = %q, want its digits", got)
				}
			}},
		{"strings are never numbers", `{"id_str": "1800000000000000000"}`, []Type{String}, nil},
		{"timestamps", `{"t": "2024-06-09T20:00:00.000Z"}` + "\n" + `{"t": "Wed Oct 10 20:19:24 +0000 2018"}`, []Type{Timestamp}, nil},
		{"vectors", `{"v": [1, 2.5, -3]}` + "\n" + `{"v": [4, 5, 6]}`, []Type{Vector}, func(t *testing.T, tab *Table) {
			if c := tab.Columns[0]; c.Dim != 3 || !reflect.DeepEqual(c.Vectors, []float32{1, 2.5, -3, 4, 5, 6}) {
				t.Errorf("v = %v dim %d, want [1 2.5 -3 4 5 6] dim 3", c.Vectors, c.Dim)
			}
		}},
		{"nested and mixed values kept as JSON", `{"o": {"k": [1, 2]}, "tags": ["a", "b"], "m": 1, "e": []}` + "\n" + `{"o": null, "tags": [], "m": "x", "e": []}`,
			[]Type{String, String, String, String}, func(t *testing.T, tab *Table) {
				if got := tab.Column("o").Strings[0]; got != `{"k": [1, 2]}` {
					t.Errorf("o row 0 = %q, want the raw JSON", got)
				}
				if got := tab.Column("m").Strings; !reflect.DeepEqual(got, []string{"1", "x"}) {
					t.Errorf("m = %q, want [1 x]", got)
				}
			}},
		{"BOM and CRLF", "\ufeff{\"a\": 1}\r\n{\"a\": 2}\r\n", []Type{Int64}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := ReadJSONL(writeTemp(t, "in.jsonl", tt.content))
			if err != nil {
				t.Fatalf("ReadJSONL(%q) = %v", tt.content, err)
			}
			var types []Type
			for _, c := range tab.Columns {
				types = append(types, c.Type)
			}
			if !reflect.DeepEqual(types, tt.types) {
				t.Fatalf("ReadJSONL(%q) types = %v, want %v", tt.content, types, tt.types)
			}
			if err := tab.Validate(); err != nil {
				t.Errorf("ReadJSONL(%q).Validate() = %v", tt.content, err)
			}
			if tt.check != nil {
				tt.check(t, tab)
			}
		})
	}
}

func TestReadJSONLErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		target  error
		want    []string
	}{
		{"empty", "", ErrNoRows, []string{"in.jsonl", "no JSON objects"}},
		{"blank lines", "\n  \n", ErrNoRows, []string{"in.jsonl"}},
		{"not an object", `{"a": 1}` + "\n" + `[1, 2]`, nil, []string{"in.jsonl", "row 1 (0-based)", "line 2", "JSON object"}},
		{"bad JSON", `{"a": 1}` + "\n\n" + `{"a": }`, nil, []string{"in.jsonl", "row 1 (0-based)", "line 3", "invalid JSON"}},
		{"Python NaN", `{"v": [1, NaN]}`, nil, []string{"in.jsonl", "row 0 (0-based)", "line 1", "invalid JSON"}},
		{"two objects on a line", `{"a": 1} {"a": 2}`, nil, []string{"in.jsonl", "line 1", "one object per line"}},
		{"duplicate key", `{"a": 1, "a": 2}`, nil, []string{"in.jsonl", "line 1", `"a" appears twice`}},
		{"ragged vector", `{"v": [1, 2]}` + "\n" + `{"v": [1, 2, 3]}`, ErrRaggedVector, []string{"in.jsonl", `column "v"`, "row 1 (0-based)", "line 2", "3 values, row 0 had 2"}},
		{"null vector", `{"v": [1, 2]}` + "\n" + `{"id": 3}`, ErrNullVector, []string{"in.jsonl", `column "v"`, "row 1 (0-based)", "line 2"}},
		{"null element", `{"v": [1, null]}`, errNullElement, []string{"in.jsonl", `column "v"`, "row 0 (0-based)", "element 1"}},
		{"empty vector", `{"v": [1, 2]}` + "\n" + `{"v": []}`, nil, []string{"in.jsonl", `column "v"`, "row 1 (0-based)", "empty"}},
		{"text in vector column", `{"v": [1, 2]}` + "\n" + `{"v": "[1, 2]"}`, ErrNotVectorType, []string{"in.jsonl", `column "v"`, "row 1 (0-based)"}},
		{"overflow", `{"v": [1e39]}`, ErrNonFinite, []string{"in.jsonl", `column "v"`, "row 0 (0-based)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := ReadJSONL(writeTemp(t, "in.jsonl", tt.content))
			if err == nil {
				t.Fatalf("ReadJSONL(%q) = %d rows, want an error", tt.content, tab.Rows)
			}
			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("ReadJSONL(%q) error %q does not wrap %q", tt.content, err, tt.target)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ReadJSONL(%q) error = %q, want it to mention %q", tt.content, err, w)
				}
			}
		})
	}
}
