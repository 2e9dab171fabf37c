package tabular

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Type inference for text formats (CSV, and string values of JSON Lines).
//
// A column's type is the first of Bool, Int64, Float64, Timestamp that every
// non-null value parses as; otherwise String. A column whose first non-null
// value is a bracketed list of numbers is a Vector column, and then every row
// must hold such a list of the same length.

var errNullElement = errors.New("null element in a vector")

// isBoolText reports whether s is true or false in any letter case.
func isBoolText(s string) (v, ok bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parseIntText parses a decimal integer. Integers with leading zeros
// ("007", a zip code or an identifier) are not numbers here, so they stay
// text and keep their zeros.
func parseIntText(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	digits := s
	if digits[0] == '-' || digits[0] == '+' {
		digits = digits[1:]
	}
	if digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// isDigits reports whether s is an optionally signed run of digits, an
// integer whatever its size.
func isDigits(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseFloatText parses a decimal floating-point number, or NaN/Inf as
// Python and pandas write them. Integers that parseIntText rejects (too long
// or with leading zeros) are not floats either: they are identifiers.
func parseFloatText(s string, bits int) (float64, bool) {
	if s == "" || isDigits(s) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			switch strings.ToLower(strings.TrimLeft(s, "+-")) {
			case "nan", "inf", "infinity":
				v, err := strconv.ParseFloat(s, bits)
				return v, err == nil
			}
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, bits)
	if err != nil {
		return 0, false
	}
	return v, true
}

// timeLayouts are the timestamp forms text readers recognise: ISO 8601 /
// RFC 3339 with T or space, with or without a zone (no zone means UTC; the
// zone may lack its colon, as Facebook's Graph API writes "+0000"), a bare
// date, and the form of Twitter's v1 API ("Wed Oct 10 20:19:24 +0000 2018").
var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RubyDate,
}

// parseTimeText parses s with the first layout that fits, in UTC.
func parseTimeText(s string) (time.Time, bool) {
	if len(s) < 10 || len(s) > 40 {
		return time.Time{}, false
	}
	c := s[0]
	iso := c >= '0' && c <= '9'
	for _, layout := range timeLayouts {
		if iso != (layout != time.RubyDate) {
			continue
		}
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseVectorText parses a bracketed list of numbers, "[0.1, -2e-3, 4]",
// as JSON and Python print them, into dst. It reports whether s has that
// shape at all; err describes a bad element of a list that does.
func parseVectorText(dst []float32, s string) (out []float32, isList bool, err error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return dst, false, nil
	}
	body := strings.TrimSpace(s[1 : len(s)-1])
	if body == "" {
		return dst, true, errors.New("vector is empty")
	}
	for k := 0; body != ""; k++ {
		var item string
		if i := strings.IndexByte(body, ','); i >= 0 {
			item, body = body[:i], body[i+1:]
			if strings.TrimSpace(body) == "" {
				return dst, true, fmt.Errorf("element %d (0-based) is missing after a comma", k+1)
			}
		} else {
			item, body = body, ""
		}
		item = strings.TrimSpace(item)
		if item == "null" || item == "None" {
			return dst, true, fmt.Errorf("element %d (0-based): %w", k, errNullElement)
		}
		v, err := strconv.ParseFloat(item, 32)
		if err != nil {
			var ne *strconv.NumError
			if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
				return dst, true, fmt.Errorf("element %d (0-based) %q overflows float32: %w", k, item, ErrNonFinite)
			}
			return dst, true, fmt.Errorf("element %d (0-based) %q is not a number", k, truncate(item, 40))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return dst, true, fmt.Errorf("element %d (0-based): %w", k, ErrNonFinite)
		}
		dst = append(dst, float32(v))
	}
	return dst, true, nil
}

// textColumn builds a typed Column from text cells; null marks missing
// values (empty CSV cells, JSON nulls or absent keys). rowLine maps a data
// row to its 1-based line for error messages.
func textColumn(path, name string, cells []string, null []bool, rowLine func(int) int) (*Column, error) {
	rows := len(cells)
	first := -1
	for i := range cells {
		if !null[i] {
			first = i
			break
		}
	}
	col := &Column{Name: name}
	var valid []bool
	anyNull := false
	for _, n := range null {
		anyNull = anyNull || n
	}
	if anyNull {
		valid = make([]bool, rows)
		for i, n := range null {
			valid[i] = !n
		}
	}
	if first < 0 {
		col.Type, col.Strings, col.Valid = String, make([]string, rows), valid
		return col, nil
	}
	// A bracketed first value makes a vector column when it is a list of
	// numbers, even a bad one (NaN, a null element), so that the problem is
	// reported; "[citation needed]" keeps the column text.
	if _, isList, err := parseVectorText(nil, cells[first]); isList &&
		(err == nil || errors.Is(err, ErrNonFinite) || errors.Is(err, errNullElement)) {
		return vectorTextColumn(path, name, cells, null, rowLine)
	}

	isBool, isInt, isFloat, isTime := true, true, true, true
	for i, s := range cells {
		if null[i] {
			continue
		}
		if isBool {
			_, isBool = isBoolText(s)
		}
		if isInt {
			_, isInt = parseIntText(s)
		}
		if isFloat && !isInt {
			if _, ok := parseIntText(s); !ok {
				_, isFloat = parseFloatText(s, 64)
			}
		}
		if isTime {
			_, isTime = parseTimeText(s)
		}
		if !isBool && !isInt && !isFloat && !isTime {
			break
		}
	}
	col.Valid = valid
	switch {
	case isBool:
		col.Type, col.Bools = Bool, make([]bool, rows)
		for i, s := range cells {
			if !null[i] {
				col.Bools[i], _ = isBoolText(s)
			}
		}
	case isInt:
		col.Type, col.Ints = Int64, make([]int64, rows)
		for i, s := range cells {
			if !null[i] {
				col.Ints[i], _ = parseIntText(s)
			}
		}
	case isFloat:
		col.Type, col.Floats = Float64, make([]float64, rows)
		for i, s := range cells {
			if null[i] {
				continue
			}
			if v, ok := parseIntText(s); ok {
				col.Floats[i] = float64(v)
			} else {
				col.Floats[i], _ = parseFloatText(s, 64)
			}
		}
	case isTime:
		col.Type, col.Times = Timestamp, make([]time.Time, rows)
		for i, s := range cells {
			if !null[i] {
				col.Times[i], _ = parseTimeText(s)
			}
		}
	default:
		col.Type, col.Strings = String, make([]string, rows)
		for i, s := range cells {
			if !null[i] {
				col.Strings[i] = s
			}
		}
	}
	return col, nil
}

// vectorTextColumn parses every cell as a list of numbers of one length.
func vectorTextColumn(path, name string, cells []string, null []bool, rowLine func(int) int) (*Column, error) {
	col := &Column{Name: name, Type: Vector}
	rowErr := func(r int, err error) error {
		return &RowError{Path: path, Column: name, Row: r, Line: rowLine(r), Err: err}
	}
	var vecs []float32
	for r, s := range cells {
		if null[r] {
			return nil, rowErr(r, ErrNullVector)
		}
		before := len(vecs)
		var isList bool
		var err error
		vecs, isList, err = parseVectorText(vecs, s)
		if !isList {
			return nil, rowErr(r, fmt.Errorf("%q is %w in brackets", truncate(s, 40), ErrNotVectorType))
		}
		if err != nil {
			return nil, rowErr(r, err)
		}
		n := len(vecs) - before
		if r == 0 {
			col.Dim = n
			vecs = growFloats(vecs, (len(cells)-1)*n)
		} else if n != col.Dim {
			return nil, rowErr(r, fmt.Errorf("%w: %d values, row 0 had %d", ErrRaggedVector, n, col.Dim))
		}
	}
	col.Vectors = vecs
	return col, nil
}

func growFloats(s []float32, n int) []float32 {
	if cap(s)-len(s) < n {
		t := make([]float32, len(s), len(s)+n)
		copy(t, s)
		return t
	}
	return s
}

// formatFloat64 writes v so that reading it back gives the same value and
// type: shortest round-trip form, with ".0" added to integral values so
// they are not read back as integers.
func formatFloat64(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if strings.ContainsAny(s, ".eEnN") {
		return s
	}
	return s + ".0"
}

// appendVectorText appends a vector as a JSON array of shortest round-trip
// float32 numbers.
func appendVectorText(b []byte, v []float32) []byte {
	b = append(b, '[')
	for j, x := range v {
		if j > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, float64(x), 'g', -1, 32)
	}
	return append(b, ']')
}
