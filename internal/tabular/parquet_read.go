package tabular

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// ReadOptions selects what ReadParquet reads. The zero value reads every
// column it can represent.
type ReadOptions struct {
	// Columns lists the columns to read, in the order the Table should have
	// them. Nil (the default) reads every top-level column whose type motif
	// can represent, skipping the others (structs, maps, lists of strings).
	// A listed column that is absent or of an unsupported type is an error.
	Columns []string

	// VectorColumns names columns that must be read as vectors: each must be
	// present and be a list (or fixed-size list) of FLOAT, DOUBLE, FLOAT16,
	// INT32 or INT64. Default none. Whatever this says, every list of FLOAT,
	// DOUBLE or FLOAT16 that is read becomes a Vector column, and all vector
	// columns are checked for nulls, ragged rows and NaN/Inf values.
	VectorColumns []string
}

// ReadParquet reads the Parquet file at path into memory.
//
// Flat columns become String (BYTE_ARRAY/STRING, ENUM, JSON, BLOB, UUID;
// other fixed-length bytes as hex), Int64 (INT32, INT64, signed or
// unsigned, TIME as its unit), Float64 (FLOAT, DOUBLE, FLOAT16, DECIMAL),
// Bool, or Timestamp (TIMESTAMP in any unit, DATE, INT96) columns, with
// nulls marked in Valid. Lists of numbers — list<float>, list<double> and
// list<halffloat> as pandas/pyarrow write them, DuckDB's FLOAT[] and
// FLOAT[n] arrays, Spark's and legacy 2-level lists — become Vector columns
// read page by page in bulk. Dictionary encoding, every compression codec
// parquet-go supports, and any number of row groups are handled.
//
// Errors name the file, and for bad values the column and 0-based row (see
// RowError). A file that cannot be decoded reports ErrNotParquet; a file
// without rows reports ErrNoRows.
func ReadParquet(path string, opts ReadOptions) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return readParquet(f, st.Size(), path, opts)
}

// readParquet reads a Parquet file of size bytes from r; path names it in
// errors.
func readParquet(r io.ReaderAt, size int64, path string, opts ReadOptions) (t *Table, err error) {
	// parquet-go panics on some malformed inputs; a reader of outside files
	// must turn those into errors.
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, fmt.Errorf("%s: %w: decoder failed: %v", path, ErrNotParquet, p)
		}
	}()
	pf, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, ErrNotParquet, err)
	}
	return readParquetFile(pf, path, opts)
}

// columnPlan says how one top-level Parquet field becomes a Column.
type columnPlan struct {
	name   string
	leaf   *parquet.Column
	typ    Type
	conv   convKind
	scale  int32         // DECIMAL
	unit   time.Duration // TIMESTAMP
	reason string        // why the field cannot be read; "" if it can

	// Vector columns: definition levels below dField mean the list is null,
	// below dRep that it is empty, below maxDef that the element is null.
	dField, dRep, maxDef int
	// intList marks a list of integers: a vector only when VectorColumns
	// names it, skipped otherwise.
	intList bool
}

type convKind int

const (
	convString convKind = iota
	convHex
	convUUID
	convInt
	convUint32
	convUint64
	convBool
	convFloat
	convDecimal
	convDate
	convTimestamp
	convInt96
	convFloat16
	convVector
)

