package tabular

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// ReadJSONL reads JSON Lines (NDJSON): one JSON object per line; blank
// lines are skipped. Columns are the keys in order of first appearance; a
// key missing from a line is null there. Column types: Bool, Int64 (integral
// numbers that fit), Float64 (other numbers), Timestamp (strings that all
// parse as ISO 8601 / RFC 3339 dates, or Twitter's created_at form), Vector
// (arrays of numbers), otherwise String; nested objects, arrays of other
// values, and columns mixing kinds are kept as their JSON text. Strings are
// never read as numbers.
func ReadJSONL(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readJSONL(f, path)
}

// JSON cell kinds.
const (
	jNull   byte = iota // null or missing
	jString             // text holds the string
	jNumber             // text holds the number as written
	jBool               // text holds "true" or "false"
	jVector             // a non-empty array of numbers, in vecs
	jBadVec             // an array of numbers with a null or out-of-range element; errs says which
	jEmpty              // an empty array; text holds its JSON
	jOther              // text holds the raw JSON (object, other array)
)

type jsonColumn struct {
	name  string
	kinds []byte
	text  []string
	// Vector cells: values in vecs, cell r's at vecOff[r] : vecOff[r]+vecLen[r].
	vecs   []float32
	vecOff []int
	vecLen []int
	errs   map[int]error
}

func (c *jsonColumn) pad(rows int) {
	for len(c.kinds) < rows {
		c.kinds = append(c.kinds, jNull)
		c.text = append(c.text, "")
		c.vecOff = append(c.vecOff, 0)
		c.vecLen = append(c.vecLen, 0)
	}
}

func readJSONL(r io.Reader, path string) (*Table, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var cols []*jsonColumn
	index := map[string]int{}
	var lines []int
	seen := map[string]bool{}
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if lineNo == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) > 0 {
			row := len(lines)
			rowErr := func(e error) error {
				return &RowError{Path: path, Row: row, Line: lineNo, Err: e}
			}
			if trimmed[0] != '{' {
				return nil, rowErr(fmt.Errorf("want a JSON object, line starts with %q", truncate(string(trimmed), 20)))
			}
			dec := json.NewDecoder(bytes.NewReader(trimmed))
			dec.UseNumber()
			if _, err := dec.Token(); err != nil {
				return nil, rowErr(fmt.Errorf("invalid JSON: %w", err))
			}
			clear(seen)
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return nil, rowErr(fmt.Errorf("invalid JSON: %w", err))
				}
				key, ok := tok.(string)
				if !ok {
					return nil, rowErr(fmt.Errorf("invalid JSON: object key %v", tok))
				}
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return nil, rowErr(fmt.Errorf("invalid JSON in value of %q: %w", key, err))
				}
				if key == "" {
					return nil, rowErr(errors.New("empty key; every value needs a column name"))
				}
				if seen[key] {
					return nil, rowErr(fmt.Errorf("key %q appears twice", key))
				}
				seen[key] = true
				ci, ok := index[key]
				if !ok {
					ci = len(cols)
					index[key] = ci
					cols = append(cols, &jsonColumn{name: key})
				}
				c := cols[ci]
				c.pad(row)
				addJSONCell(c, raw)
			}
			if _, err := dec.Token(); err != nil {
				return nil, rowErr(fmt.Errorf("invalid JSON: %w", err))
			}
			if dec.InputOffset() != int64(len(trimmed)) {
				return nil, rowErr(errors.New("text after the JSON object; JSON Lines wants one object per line"))
			}
			lines = append(lines, lineNo)
		}
		if err == io.EOF {
			break
		}
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%s: no JSON objects: %w", path, ErrNoRows)
	}
	t := &Table{Rows: len(lines)}
	rowLine := func(r int) int { return lines[r] }
	for _, c := range cols {
		c.pad(t.Rows)
		col, err := c.column(path, rowLine)
		if err != nil {
			return nil, err
		}
		t.Columns = append(t.Columns, col)
	}
	return t, nil
}

