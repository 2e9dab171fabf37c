// Package tabular reads and writes the outside tabular data motif exchanges
// with other tools: Parquet (the reference notebook's embeddings and motif's
// own artifacts), CSV/TSV, JSON Lines and NumPy .npy matrices.
//
// Everything is held in memory column by column: a Table has Rows rows and a
// list of typed Columns. Vectors (embeddings) are one Column of Type Vector
// whose values are a flat row-major []float32 of Rows×Dim values, as the
// numerical kernels want them.
//
// Readers of outside input check what they read: a vector column must be
// present in every row, have the same number of values in every row, and
// hold only finite numbers. Problems are reported as *RowError values naming
// the file, the column and the 0-based data row.
package tabular

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Type is the type of a Column's values.
type Type int

// Column types.
const (
	String    Type = iota // UTF-8 text, in Column.Strings
	Int64                 // signed integers, in Column.Ints
	Float64               // floating-point numbers, in Column.Floats
	Bool                  // booleans, in Column.Bools
	Timestamp             // instants in UTC (microsecond precision in Parquet), in Column.Times
	Vector                // fixed-length float32 vectors, in Column.Vectors (Rows×Dim)
)

// String returns the type's name as error messages print it.
func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Int64:
		return "int64"
	case Float64:
		return "float64"
	case Bool:
		return "bool"
	case Timestamp:
		return "timestamp"
	case Vector:
		return "vector"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Column is one named, typed column of a Table. Only the slice that matches
// Type is used; it has one element per row (Vectors has Rows×Dim).
type Column struct {
	Name string
	Type Type

	Strings []string    // Type == String
	Ints    []int64     // Type == Int64
	Floats  []float64   // Type == Float64
	Bools   []bool      // Type == Bool
	Times   []time.Time // Type == Timestamp, in UTC

	// Valid marks the rows whose value is present; a null row has Valid[i]
	// false and the zero value in the data slice. Nil means every row is
	// valid. Vector columns never have nulls: Valid is nil.
	Valid []bool

	Vectors []float32 // Type == Vector: flat row-major, Rows×Dim values
	Dim     int       // Type == Vector: values per row
}

// Len returns the number of rows the column holds, judged by its data slice.
func (c *Column) Len() int {
	switch c.Type {
	case String:
		return len(c.Strings)
	case Int64:
		return len(c.Ints)
	case Float64:
		return len(c.Floats)
	case Bool:
		return len(c.Bools)
	case Timestamp:
		return len(c.Times)
	case Vector:
		if c.Dim <= 0 {
			return 0
		}
		return len(c.Vectors) / c.Dim
	}
	return 0
}

// IsNull reports whether row i of the column is null.
func (c *Column) IsNull(i int) bool {
	return c.Valid != nil && !c.Valid[i]
}

// Row returns row i of a Vector column, a sub-slice of Vectors (not a copy).
// It panics if the column is not a Vector column.
func (c *Column) Row(i int) []float32 {
	if c.Type != Vector {
		panic("tabular: Row called on a " + c.Type.String() + " column")
	}
	return c.Vectors[i*c.Dim : (i+1)*c.Dim : (i+1)*c.Dim]
}

// Table is a set of equally long columns.
type Table struct {
	Rows    int
	Columns []*Column
}

// Column returns the column called name, or nil if there is none.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// VectorColumn returns the Vector column called name. If there is none, the
// error wraps ErrNoColumn and lists the columns there are; if the column
// holds something else, it wraps ErrNotVectorType and says what.
func (t *Table) VectorColumn(name string) (*Column, error) {
	c := t.Column(name)
	if c == nil {
		return nil, fmt.Errorf("column %q: %w; columns are: %s", name, ErrNoColumn, strings.Join(t.Names(), ", "))
	}
	if c.Type != Vector {
		return nil, fmt.Errorf("column %q holds %v values, %w", name, c.Type, ErrNotVectorType)
	}
	return c, nil
}

// Names returns the column names in order.
func (t *Table) Names() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// Validate checks that the table is well formed: unique non-empty column
// names, every data slice (and Valid, when set) Rows long, vectors with a
// positive Dim. Writers call it before writing anything.
func (t *Table) Validate() error {
	seen := make(map[string]bool, len(t.Columns))
	for i, c := range t.Columns {
		if c == nil {
			return fmt.Errorf("column %d is nil", i)
		}
		if c.Name == "" {
			return fmt.Errorf("column %d has no name", i)
		}
		if seen[c.Name] {
			return fmt.Errorf("column %q appears twice", c.Name)
		}
		seen[c.Name] = true
		if c.Type < String || c.Type > Vector {
			return fmt.Errorf("column %q has unknown type %v", c.Name, c.Type)
		}
		if c.Type == Vector {
			if c.Dim <= 0 {
				return fmt.Errorf("vector column %q has dimension %d, want > 0", c.Name, c.Dim)
			}
			if len(c.Vectors) != t.Rows*c.Dim {
				return fmt.Errorf("vector column %q has %d values, want rows×dim = %d×%d", c.Name, len(c.Vectors), t.Rows, c.Dim)
			}
			if c.Valid != nil {
				return fmt.Errorf("vector column %q has a Valid mask; vectors cannot be null", c.Name)
			}
			continue
		}
		if n := c.Len(); n != t.Rows {
			return fmt.Errorf("column %q has %d values, want %d rows", c.Name, n, t.Rows)
		}
		if c.Valid != nil && len(c.Valid) != t.Rows {
			return fmt.Errorf("column %q has a Valid mask of %d rows, want %d", c.Name, len(c.Valid), t.Rows)
		}
	}
	return nil
}

// RowError reports a bad value in one row of one column of an input file.
type RowError struct {
	Path   string // the file
	Column string // the column's name, or "" when the row as a whole is bad
	Row    int    // 0-based data row (the header of a CSV file is not a row)
	Line   int    // 1-based line of a text file where the row starts; 0 when not known
	Err    error
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	b.WriteString(": ")
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q, ", e.Column)
	}
	fmt.Fprintf(&b, "row %d (0-based)", e.Row)
	if e.Line > 0 {
		fmt.Fprintf(&b, ", line %d", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *RowError) Unwrap() error { return e.Err }

// Errors that readers wrap, for callers that want to tell them apart with
// errors.Is.
var (
	ErrNoRows        = errors.New("no data rows")
	ErrRaggedVector  = errors.New("vector length differs from row 0")
	ErrNullVector    = errors.New("vector is null")
	ErrNonFinite     = errors.New("value is NaN or infinite")
	ErrNotParquet    = errors.New("not a Parquet file or truncated")
	ErrNoColumn      = errors.New("column not found")
	ErrNotVectorType = errors.New("not a list of numbers")
)