func readParquetFile(pf *parquet.File, path string, opts ReadOptions) (*Table, error) {
	var fields []*parquet.Column
	if root := pf.Root(); root != nil {
		fields = root.Columns()
	}
	plans := make(map[string]*columnPlan, len(fields))
	var order []string
	half := float16Leaves(pf.Metadata().Schema)
	for i, c := range fields {
		p := planColumn(c, half)
		if p.name == "" {
			p.name = fmt.Sprintf("column_%d", i+1)
		}
		if _, dup := plans[p.name]; dup {
			return nil, fmt.Errorf("%s: column %q appears twice in the schema", path, p.name)
		}
		plans[p.name] = p
		order = append(order, p.name)
	}
	missing := func(name string) error {
		return fmt.Errorf("%s: column %q: %w; columns are: %s", path, name, ErrNoColumn, strings.Join(order, ", "))
	}
	for _, name := range opts.VectorColumns {
		p := plans[name]
		if p == nil {
			return nil, missing(name)
		}
		if p.intList {
			p.reason = ""
		}
		if p.typ != Vector {
			what := p.reason
			if what == "" {
				what = p.typ.String()
			}
			return nil, fmt.Errorf("%s: column %q is %s (%s), %w; want a list of FLOAT or DOUBLE such as list<float> or FLOAT[]", path, name, what, p.leafType(), ErrNotVectorType)
		}
	}
	var selected []*columnPlan
	if opts.Columns == nil {
		for _, name := range order {
			if p := plans[name]; p.reason == "" {
				selected = append(selected, p)
			}
		}
	} else {
		asked := make(map[string]bool, len(opts.Columns))
		for _, name := range opts.Columns {
			p := plans[name]
			if p == nil {
				return nil, missing(name)
			}
			if asked[name] {
				return nil, fmt.Errorf("%s: column %q asked for twice", path, name)
			}
			asked[name] = true
			if p.reason != "" {
				return nil, fmt.Errorf("%s: column %q cannot be read: %s", path, name, p.reason)
			}
			selected = append(selected, p)
		}
	}

	rows := pf.NumRows()
	if rows <= 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrNoRows)
	}
	if rows > math.MaxInt32 {
		return nil, fmt.Errorf("%s: %d rows are more than this reader supports", path, rows)
	}
	t := &Table{Rows: int(rows)}
	for _, p := range selected {
		var col *Column
		var err error
		if p.typ == Vector {
			col, err = readVectorColumn(p, t.Rows, pf.Size(), path)
		} else {
			col, err = readScalarColumn(p, t.Rows, pf.Size(), path)
		}
		if err != nil {
			return nil, err
		}
		t.Columns = append(t.Columns, col)
	}
	return t, nil
}

func (p *columnPlan) leafType() string {
	if p.leaf == nil {
		return "group"
	}
	return p.leaf.Type().String()
}

// float16Leaves returns the paths (joined by NUL) of the leaves annotated
// FLOAT16, a logical type parquet-go's column types do not carry.
func float16Leaves(schema []format.SchemaElement) map[string]bool {
	out := map[string]bool{}
	if len(schema) == 0 {
		return out
	}
	i := 1
	var walk func(prefix []string)
	walk = func(prefix []string) {
		e := &schema[i]
		i++
		path := append(prefix[:len(prefix):len(prefix)], e.Name)
		if !e.NumChildren.Valid || e.NumChildren.V <= 0 {
			if _, ok := e.LogicalType.Value.(*format.Float16Type); ok {
				out[strings.Join(path, "\x00")] = true
			}
			return
		}
		for k := int32(0); k < e.NumChildren.V && i < len(schema); k++ {
			walk(path)
		}
	}
	for k := int32(0); k < schema[0].NumChildren.V && i < len(schema); k++ {
		walk(nil)
	}
	return out
}

// planColumn classifies a top-level field; half holds the FLOAT16 leaves.
func planColumn(c *parquet.Column, half map[string]bool) *columnPlan {
	p := &columnPlan{name: c.Name()}
	isHalf := func(leaf *parquet.Column) bool { return half[strings.Join(leaf.Path(), "\x00")] }
	if c.Leaf() {
		p.leaf = c
		if c.Repeated() {
			// Legacy 2-level list: "repeated float embedding".
			return planVector(p, c, 0, c.MaxDefinitionLevel(), isHalf(c))
		}
		planScalar(p, c, isHalf(c))
		return p
	}
	// A LIST group (or an unannotated group shaped like one) holding a
	// repeated field, itself the element (2-level) or a group around it.
	children := c.Columns()
	isList := isListType(c.Type())
	if len(children) == 1 && children[0].Repeated() {
		rep := children[0]
		dField := c.MaxDefinitionLevel()
		if rep.Leaf() {
			p.leaf = rep
			return planVector(p, rep, dField, rep.MaxDefinitionLevel(), isHalf(rep))
		}
		if elems := rep.Columns(); len(elems) == 1 && elems[0].Leaf() && !elems[0].Repeated() {
			p.leaf = elems[0]
			return planVector(p, elems[0], dField, rep.MaxDefinitionLevel(), isHalf(elems[0]))
		}
		p.reason = "a list of nested values"
		return p
	}
	if isList {
		p.reason = "a list of nested values"
	} else if lt := c.Type().LogicalType(); lt != nil && lt.Value != nil {
		p.reason = "a " + strings.ToLower(lt.String()) + " group"
	} else {
		p.reason = "a struct"
	}
	return p
}

