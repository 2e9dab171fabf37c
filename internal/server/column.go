package server

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"motif/internal/pipeline"
	"motif/internal/tabular"
)

// PostTimeColumn names the pseudo-column of each row's earliest post time.
const PostTimeColumn = "post time"

// maxCategories is how many of a column's most frequent values get a colour
// of their own; the rest share "other".
const maxCategories = 19

// ColumnInfo describes the values of /api/column.
type ColumnInfo struct {
	Name string `json:"name"`
	// Kind is "category" (values are indices into Categories; the last may
	// be "(other)"), "number", or "time" (values are seconds after Min).
	Kind       string   `json:"kind"`
	Categories []string `json:"categories,omitempty"`
	Min        any      `json:"min"` // number; for time, Unix seconds
	Max        any      `json:"max"`
}

// ColumnMagic starts the binary column payload.
const ColumnMagic = "MTFC"

// handleColumn answers /api/column?name=COL with one value per row, for
// colouring and filtering the map: "MTFC", uint32 n, uint32 length of a
// JSON ColumnInfo, the JSON padded with spaces to a multiple of 4 bytes,
// then n little-endian float32 values (NaN: no value).
func (s *Server) handleColumn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.URL.Query().Get("name")
	res, err := s.resolve(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.setData(ctx, res.Set)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n := res.Set.Rows
	vals := make([]float32, n)
	info := ColumnInfo{Name: name}
	if name == PostTimeColumn {
		first, err := s.p.Catalog.FirstPostTimes(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		times := make([]time.Time, n)
		ok := make([]bool, n)
		for i, k := range d.keys {
			if t, err := time.Parse(time.RFC3339Nano, first[k]); k != "" && err == nil {
				times[i], ok[i] = t, true
			}
		}
		info = timeValues(name, times, ok, vals)
	} else {
		c := d.table.Column(name)
		if c == nil || c.Type == tabular.Vector || c.Name == pipeline.ColImage {
			writeError(w, http.StatusNotFound, "no metadata column %q", name)
			return
		}
		switch c.Type {
		case tabular.Int64, tabular.Float64:
			info = numberValues(c, vals)
		case tabular.Timestamp:
			ok := make([]bool, n)
			for i := range ok {
				ok[i] = !c.IsNull(i)
			}
			info = timeValues(name, c.Times, ok, vals)
		default:
			info = categoryValues(c, vals)
		}
	}
	js, _ := json.Marshal(info)
	for len(js)%4 != 0 {
		js = append(js, ' ')
	}
	buf := make([]byte, 12+len(js)+4*n)
	copy(buf, ColumnMagic)
	binary.LittleEndian.PutUint32(buf[4:], uint32(n))
	binary.LittleEndian.PutUint32(buf[8:], uint32(len(js)))
	copy(buf[12:], js)
	off := 12 + len(js)
	for _, v := range vals {
		binary.LittleEndian.PutUint32(buf[off:], math.Float32bits(v))
		off += 4
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
	w.Write(buf)
}

func numberValues(c *tabular.Column, vals []float32) ColumnInfo {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range vals {
		v := math.NaN()
		if !c.IsNull(i) {
			if c.Type == tabular.Int64 {
				v = float64(c.Ints[i])
			} else {
				v = c.Floats[i]
			}
		}
		if math.IsInf(v, 0) {
			v = math.NaN()
		}
		if !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
		vals[i] = float32(v)
	}
	return ColumnInfo{Name: c.Name, Kind: "number", Min: num(lo), Max: num(hi)}
}

func timeValues(name string, times []time.Time, ok []bool, vals []float32) ColumnInfo {
	var lo, hi int64 = math.MaxInt64, math.MinInt64
	for i, t := range times {
		if ok[i] {
			lo, hi = min(lo, t.Unix()), max(hi, t.Unix())
		}
	}
	for i, t := range times {
		vals[i] = float32(math.NaN())
		if ok[i] {
			vals[i] = float32(t.Unix() - lo)
		}
	}
	info := ColumnInfo{Name: name, Kind: "time"}
	if lo <= hi {
		info.Min, info.Max = lo, hi
	}
	return info
}

// categoryValues codes a column by its most frequent values (as text).
func categoryValues(c *tabular.Column, vals []float32) ColumnInfo {
	text := make([]string, len(vals))
	count := map[string]int{}
	for i := range vals {
		if c.IsNull(i) {
			continue
		}
		v := cell(c, i)
		text[i] = ""
		switch x := v.(type) {
		case string:
			text[i] = x
		default:
			b, _ := json.Marshal(x)
			text[i] = string(b)
		}
		count[text[i]]++
	}
	cats := make([]string, 0, len(count))
	for k := range count {
		cats = append(cats, k)
	}
	slices.SortFunc(cats, func(a, b string) int {
		return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b))
	})
	other := len(cats) > maxCategories
	if other {
		cats = append(cats[:maxCategories], "(other)")
	}
	code := map[string]int{}
	for i, k := range cats {
		code[k] = i
	}
	for i := range vals {
		if c.IsNull(i) {
			vals[i] = float32(math.NaN())
			continue
		}
		j, ok := code[text[i]]
		if !ok {
			j = maxCategories
		}
		vals[i] = float32(j)
	}
	return ColumnInfo{Name: c.Name, Kind: "category", Categories: cats, Min: 0, Max: len(cats) - 1}
}
