package tabular

import (
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
)

// rowGroupBytes is the approximate size of one row group WriteParquet
// writes; readers such as DuckDB parallelise over row groups. Tests lower it.
var rowGroupBytes = 64 << 20

// WriteParquet writes t as a Snappy-compressed Parquet file that pandas,
// polars and DuckDB read without help. Column order is kept. String, Int64,
// Float64, Bool and Timestamp columns become STRING, INT64, DOUBLE, BOOLEAN
// and TIMESTAMP(MICROS, UTC) columns, optional when the column has a Valid
// mask; a Vector column becomes a required list<float> (DuckDB: FLOAT[])
// named as the column. Timestamps are truncated to microseconds. The file
// is written to a temporary file in the same directory and renamed into
// place.
func WriteParquet(path string, t *Table) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteFileAtomic(path, func(w io.Writer) error {
		return writeParquet(w, t)
	})
}

// writeParquet writes t to w; extra options (tests) follow the defaults.
func writeParquet(w io.Writer, t *Table, extra ...parquet.WriterOption) error {
	fields := make([]parquet.Field, len(t.Columns))
	rowBytes := 1
	for i, c := range t.Columns {
		var node parquet.Node
		switch c.Type {
		case String:
			node = parquet.String()
			rowBytes += 16
		case Int64:
			node = parquet.Int(64)
			rowBytes += 8
		case Float64:
			node = parquet.Leaf(parquet.DoubleType)
			rowBytes += 8
		case Bool:
			node = parquet.Leaf(parquet.BooleanType)
			rowBytes++
		case Timestamp:
			node = parquet.Timestamp(parquet.Microsecond)
			rowBytes += 8
		case Vector:
			node = parquet.List(parquet.Leaf(parquet.FloatType))
			rowBytes += 4 * c.Dim
		}
		if c.Type != Vector {
			if c.Valid != nil {
				node = parquet.Optional(node)
			} else {
				node = parquet.Required(node)
			}
		}
		fields[i] = &namedField{Node: node, name: c.Name}
	}
	schema := parquet.NewSchema("schema", orderedGroup(fields))
	perGroup := max(1, rowGroupBytes/rowBytes)
	opts := append([]parquet.WriterOption{
		schema,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(int64(perGroup)),
		parquet.CreatedBy("motif", "", ""),
	}, extra...)
	pw := parquet.NewWriter(w, opts...)

	// Row groups are filled in parallel, column by column, and committed
	// to the file in order.
	workers := max(1, min(runtime.GOMAXPROCS(0), (t.Rows+perGroup-1)/perGroup))
	for start := 0; start < t.Rows; start += workers * perGroup {
		var groups []*parquet.ConcurrentRowGroupWriter
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for g := range workers {
			lo := start + g*perGroup
			if lo >= t.Rows {
				break
			}
			hi := min(lo+perGroup, t.Rows)
			rg := pw.BeginRowGroup()
			groups = append(groups, rg)
			wg.Go(func() { errs[g] = fillRowGroup(rg, t, lo, hi) })
		}
		wg.Wait()
		for g, rg := range groups {
			if errs[g] != nil {
				return errs[g]
			}
			if _, err := rg.Commit(); err != nil {
				return err
			}
		}
	}
	return pw.Close()
}

// fillRowGroup writes rows [lo, hi) of t into rg, one column at a time, in
// batches of whole rows.
func fillRowGroup(rg *parquet.ConcurrentRowGroupWriter, t *Table, lo, hi int) error {
	// parquet-go flushes pages only between writes, so batches stay small.
	const batch = 64
	cols := rg.ColumnWriters()
	var vals []parquet.Value
	for ci, c := range t.Columns {
		for r0 := lo; r0 < hi; r0 += batch {
			vals = vals[:0]
			for r := r0; r < min(r0+batch, hi); r++ {
				vals = appendRowValues(vals, c, r, ci)
			}
			if _, err := cols[ci].WriteRowValues(vals); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendRowValues appends the values of row r of column c (column index ci)
// with their repetition and definition levels.
func appendRowValues(vals []parquet.Value, c *Column, r, ci int) []parquet.Value {
	if c.Type == Vector {
		row := c.Vectors[r*c.Dim : (r+1)*c.Dim]
		for j, x := range row {
			rep := 1
			if j == 0 {
				rep = 0
			}
			vals = append(vals, parquet.FloatValue(x).Level(rep, 1, ci))
		}
		return vals
	}
	def := 0
	if c.Valid != nil {
		if !c.Valid[r] {
			return append(vals, parquet.NullValue().Level(0, 0, ci))
		}
		def = 1
	}
	var v parquet.Value
	switch c.Type {
	case String:
		v = parquet.ByteArrayValue([]byte(c.Strings[r]))
	case Int64:
		v = parquet.Int64Value(c.Ints[r])
	case Float64:
		v = parquet.DoubleValue(c.Floats[r])
	case Bool:
		v = parquet.BooleanValue(c.Bools[r])
	case Timestamp:
		v = parquet.Int64Value(c.Times[r].UnixMicro())
	}
	return append(vals, v.Level(0, def, ci))
}

// orderedGroup is a Parquet group whose fields keep the order given
// (parquet.Group, a map, sorts them by name).
type orderedGroup []parquet.Field

func (g orderedGroup) ID() int                     { return 0 }
func (g orderedGroup) String() string              { return "group" }
func (g orderedGroup) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Fields() []parquet.Field     { return g }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }
func (g orderedGroup) GoType() reflect.Type        { return reflect.TypeFor[map[string]any]() }

// namedField gives a node its name in an orderedGroup.
type namedField struct {
	parquet.Node
	name string
}

func (f *namedField) Name() string                           { return f.name }
func (f *namedField) Value(base reflect.Value) reflect.Value { return reflect.Value{} }