func isListType(t parquet.Type) bool {
	if lt := t.LogicalType(); lt != nil {
		if _, ok := lt.Value.(*format.ListType); ok {
			return true
		}
	}
	return false
}

func planVector(p *columnPlan, leaf *parquet.Column, dField, dRep int, half bool) *columnPlan {
	p.leaf = leaf
	if leaf.MaxRepetitionLevel() != 1 {
		p.reason = "a list of lists"
		return p
	}
	switch leaf.Type().Kind() {
	case parquet.FixedLenByteArray:
		if !half || leaf.Type().Length() != 2 {
			p.reason = "a list of " + strings.ToLower(leaf.Type().String())
			return p
		}
	case parquet.Float, parquet.Double, parquet.Int32, parquet.Int64:
		if lt := leaf.Type().LogicalType(); lt != nil && lt.Value != nil {
			if _, ok := lt.Value.(*format.IntType); !ok {
				p.reason = "a list of " + strings.ToLower(lt.String())
				return p
			}
		}
	default:
		p.reason = "a list of " + strings.ToLower(leaf.Type().String())
		return p
	}
	p.typ = Vector
	p.conv = convVector
	p.dField, p.dRep, p.maxDef = dField, dRep, leaf.MaxDefinitionLevel()
	// Integer lists are vectors only when asked for; until then they are
	// skipped like any other unsupported nested column.
	if k := leaf.Type().Kind(); k == parquet.Int32 || k == parquet.Int64 {
		p.reason = "a list of integers"
		p.intList = true
	}
	return p
}

func planScalar(p *columnPlan, c *parquet.Column, half bool) {
	typ := c.Type()
	var lt format.LogicalTypeValue
	if l := typ.LogicalType(); l != nil {
		lt = l.Value
	}
	kind := typ.Kind()
	if dec, ok := lt.(*format.DecimalType); ok {
		p.typ, p.conv, p.scale = Float64, convDecimal, dec.Scale
		return
	}
	switch kind {
	case parquet.Boolean:
		p.typ, p.conv = Bool, convBool
	case parquet.Int32:
		p.typ, p.conv = Int64, convInt
		switch l := lt.(type) {
		case *format.DateType:
			p.typ, p.conv = Timestamp, convDate
		case *format.IntType:
			if !l.IsSigned {
				p.conv = convUint32
			}
		case *format.NullType:
			p.typ, p.conv = String, convString
		}
	case parquet.Int64:
		p.typ, p.conv = Int64, convInt
		switch l := lt.(type) {
		case *format.TimestampType:
			p.typ, p.conv = Timestamp, convTimestamp
			p.unit = l.Unit.Value.Duration()
		case *format.IntType:
			if !l.IsSigned {
				p.conv = convUint64
			}
		}
	case parquet.Int96:
		p.typ, p.conv = Timestamp, convInt96
	case parquet.Float, parquet.Double:
		p.typ, p.conv = Float64, convFloat
	case parquet.ByteArray:
		p.typ, p.conv = String, convString
	case parquet.FixedLenByteArray:
		p.typ, p.conv = String, convHex
		if _, ok := lt.(*format.UUIDType); ok {
			p.conv = convUUID
		}
		if half && typ.Length() == 2 {
			p.typ, p.conv = Float64, convFloat16
		}
	default:
		p.reason = "of unsupported type " + typ.String()
	}
}

// capHint bounds the capacity reserved for n values by what a file of size
// bytes can plausibly hold, so that a footer claiming billions of rows
// cannot make the reader reserve memory it will never fill; appends grow
// past the hint when a file really is that compressible.
func capHint(n int, size int64) int {
	limit := max(1024, 8*size)
	if int64(n) > limit {
		return int(limit)
	}
	return n
}

