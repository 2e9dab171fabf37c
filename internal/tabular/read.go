package tabular

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Read reads a table, choosing the format by the file's extension (any
// letter case): .parquet and .pq (ReadParquet with default options), .csv
// (ReadCSV, delimiter sniffed), .tsv and .tab (tab-separated), .jsonl and
// .ndjson (ReadJSONL), and .npy (ReadNPY, as a table with one Vector column
// named "embedding").
func Read(path string) (*Table, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".parquet", ".pq":
		return ReadParquet(path, ReadOptions{})
	case ".csv":
		return ReadCSV(path)
	case ".tsv", ".tab":
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return readCSV(b, path, '\t')
	case ".jsonl", ".ndjson":
		return ReadJSONL(path)
	case ".npy":
		data, rows, cols, err := ReadNPY(path)
		if err != nil {
			return nil, err
		}
		return &Table{Rows: rows, Columns: []*Column{{Name: "embedding", Type: Vector, Vectors: data, Dim: cols}}}, nil
	default:
		return nil, fmt.Errorf("%s: unknown file type %q; want .parquet, .csv, .tsv, .jsonl, .ndjson or .npy", path, ext)
	}
}
