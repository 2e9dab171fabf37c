package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// openInput opens path for streaming, undoing gzip compression (by magic
// bytes) and a UTF-16 encoding (by byte-order mark); a UTF-8 byte-order
// mark is dropped.
func openInput(path string) (*bufio.Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	var r io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		r = zr
	}
	out := bufio.NewReaderSize(r, 1<<20)
	bom, _ := out.Peek(3)
	switch {
	case bytes.HasPrefix(bom, []byte("\xEF\xBB\xBF")):
		out.Discard(3)
	case bytes.HasPrefix(bom, []byte{0xFF, 0xFE}), bytes.HasPrefix(bom, []byte{0xFE, 0xFF}):
		out.Discard(2)
		out = bufio.NewReaderSize(&utf16Reader{r: out, big: bom[0] == 0xFE}, 1<<20)
	}
	return out, f, nil
}

// utf16Reader transcodes UTF-16 (as Excel's "Unicode text" exports) to UTF-8.
type utf16Reader struct {
	r    *bufio.Reader
	big  bool
	out  []byte
	high uint16 // a pending high surrogate
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		var b [2]byte
		if _, err := io.ReadFull(u.r, b[:]); err != nil {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			return 0, err
		}
		c := uint16(b[0]) | uint16(b[1])<<8
		if u.big {
			c = uint16(b[1]) | uint16(b[0])<<8
		}
		switch {
		case utf16.IsSurrogate(rune(c)) && c < 0xDC00:
			u.high = c
			continue
		case utf16.IsSurrogate(rune(c)):
			u.out = utf8.AppendRune(u.out, utf16.DecodeRune(rune(u.high), rune(c)))
			u.high = 0
		default:
			u.out = utf8.AppendRune(u.out, rune(c))
		}
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

type csvSource struct {
	closer io.Closer
	r      *csv.Reader
	delim  rune
	cols   []string
	row    int
}

// openCSV opens a delimited file with a header row; delim 0 means sniff.
func openCSV(path string, delim rune) (*csvSource, error) {
	in, closer, err := openInput(path)
	if err != nil {
		return nil, err
	}
	if delim == 0 {
		sample, _ := in.Peek(64 << 10)
		delim = sniffDelimiter(sample)
	}
	r := csv.NewReader(in)
	r.Comma = delim
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		closer.Close()
		return nil, errors.New("empty file: want a header row naming the columns")
	}
	if err != nil {
		closer.Close()
		return nil, fmt.Errorf("header: %w", err)
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			h = "column_" + strconv.Itoa(i+1)
		}
		for base, n := h, 2; seen[h]; n++ {
			h = base + "_" + strconv.Itoa(n)
		}
		seen[h] = true
		cols[i] = h
	}
	return &csvSource{closer: closer, r: r, delim: delim, cols: cols}, nil
}

func (s *csvSource) columns() []string { return s.cols }
func (s *csvSource) close() error      { return s.closer.Close() }

func (s *csvSource) next() (int, []cell, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	s.row++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return s.row, nil, &rowError{s.row, fmt.Sprintf("malformed CSV at line %d: %v", pe.Line, pe.Err)}
		}
		return s.row, nil, err
	}
	if len(rec) != len(s.cols) {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			s.row--
			return s.next() // a blank line
		}
		return s.row, nil, &rowError{s.row, fmt.Sprintf("row has %d fields, header has %d", len(rec), len(s.cols))}
	}
	cells := make([]cell, len(rec))
	for i, v := range rec {
		if v != "" {
			cells[i] = cell{s: v, kind: textCell}
		}
	}
	return s.row, cells, nil
}

// sniffDelimiter picks among , ; tab | the delimiter that splits the
// sample's first records into the same number (> 1) of fields most often,
// preferring more fields; comma when none does.
func sniffDelimiter(sample []byte) rune {
	if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
		sample = sample[:i+1]
	}
	sample = bytes.TrimPrefix(sample, []byte("\xEF\xBB\xBF"))
	best, bestScore, bestFields := ',', -1.0, 0
	for _, d := range []rune{',', '\t', ';', '|'} {
		r := csv.NewReader(bytes.NewReader(sample))
		r.Comma = d
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		header, err := r.Read()
		if err != nil || len(header) < 2 {
			continue
		}
		same, n := 0, 0
		for n < 50 {
			rec, err := r.Read()
			if err != nil {
				break
			}
			n++
			if len(rec) == len(header) {
				same++
			}
		}
		score := 1.0
		if n > 0 {
			score = float64(same) / float64(n)
		}
		if score > bestScore || score == bestScore && len(header) > bestFields {
			best, bestScore, bestFields = d, score, len(header)
		}
	}
	return best
}