// readScalarColumn reads a flat column through parquet-go's value readers;
// metadata columns hold one value per row, so this costs little.
func readScalarColumn(p *columnPlan, rows int, size int64, path string) (*Column, error) {
	col := &Column{Name: p.name, Type: p.typ}
	n := capHint(rows, size)
	switch p.typ {
	case String:
		col.Strings = make([]string, 0, n)
	case Int64:
		col.Ints = make([]int64, 0, n)
	case Float64:
		col.Floats = make([]float64, 0, n)
	case Bool:
		col.Bools = make([]bool, 0, n)
	case Timestamp:
		col.Times = make([]time.Time, 0, n)
	}
	pages := p.leaf.Pages()
	defer pages.Close()
	buf := make([]parquet.Value, 1024)
	row := 0
	for {
		page, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: column %q: %w: %w", path, p.name, ErrNotParquet, err)
		}
		vr := page.Values()
		for {
			n, err := vr.ReadValues(buf)
			for _, v := range buf[:n] {
				if row >= rows {
					parquet.Release(page)
					return nil, fmt.Errorf("%s: column %q: %w: more values than the file's %d rows", path, p.name, ErrNotParquet, rows)
				}
				if err := appendScalar(col, p, v, row); err != nil {
					parquet.Release(page)
					return nil, &RowError{Path: path, Column: p.name, Row: row, Err: err}
				}
				row++
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				parquet.Release(page)
				return nil, fmt.Errorf("%s: column %q: %w: %w", path, p.name, ErrNotParquet, err)
			}
		}
		parquet.Release(page)
	}
	if row != rows {
		return nil, fmt.Errorf("%s: column %q: %w: %d values for %d rows", path, p.name, ErrNotParquet, row, rows)
	}
	return col, nil
}

// appendScalar converts one value and appends it to col, marking nulls.
func appendScalar(col *Column, p *columnPlan, v parquet.Value, row int) error {
	if v.IsNull() {
		if col.Valid == nil {
			col.Valid = make([]bool, row, cap(col.Strings)+cap(col.Ints)+cap(col.Floats)+cap(col.Bools)+cap(col.Times))
			for i := range col.Valid {
				col.Valid[i] = true
			}
		}
		col.Valid = append(col.Valid, false)
		switch col.Type {
		case String:
			col.Strings = append(col.Strings, "")
		case Int64:
			col.Ints = append(col.Ints, 0)
		case Float64:
			col.Floats = append(col.Floats, 0)
		case Bool:
			col.Bools = append(col.Bools, false)
		case Timestamp:
			col.Times = append(col.Times, time.Time{})
		}
		return nil
	}
	if col.Valid != nil {
		col.Valid = append(col.Valid, true)
	}
	switch p.conv {
	case convString:
		if v.Kind() != parquet.ByteArray {
			// A NULL-typed column holds no values; anything else is corrupt.
			return fmt.Errorf("unexpected %v value in a string column", v.Kind())
		}
		col.Strings = append(col.Strings, string(v.ByteArray()))
	case convHex:
		col.Strings = append(col.Strings, hex.EncodeToString(v.ByteArray()))
	case convUUID:
		b := v.ByteArray()
		if len(b) != 16 {
			return fmt.Errorf("UUID of %d bytes, want 16", len(b))
		}
		h := hex.EncodeToString(b)
		col.Strings = append(col.Strings, h[0:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:32])
	case convInt:
		if v.Kind() == parquet.Int32 {
			col.Ints = append(col.Ints, int64(v.Int32()))
		} else {
			col.Ints = append(col.Ints, v.Int64())
		}
	case convUint32:
		col.Ints = append(col.Ints, int64(uint32(v.Int32())))
	case convUint64:
		u := uint64(v.Int64())
		if u > math.MaxInt64 {
			return fmt.Errorf("unsigned value %d does not fit in int64", u)
		}
		col.Ints = append(col.Ints, int64(u))
	case convBool:
		col.Bools = append(col.Bools, v.Boolean())
	case convFloat:
		if v.Kind() == parquet.Float {
			col.Floats = append(col.Floats, float64(v.Float()))
		} else {
			col.Floats = append(col.Floats, v.Double())
		}
	case convDecimal:
		col.Floats = append(col.Floats, decimalValue(v, p.scale))
	case convFloat16:
		b := v.ByteArray()
		if len(b) != 2 {
			return fmt.Errorf("FLOAT16 of %d bytes, want 2", len(b))
		}
		col.Floats = append(col.Floats, float64(halfToFloat32(binary.LittleEndian.Uint16(b))))
	case convDate:
		col.Times = append(col.Times, time.Unix(int64(v.Int32())*86400, 0).UTC())
	case convTimestamp:
		col.Times = append(col.Times, unitTime(v.Int64(), p.unit))
	case convInt96:
		x := v.Int96()
		nanos := int64(uint64(x[1])<<32 | uint64(x[0]))
		days := int64(x[2]) - 2440588 // Julian day of 1970-01-01
		col.Times = append(col.Times, time.Unix(days*86400, nanos).UTC())
	default:
		return fmt.Errorf("internal error: conversion %d for a flat column", p.conv)
	}
	return nil
}

