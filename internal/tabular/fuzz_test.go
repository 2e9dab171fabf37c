package tabular

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds every testdata file matching pattern to the corpus.
func addSeeds(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzReadNPYHeader(f *testing.F) {
	addSeeds(f, "*.npy")
	f.Add([]byte("\x93NUMPY\x01\x00\x46\x00{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }          \n\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 10 {
			parseNPYHeader(b[10:])
		}
		data, rows, cols, err := readNPY(bytes.NewReader(b), int64(len(b)), "fuzz.npy")
		if err != nil {
			return
		}
		if rows <= 0 || cols <= 0 || len(data) != rows*cols {
			t.Fatalf("readNPY(%q) = %d values, shape (%d, %d)", b, len(data), rows, cols)
		}
		for i, v := range data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("readNPY(%q)[%d] = %v, want only finite values", b, i, v)
			}
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	addSeeds(f, "*.csv")
	addSeeds(f, "*.tsv")
	for _, s := range []string{"a,b\n1,2\n", "\ufeffa;b\r\n\"x\ny\";[1,2]\r\n", "v\n\"[1, 2]\"\n\"[3, 4]\"\n", "t\n2024-06-09\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := readCSV(b, "fuzz.csv", 0)
		if err != nil {
			return
		}
		if err := tab.Validate(); err != nil || tab.Rows == 0 {
			t.Fatalf("readCSV(%q) = %d rows, Validate() = %v", b, tab.Rows, err)
		}
		// What WriteCSV writes, ReadCSV reads back, with as many rows.
		var buf bytes.Buffer
		if err := writeCSV(&buf, tab); err != nil {
			t.Fatalf("writeCSV(readCSV(%q)) = %v", b, err)
		}
		again, err := readCSV(buf.Bytes(), "again.csv", ',')
		if err != nil || again.Rows != tab.Rows {
			t.Fatalf("readCSV(writeCSV(readCSV(%q))) = %v, %v, want %d rows", b, again, err, tab.Rows)
		}
	})
}

func FuzzReadJSONL(f *testing.F) {
	addSeeds(f, "*.jsonl")
	for _, s := range []string{`{"a": 1}`, "{\"v\": [1, 2]}\n{\"v\": [3, 4]}\n", `{"o": {"k": [1]}, "t": "2024-06-09"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := readJSONL(bytes.NewReader(b), "fuzz.jsonl")
		if err != nil {
			return
		}
		if err := tab.Validate(); err != nil || tab.Rows == 0 {
			t.Fatalf("readJSONL(%q) = %d rows, Validate() = %v", b, tab.Rows, err)
		}
	})
}

func FuzzReadParquet(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "duckdb_*.parquet"))
	for _, p := range files {
		if st, err := os.Stat(p); err == nil && st.Size() < 8<<10 {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := readParquet(bytes.NewReader(b), int64(len(b)), "fuzz.parquet", ReadOptions{})
		if err != nil {
			return
		}
		if err := tab.Validate(); err != nil || tab.Rows == 0 {
			t.Fatalf("readParquet(%d bytes) = %d rows, Validate() = %v", len(b), tab.Rows, err)
		}
	})
}