// addJSONCell appends one raw JSON value as the next cell of c.
func addJSONCell(c *jsonColumn, raw json.RawMessage) {
	kind, text := jOther, ""
	off, n := len(c.vecs), 0
	switch raw[0] {
	case 'n':
		kind = jNull
	case 't', 'f':
		kind, text = jBool, string(raw)
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			kind, text = jString, s
		}
	case '[':
		var isList bool
		var err error
		c.vecs, isList, err = parseVectorText(c.vecs, string(raw))
		switch {
		case isList && err == nil:
			kind, n = jVector, len(c.vecs)-off
		case isList && !errors.Is(err, errNullElement) && bytes.Equal(bytes.Join(bytes.Fields(raw), nil), []byte("[]")):
			kind, text = jEmpty, string(raw)
			c.vecs = c.vecs[:off]
		case isList && (errors.Is(err, errNullElement) || errors.Is(err, ErrNonFinite)):
			kind = jBadVec
			c.vecs = c.vecs[:off]
			if c.errs == nil {
				c.errs = map[int]error{}
			}
			c.errs[len(c.kinds)] = err
			text = string(raw)
		default:
			c.vecs = c.vecs[:off]
			text = string(raw)
		}
	case '{':
		text = string(raw)
	default:
		kind, text = jNumber, string(raw)
	}
	c.kinds = append(c.kinds, kind)
	c.text = append(c.text, text)
	c.vecOff = append(c.vecOff, off)
	c.vecLen = append(c.vecLen, n)
}

// column decides the column's type from its cells and builds it.
func (c *jsonColumn) column(path string, rowLine func(int) int) (*Column, error) {
	rows := len(c.kinds)
	col := &Column{Name: c.name}
	var valid []bool
	first := byte(jNull)
	all := map[byte]bool{}
	for r, k := range c.kinds {
		if k == jNull {
			if valid == nil {
				valid = make([]bool, rows)
				for i := range valid {
					valid[i] = true
				}
			}
			valid[r] = false
			continue
		}
		if first == jNull && k != jEmpty {
			first = k
		}
		all[k] = true
	}
	if first == jVector || first == jBadVec {
		return c.vectorColumn(path, rowLine)
	}
	col.Valid = valid
	only := func(k byte) bool { return len(all) == 1 && all[k] }
	switch {
	case len(all) == 0:
		col.Type, col.Strings = String, make([]string, rows)
		return col, nil
	case only(jBool):
		col.Type, col.Bools = Bool, make([]bool, rows)
		for r, k := range c.kinds {
			col.Bools[r] = k == jBool && c.text[r] == "true"
		}
		return col, nil
	case only(jNumber):
		ints, floats := true, true
		for r, k := range c.kinds {
			if k == jNull {
				continue
			}
			if _, ok := parseIntText(c.text[r]); !ok {
				ints = false
				if isDigits(c.text[r]) {
					floats = false // an identifier beyond int64: keep its digits
				}
			}
		}
		switch {
		case ints:
			col.Type, col.Ints = Int64, make([]int64, rows)
			for r, k := range c.kinds {
				if k != jNull {
					col.Ints[r], _ = parseIntText(c.text[r])
				}
			}
			return col, nil
		case floats:
			col.Type, col.Floats = Float64, make([]float64, rows)
			for r, k := range c.kinds {
				if k != jNull {
					col.Floats[r], _ = strconv.ParseFloat(c.text[r], 64)
				}
			}
			return col, nil
		}
	case only(jString):
		times := make([]time.Time, rows)
		isTime := true
		for r, k := range c.kinds {
			if k == jNull {
				continue
			}
			if times[r], isTime = parseTimeText(c.text[r]); !isTime {
				break
			}
		}
		if isTime {
			col.Type, col.Times = Timestamp, times
			return col, nil
		}
	}
	col.Type, col.Strings = String, make([]string, rows)
	for r, k := range c.kinds {
		if k != jNull {
			col.Strings[r] = c.text[r]
		}
	}
	return col, nil
}

func (c *jsonColumn) vectorColumn(path string, rowLine func(int) int) (*Column, error) {
	rows := len(c.kinds)
	col := &Column{Name: c.name, Type: Vector}
	rowErr := func(r int, err error) error {
		return &RowError{Path: path, Column: c.name, Row: r, Line: rowLine(r), Err: err}
	}
	for r, k := range c.kinds {
		switch k {
		case jVector:
		case jNull:
			return nil, rowErr(r, ErrNullVector)
		case jBadVec:
			return nil, rowErr(r, c.errs[r])
		case jEmpty:
			return nil, rowErr(r, errors.New("vector is empty"))
		case jString:
			return nil, rowErr(r, fmt.Errorf("the string %q is %w", truncate(c.text[r], 40), ErrNotVectorType))
		default:
			return nil, rowErr(r, fmt.Errorf("%s is %w", truncate(c.text[r], 40), ErrNotVectorType))
		}
		if r == 0 {
			col.Dim = c.vecLen[0]
		} else if c.vecLen[r] != col.Dim {
			return nil, rowErr(r, fmt.Errorf("%w: %d values, row 0 had %d", ErrRaggedVector, c.vecLen[r], col.Dim))
		}
	}
	// Cells were appended in row order, so vecs is already rows×dim.
	col.Vectors = c.vecs[: rows*col.Dim : rows*col.Dim]
	return col, nil
}