func unitTime(n int64, unit time.Duration) time.Time {
	switch unit {
	case time.Millisecond:
		return time.UnixMilli(n).UTC()
	case time.Microsecond:
		return time.UnixMicro(n).UTC()
	}
	return time.Unix(0, n).UTC()
}

// decimalValue converts an unscaled DECIMAL value to float64.
func decimalValue(v parquet.Value, scale int32) float64 {
	var unscaled float64
	switch v.Kind() {
	case parquet.Int32:
		unscaled = float64(v.Int32())
	case parquet.Int64:
		unscaled = float64(v.Int64())
	default:
		// Big-endian two's complement.
		b := v.ByteArray()
		n := new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
		unscaled, _ = new(big.Float).SetInt(n).Float64()
	}
	return unscaled / math.Pow10(int(scale))
}

// readVectorColumn reads a list column page by page, straight from the
// decoded page buffers into one flat []float32, checking row lengths and
// nulls from the repetition and definition levels.
func readVectorColumn(p *columnPlan, rows int, size int64, path string) (*Column, error) {
	col := &Column{Name: p.name, Type: Vector}
	pages := p.leaf.Pages()
	defer pages.Close()
	var (
		vecs    []float32
		dim     = -1 // unknown until row 0 ends
		row     = -1 // current row
		rowLen  = 0
		scratch floatScratch
	)
	rowErr := func(r int, err error) error {
		return &RowError{Path: path, Column: p.name, Row: r, Err: err}
	}
	endRow := func() error {
		if row < 0 {
			return nil
		}
		if dim < 0 {
			if rowLen == 0 {
				return rowErr(row, errors.New("vector is empty"))
			}
			dim = rowLen
			vecs = slices.Grow(vecs, capHint((rows-1)*dim, size))
			return nil
		}
		if rowLen != dim {
			return rowErr(row, fmt.Errorf("%w: %d values, row 0 had %d", ErrRaggedVector, rowLen, dim))
		}
		return nil
	}
	corrupt := func(what string) error {
		return fmt.Errorf("%s: column %q: %w: %s", path, p.name, ErrNotParquet, what)
	}
	for {
		page, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, corrupt(err.Error())
		}
		vals, err := pageFloats(page, &scratch)
		if err != nil {
			parquet.Release(page)
			return nil, corrupt(err.Error())
		}
		reps, defs := page.RepetitionLevels(), page.DefinitionLevels()
		if len(reps) != len(defs) && p.maxDef > 0 {
			parquet.Release(page)
			return nil, corrupt("repetition and definition levels differ in length")
		}
		k := 0
		for i, rl := range reps {
			if rl == 0 {
				if err := endRow(); err != nil {
					parquet.Release(page)
					return nil, err
				}
				row++
				rowLen = 0
				if row >= rows {
					parquet.Release(page)
					return nil, corrupt(fmt.Sprintf("more lists than the file's %d rows", rows))
				}
			} else if row < 0 {
				parquet.Release(page)
				return nil, corrupt("first value continues a list")
			}
			d := p.maxDef
			if defs != nil {
				d = int(defs[i])
			}
			switch {
			case d < p.dField:
				parquet.Release(page)
				return nil, rowErr(row, ErrNullVector)
			case d < p.dRep:
				// Empty list: the row ends with rowLen 0.
			case d < p.maxDef:
				parquet.Release(page)
				return nil, rowErr(row, fmt.Errorf("element %d (0-based): %w", rowLen, errNullElement))
			default:
				if k >= len(vals) {
					parquet.Release(page)
					return nil, corrupt("fewer values than levels")
				}
				if dim < 0 || rowLen < dim {
					vecs = append(vecs, vals[k])
				}
				k++
				rowLen++
			}
		}
		parquet.Release(page)
	}
	if err := endRow(); err != nil {
		return nil, err
	}
	if row+1 != rows {
		return nil, corrupt(fmt.Sprintf("%d lists for %d rows", row+1, rows))
	}
	for i, v := range vecs {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, rowErr(i/dim, fmt.Errorf("element %d (0-based): %w", i%dim, ErrNonFinite))
		}
	}
	col.Vectors = vecs
	col.Dim = dim
	return col, nil
}

