package tabular

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// sampleTable returns a table with every column type, nulls in some
// metadata columns, and a rows×dim vector column of random values that
// include awkward floats (subnormals, ±0, extremes).
func sampleTable(rows, dim int, seed uint64) *Table {
	rng := rand.New(rand.NewPCG(seed, 1))
	vec := make([]float32, rows*dim)
	for i := range vec {
		vec[i] = float32(rng.NormFloat64())
	}
	awkward := []float32{0, float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32, 1e-40}
	copy(vec, awkward[:min(len(awkward), len(vec))])
	t := &Table{Rows: rows}
	ids := &Column{Name: "id", Type: Int64, Ints: make([]int64, rows)}
	names := &Column{Name: "filename", Type: String, Strings: make([]string, rows)}
	text := &Column{Name: "text", Type: String, Strings: make([]string, rows), Valid: make([]bool, rows)}
	score := &Column{Name: "score", Type: Float64, Floats: make([]float64, rows), Valid: make([]bool, rows)}
	flag := &Column{Name: "flag", Type: Bool, Bools: make([]bool, rows), Valid: make([]bool, rows)}
	when := &Column{Name: "posted_at", Type: Timestamp, Times: make([]time.Time, rows), Valid: make([]bool, rows)}
	base := time.Date(2024, 6, 9, 20, 0, 0, 0, time.UTC)
	for i := range rows {
		ids.Ints[i] = int64(i)*1_000_000_007 - 5
		names.Strings[i] = filepath.Join("img", string(rune('a'+i%26))+".jpg")
		text.Valid[i] = i%3 != 1
		if text.Valid[i] {
			text.Strings[i] = "post « " + string(rune('α'+i%20)) + " »\nline two, \"quoted\""
		}
		score.Valid[i] = i%4 != 2
		if score.Valid[i] {
			score.Floats[i] = rng.Float64()*200 - 100
		}
		flag.Valid[i] = i%5 != 0
		if flag.Valid[i] {
			flag.Bools[i] = i%2 == 0
		}
		when.Valid[i] = i%7 != 3
		if when.Valid[i] {
			when.Times[i] = base.Add(time.Duration(i) * 90 * time.Minute).Add(time.Duration(rng.IntN(1e6)) * time.Microsecond)
		}
	}
	t.Columns = []*Column{ids, names, text, score, flag, when,
		{Name: "embedding", Type: Vector, Vectors: vec, Dim: dim}}
	return t
}

// normalize drops all-true Valid masks, which carry no information.
func normalize(t *Table) {
	for _, c := range t.Columns {
		if c.Valid == nil {
			continue
		}
		all := true
		for _, v := range c.Valid {
			all = all && v
		}
		if all {
			c.Valid = nil
		}
	}
}

// equalTables compares two tables exactly; vectors bit for bit.
func equalTables(t *testing.T, name string, got, want *Table) {
	t.Helper()
	normalize(got)
	normalize(want)
	if got.Rows != want.Rows {
		t.Fatalf("%s: Rows = %d, want %d", name, got.Rows, want.Rows)
	}
	if !reflect.DeepEqual(got.Names(), want.Names()) {
		t.Fatalf("%s: Names() = %v, want %v", name, got.Names(), want.Names())
	}
	for i, w := range want.Columns {
		g := got.Columns[i]
		if g.Type != w.Type {
			t.Errorf("%s: column %q Type = %v, want %v", name, w.Name, g.Type, w.Type)
			continue
		}
		if !reflect.DeepEqual(g.Valid, w.Valid) {
			t.Errorf("%s: column %q Valid = %v, want %v", name, w.Name, g.Valid, w.Valid)
		}
		switch w.Type {
		case String:
			if !reflect.DeepEqual(g.Strings, w.Strings) {
				t.Errorf("%s: column %q Strings = %q, want %q", name, w.Name, g.Strings, w.Strings)
			}
		case Int64:
			if !reflect.DeepEqual(g.Ints, w.Ints) {
				t.Errorf("%s: column %q Ints = %v, want %v", name, w.Name, g.Ints, w.Ints)
			}
		case Float64:
			if !reflect.DeepEqual(g.Floats, w.Floats) {
				t.Errorf("%s: column %q Floats = %v, want %v", name, w.Name, g.Floats, w.Floats)
			}
		case Bool:
			if !reflect.DeepEqual(g.Bools, w.Bools) {
				t.Errorf("%s: column %q Bools = %v, want %v", name, w.Name, g.Bools, w.Bools)
			}
		case Timestamp:
			if len(g.Times) != len(w.Times) {
				t.Errorf("%s: column %q has %d times, want %d", name, w.Name, len(g.Times), len(w.Times))
				continue
			}
			for r := range w.Times {
				if !g.Times[r].Equal(w.Times[r]) || (!g.IsNull(r) && g.Times[r].Location() != time.UTC) {
					t.Errorf("%s: column %q row %d = %v, want %v", name, w.Name, r, g.Times[r], w.Times[r])
					break
				}
			}
		case Vector:
			if g.Dim != w.Dim || len(g.Vectors) != len(w.Vectors) {
				t.Errorf("%s: column %q Dim = %d (%d values), want %d (%d values)", name, w.Name, g.Dim, len(g.Vectors), w.Dim, len(w.Vectors))
				continue
			}
			for k := range w.Vectors {
				if math.Float32bits(g.Vectors[k]) != math.Float32bits(w.Vectors[k]) {
					t.Errorf("%s: column %q value %d = %v, want %v (bit-exact)", name, w.Name, k, g.Vectors[k], w.Vectors[k])
					break
				}
			}
		}
	}
}

func TestParquetRoundTrip(t *testing.T) {
	tests := []struct {
		name      string
		rows, dim int
	}{
		{"one row", 1, 1},
		{"small", 37, 8},
		{"several pages", 3000, 96},
		{"wide", 40, 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := sampleTable(tt.rows, tt.dim, 7)
			path := filepath.Join(t.TempDir(), "out.parquet")
			if err := WriteParquet(path, want); err != nil {
				t.Fatalf("WriteParquet(...) = %v", err)
			}
			got, err := ReadParquet(path, ReadOptions{VectorColumns: []string{"embedding"}})
			if err != nil {
				t.Fatalf("ReadParquet(...) = %v", err)
			}
			equalTables(t, "ReadParquet(WriteParquet(...))", got, sampleTable(tt.rows, tt.dim, 7))
		})
	}
}
