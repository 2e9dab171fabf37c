package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

type jsonSource struct {
	closer io.Closer
	in     *bufio.Reader
	dec    *json.Decoder // for a JSON array of objects; nil for JSON Lines
	cols   []string
	index  map[string]int
	row    int
}

// openJSONL opens a JSON Lines file (one object per line) or a file holding
// one JSON array of objects.
func openJSONL(path string) (*jsonSource, error) {
	in, closer, err := openInput(path)
	if err != nil {
		return nil, err
	}
	s := &jsonSource{closer: closer, in: in, index: map[string]int{}}
	for {
		b, err := in.Peek(1)
		if err != nil {
			break
		}
		if b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' {
			in.Discard(1)
			continue
		}
		if b[0] == '[' {
			s.dec = json.NewDecoder(in)
			s.dec.UseNumber()
			if _, err := s.dec.Token(); err != nil {
				closer.Close()
				return nil, err
			}
		}
		break
	}
	return s, nil
}

func (s *jsonSource) columns() []string { return s.cols }
func (s *jsonSource) close() error      { return s.closer.Close() }

func (s *jsonSource) next() (int, []cell, error) {
	var obj any
	if s.dec != nil {
		if !s.dec.More() {
			return 0, nil, io.EOF
		}
		s.row++
		if err := s.dec.Decode(&obj); err != nil {
			// A syntax error inside an array cannot be skipped past.
			return s.row, nil, fmt.Errorf("JSON array element %d: %w", s.row, err)
		}
	} else {
		var line []byte
		for {
			l, err := s.in.ReadBytes('\n')
			if len(l) == 0 && err != nil {
				if err == io.EOF {
					return 0, nil, io.EOF
				}
				return 0, nil, err
			}
			s.row++
			if len(bytes.TrimSpace(l)) > 0 {
				line = l
				break
			}
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			return s.row, nil, &rowError{s.row, fmt.Sprintf("invalid JSON: %v", err)}
		}
		if dec.More() {
			return s.row, nil, &rowError{s.row, "more than one JSON value on the line"}
		}
	}
	m, ok := obj.(map[string]any)
	if !ok {
		return s.row, nil, &rowError{s.row, "not a JSON object"}
	}
	var cells []cell
	flatten("", m, func(name string, c cell) {
		i, ok := s.index[name]
		if !ok {
			i = len(s.cols)
			s.index[name] = i
			s.cols = append(s.cols, name)
		}
		for len(cells) <= i {
			cells = append(cells, cell{})
		}
		cells[i] = c
	})
	for len(cells) < len(s.cols) {
		cells = append(cells, cell{})
	}
	return s.row, cells, nil
}

// flatten reports the fields of a JSON object, nested objects as dotted
// names, in sorted key order (so columns appear in a stable order). Arrays
// of scalars become list cells; other arrays stay JSON text.
func flatten(prefix string, m map[string]any, put func(string, cell)) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := prefix + k
		switch v := m[k].(type) {
		case map[string]any:
			if len(v) == 0 {
				continue
			}
			flatten(name+".", v, put)
		default:
			put(name, jsonCell(v))
		}
	}
}

func jsonCell(v any) cell {
	switch v := v.(type) {
	case nil:
		return cell{}
	case string:
		if v == "" {
			return cell{}
		}
		return cell{s: v, kind: textCell}
	case json.Number:
		return cell{s: v.String(), kind: textCell}
	case bool:
		return cell{s: fmt.Sprint(v), kind: textCell}
	case []any:
		strs := make([]string, 0, len(v))
		for _, e := range v {
			switch e := e.(type) {
			case string:
				strs = append(strs, e)
			case json.Number:
				strs = append(strs, e.String())
			default:
				b, _ := json.Marshal(v)
				return cell{s: string(b), kind: textCell}
			}
		}
		if len(strs) == 0 {
			return cell{}
		}
		return cell{s: strings.Join(strs, " "), list: strs, kind: listCell}
	default:
		b, _ := json.Marshal(v)
		return cell{s: string(b), kind: textCell}
	}
}