// pageFloats returns the page's non-null values as float32, resolving
// dictionary indexes. Float pages without a dictionary are returned without
// copying.
func pageFloats(page parquet.Page, scratch *floatScratch) ([]float32, error) {
	data := page.Data()
	dict := page.Dictionary()
	if dict == nil {
		return toFloat32(data, &scratch.conv)
	}
	if data.Kind() != encoding.Int32 {
		return nil, fmt.Errorf("dictionary page indexes of kind %v", data.Kind())
	}
	idx := data.Int32()
	dictVals, err := toFloat32(dict.Page().Data(), &scratch.conv)
	if err != nil {
		return nil, err
	}
	res := resize(&scratch.gather, len(idx))
	for i, j := range idx {
		if j < 0 || int(j) >= len(dictVals) {
			return nil, fmt.Errorf("dictionary index %d out of range [0, %d)", j, len(dictVals))
		}
		res[i] = dictVals[j]
	}
	return res, nil
}

// floatScratch holds the buffers pageFloats reuses from page to page.
type floatScratch struct{ conv, gather []float32 }

// toFloat32 returns numeric values as float32, converting into *buf unless
// they already are float32.
func toFloat32(data encoding.Values, buf *[]float32) ([]float32, error) {
	switch data.Kind() {
	case encoding.Float:
		return data.Float(), nil
	case encoding.Double:
		d := data.Double()
		out := resize(buf, len(d))
		for i, v := range d {
			out[i] = float32(v)
		}
		return out, nil
	case encoding.Int32:
		d := data.Int32()
		out := resize(buf, len(d))
		for i, v := range d {
			out[i] = float32(v)
		}
		return out, nil
	case encoding.Int64:
		d := data.Int64()
		out := resize(buf, len(d))
		for i, v := range d {
			out[i] = float32(v)
		}
		return out, nil
	case encoding.FixedLenByteArray:
		// Planned only for FLOAT16 elements.
		d, size := data.FixedLenByteArray()
		if size != 2 {
			return nil, fmt.Errorf("fixed-length values of %d bytes in a numeric list", size)
		}
		out := resize(buf, len(d)/2)
		for i := range out {
			out[i] = halfToFloat32(binary.LittleEndian.Uint16(d[2*i:]))
		}
		return out, nil
	}
	return nil, fmt.Errorf("page of kind %v in a numeric list", data.Kind())
}

// halfToFloat32 converts an IEEE 754 binary16 value, exactly.
func halfToFloat32(h uint16) float32 {
	sign := float32(1)
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	mant := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * float32(math.Ldexp(mant, -24))
	case 0x1f:
		if mant != 0 {
			return float32(math.NaN())
		}
		return sign * float32(math.Inf(1))
	}
	return sign * float32(math.Ldexp(1+mant/1024, exp-15))
}

func resize(s *[]float32, n int) []float32 {
	if cap(*s) < n {
		*s = make([]float32, n)
	}
	*s = (*s)[:n]
	return *s
}
