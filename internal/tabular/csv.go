package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// ReadCSV reads a delimited text file with a header row. The delimiter is
// sniffed from the first lines among comma, semicolon, tab and vertical
// bar. A UTF-8 byte-order mark is skipped; quoted fields may hold
// delimiters, quotes ("") and newlines. Empty cells are nulls. Column types
// are inferred: Bool (true/false), Int64, Float64, Timestamp (ISO 8601 /
// RFC 3339, a bare date, or Twitter's "Wed Oct 10 20:19:24 +0000 2018"),
// Vector for cells holding bracketed lists of numbers ("[0.1, 0.2]", as
// WriteCSV and pandas write them), otherwise String. Integers with leading
// zeros and integers beyond int64 stay text. An empty header name becomes
// "column_N" (1-based), as pandas' unnamed index column needs.
func ReadCSV(path string) (*Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return readCSV(b, path, 0)
}

// readCSV parses b; comma 0 means sniff the delimiter.
func readCSV(b []byte, path string, comma rune) (*Table, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%s: empty file, want a header row and data rows: %w", path, ErrNoRows)
	}
	if comma == 0 {
		comma = sniffDelimiter(b)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = comma
	header, err := r.Read()
	if err != nil {
		return nil, csvError(path, err, -1)
	}
	names := make([]string, len(header))
	seen := make(map[string]int, len(header))
	for i, h := range header {
		if h == "" {
			h = "column_" + strconv.Itoa(i+1)
		}
		if j, dup := seen[h]; dup {
			return nil, fmt.Errorf("%s: header names column %q twice (columns %d and %d, 1-based); rename one", path, h, j+1, i+1)
		}
		seen[h] = i
		names[i] = h
	}
	cells := make([][]string, len(names))
	null := make([][]bool, len(names))
	var lines []int
	for row := 0; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if errors.Is(err, csv.ErrFieldCount) {
			line, _ := r.FieldPos(0)
			return nil, &RowError{Path: path, Row: row, Line: line,
				Err: fmt.Errorf("%d field(s), the header has %d", len(rec), len(names))}
		}
		if err != nil {
			return nil, csvError(path, err, row)
		}
		line, _ := r.FieldPos(0)
		lines = append(lines, line)
		for i, v := range rec {
			cells[i] = append(cells[i], v)
			null[i] = append(null[i], v == "")
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s: header only: %w", path, ErrNoRows)
	}
	t := &Table{Rows: len(lines)}
	rowLine := func(r int) int { return lines[r] }
	for i, name := range names {
		col, err := textColumn(path, name, cells[i], null[i], rowLine)
		if err != nil {
			return nil, err
		}
		t.Columns = append(t.Columns, col)
	}
	return t, nil
}

// csvError turns an encoding/csv error into one naming the file, line and
// data row (row -1 is the header).
func csvError(path string, err error, row int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err
		if row < 0 {
			return fmt.Errorf("%s: header, line %d, column %d: %w", path, pe.StartLine, pe.Column, msg)
		}
		return &RowError{Path: path, Row: row, Line: pe.StartLine, Err: fmt.Errorf("position %d: %w", pe.Column, msg)}
	}
	return fmt.Errorf("%s: %w", path, err)
}

// sniffDelimiter picks the delimiter among , ; tab | that occurs outside
// quotes the same number of times in each of the first lines (up to 20),
// preferring the most frequent; if none is consistent, the most frequent in
// the header; if the header has none (a one-column file), the one that
// occurs least in the other lines, a comma on ties.
func sniffDelimiter(b []byte) rune {
	cands := []byte{',', '\t', ';', '|'}
	var counts [][4]int
	var cur [4]int
	inQuote := false
	for i := 0; i < len(b) && len(counts) < 20; i++ {
		c := b[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			counts = append(counts, cur)
			cur = [4]int{}
		default:
			for k, d := range cands {
				if c == d {
					cur[k]++
				}
			}
		}
	}
	if len(counts) < 20 && cur != [4]int{} {
		counts = append(counts, cur)
	}
	if len(counts) == 0 {
		return ','
	}
	best, bestN := -1, 0
	for k := range cands {
		n := counts[0][k]
		if n == 0 {
			continue
		}
		consistent := true
		for _, c := range counts[1:] {
			consistent = consistent && c[k] == n
		}
		if consistent && n > bestN {
			best, bestN = k, n
		}
	}
	if best < 0 {
		for k := range cands {
			if n := counts[0][k]; n > bestN {
				best, bestN = k, n
			}
		}
	}
	if best < 0 {
		// A one-column file: pick the candidate that splits no row, or
		// the fewest, so that a URL with a comma stays one value.
		fewest := -1
		for k := range cands {
			total := 0
			for _, c := range counts {
				total += c[k]
			}
			if fewest < 0 || total < fewest {
				best, fewest = k, total
			}
		}
	}
	return rune(cands[best])
}

// WriteCSV writes t as comma-separated text with a header row, quoting
// fields as RFC 4180 requires. Nulls are empty cells; floats are written in
// shortest round-trip form (integral values with ".0"), timestamps as RFC
// 3339 in UTC, vectors as JSON arrays. ReadCSV reads the file back with the
// same types, except that an empty non-null string reads back as null and a
// string column whose values all look like numbers, booleans or dates reads
// back as that type. The file is written to a temporary file in the same
// directory and renamed into place.
func WriteCSV(path string, t *Table) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteFileAtomic(path, func(w io.Writer) error {
		return writeCSV(w, t)
	})
}

func writeCSV(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Names()); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	var buf []byte
	for r := range t.Rows {
		for i, c := range t.Columns {
			if c.IsNull(r) {
				rec[i] = ""
				continue
			}
			switch c.Type {
			case String:
				rec[i] = c.Strings[r]
			case Int64:
				rec[i] = strconv.FormatInt(c.Ints[r], 10)
			case Float64:
				rec[i] = formatFloat64(c.Floats[r])
			case Bool:
				rec[i] = strconv.FormatBool(c.Bools[r])
			case Timestamp:
				rec[i] = c.Times[r].UTC().Format(time.RFC3339Nano)
			case Vector:
				buf = appendVectorText(buf[:0], c.Row(r))
				rec[i] = string(buf)
			}
		}
		if len(rec) == 1 && rec[0] == "" {
			// A lone empty field would be an empty line, which readers
			// skip; quote it so that the row survives.
			cw.Flush()
			if _, err := io.WriteString(w, "\"\"\n"); err != nil {
				return err
			}
			continue
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
