package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

type parquetSource struct {
	f     *os.File
	r     *parquet.Reader
	cols  []string
	index map[string]int
	times map[string]func(int64) time.Time // top-level timestamp and date columns
	rows  int
	row   int
}

func openParquet(path string) (*parquetSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &parquetSource{f: f, index: map[string]int{}, times: map[string]func(int64) time.Time{},
		rows: int(pf.NumRows())}
	for _, field := range pf.Schema().Fields() {
		if !field.Leaf() {
			continue
		}
		lt := field.Type().LogicalType()
		if lt == nil {
			continue
		}
		switch v := lt.Value.(type) {
		case *format.TimestampType:
			step := int64(time.Nanosecond)
			if v.Unit.Value != nil {
				step = int64(v.Unit.Value.Duration())
			}
			s.times[field.Name()] = func(x int64) time.Time { return time.Unix(0, x*step) }
		case *format.DateType:
			s.times[field.Name()] = func(x int64) time.Time { return time.Unix(x*86400, 0) }
		}
	}
	// Columns in schema order; nested groups appear flattened as rows come.
	for _, field := range pf.Schema().Fields() {
		s.add(field.Name())
	}
	s.r = parquet.NewReader(pf)
	return s, nil
}

func (s *parquetSource) add(name string) int {
	i, ok := s.index[name]
	if !ok {
		i = len(s.cols)
		s.index[name] = i
		s.cols = append(s.cols, name)
	}
	return i
}

func (s *parquetSource) columns() []string { return s.cols }

func (s *parquetSource) close() error {
	s.r.Close()
	return s.f.Close()
}

func (s *parquetSource) next() (int, []cell, error) {
	m := map[string]any{}
	if err := s.r.Read(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		return 0, nil, fmt.Errorf("parquet row %d: %w", s.row+1, err)
	}
	s.row++
	cells := make([]cell, len(s.cols))
	put := func(name string, c cell) {
		i := s.add(name)
		for len(cells) <= i {
			cells = append(cells, cell{})
		}
		cells[i] = c
	}
	for k, v := range m {
		if conv, ok := s.times[k]; ok {
			switch x := v.(type) {
			case int64:
				put(k, cell{t: conv(x).UTC(), kind: timeCell})
				continue
			case int32:
				put(k, cell{t: conv(int64(x)).UTC(), kind: timeCell})
				continue
			}
		}
		switch x := v.(type) {
		case map[string]any:
			flatten(k+".", x, func(name string, c cell) { put(name, c) })
		default:
			put(k, parquetCell(v))
		}
	}
	return s.row, cells, nil
}

func parquetCell(v any) cell {
	switch x := v.(type) {
	case nil:
		return cell{}
	case []byte:
		return jsonCell(string(x))
	case int64:
		return cell{s: strconv.FormatInt(x, 10), kind: textCell}
	case int32:
		return cell{s: strconv.FormatInt(int64(x), 10), kind: textCell}
	case float64:
		return cell{s: strconv.FormatFloat(x, 'g', -1, 64), kind: textCell}
	case float32:
		return cell{s: strconv.FormatFloat(float64(x), 'g', -1, 32), kind: textCell}
	case time.Time:
		return cell{t: x.UTC(), kind: timeCell}
	case []any:
		strs := make([]string, 0, len(x))
		for _, e := range x {
			if e == nil {
				continue
			}
			switch e := e.(type) {
			case string:
				strs = append(strs, e)
			case []byte:
				strs = append(strs, string(e))
			default:
				return jsonCell(x)
			}
		}
		if len(strs) == 0 {
			return cell{}
		}
		return cell{list: strs, s: fmt.Sprint(strs), kind: listCell}
	default:
		return jsonCell(x)
	}
}
