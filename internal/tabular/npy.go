package tabular

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The .npy format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
// A 6-byte magic string, a major and minor version byte, the header length
// (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), then a
// Python dict literal with 'descr', 'fortran_order' and 'shape', padded with
// spaces and ended by a newline; then the raw array data.
const npyMagic = "\x93NUMPY"

// maxNPYHeader bounds the header length a reader accepts; numpy's own limit
// for reading is 10,000 bytes unless told otherwise.
const maxNPYHeader = 1 << 16

// npyHeader is the parsed header of a .npy file.
type npyHeader struct {
	order   binary.ByteOrder
	size    int // bytes per element: 4 or 8
	fortran bool
	shape   []int
	dataOff int // offset of the array data from the start of the file
}

// ReadNPY reads a 2-D float32 or float64 NumPy array (little- or big-endian,
// C or Fortran order, format versions 1 to 3) and returns it as a flat
// row-major float32 matrix. Float64 values are rounded to float32. It
// rejects 1-D and higher-dimensional arrays, other dtypes, zero rows, and
// NaN or infinite values (naming the 0-based row and element).
func ReadNPY(path string) (data []float32, rows, cols int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, 0, err
	}
	return readNPY(bufio.NewReaderSize(f, 1<<20), st.Size(), path)
}

func readNPY(r io.Reader, size int64, path string) ([]float32, int, int, error) {
	head := make([]byte, 12)
	n, err := io.ReadFull(r, head[:10])
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: not a .npy file: %d bytes is too short for a header", path, n)
	}
	hlen, prefix, err := npyPreamble(head[:10])
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	if prefix == 12 {
		if _, err := io.ReadFull(r, head[10:12]); err != nil {
			return nil, 0, 0, fmt.Errorf("%s: not a .npy file: truncated header", path)
		}
		hlen = int(binary.LittleEndian.Uint32(head[8:12]))
	}
	if hlen > maxNPYHeader {
		return nil, 0, 0, fmt.Errorf("%s: .npy header of %d bytes is too long (limit %d)", path, hlen, maxNPYHeader)
	}
	text := make([]byte, hlen)
	if _, err := io.ReadFull(r, text); err != nil {
		return nil, 0, 0, fmt.Errorf("%s: .npy header truncated: want %d bytes", path, hlen)
	}
	h, err := parseNPYHeader(text)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	h.dataOff = prefix + hlen
	if len(h.shape) != 2 {
		return nil, 0, 0, fmt.Errorf("%s: array has shape %s, want 2-D (rows, dim); reshape it with x.reshape(len(x), -1)", path, shapeString(h.shape))
	}
	rows, cols := h.shape[0], h.shape[1]
	if rows == 0 {
		return nil, 0, 0, fmt.Errorf("%s: array has shape %s: %w", path, shapeString(h.shape), ErrNoRows)
	}
	if cols == 0 {
		return nil, 0, 0, fmt.Errorf("%s: array has shape %s: vectors have no values", path, shapeString(h.shape))
	}
	if rows > math.MaxInt32 || cols > math.MaxInt32 || int64(rows)*int64(cols) > math.MaxInt32*8 {
		return nil, 0, 0, fmt.Errorf("%s: array of shape %s is too large", path, shapeString(h.shape))
	}
	want := int64(rows) * int64(cols) * int64(h.size)
	if have := size - int64(h.dataOff); have < want {
		return nil, 0, 0, fmt.Errorf("%s: .npy data truncated: shape %s needs %d bytes, file has %d", path, shapeString(h.shape), want, max(have, 0))
	}
	data := make([]float32, rows*cols)
	if err := readNPYData(r, data, h); err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	if h.fortran {
		t := make([]float32, len(data))
		for j := range cols {
			col := data[j*rows : (j+1)*rows]
			for i, v := range col {
				t[i*cols+j] = v
			}
		}
		data = t
	}
	if i := firstNonFinite(data); i >= 0 {
		return nil, 0, 0, &RowError{Path: path, Row: i / cols,
			Err: fmt.Errorf("element %d (0-based): %w", i%cols, ErrNonFinite)}
	}
	return data, rows, cols, nil
}

// firstNonFinite returns the index of the first NaN or infinite value of
// data, or −1, looking at large arrays on all cores.
func firstNonFinite(data []float32) int {
	const part = 1 << 20
	nParts := (len(data) + part - 1) / part
	first := make([]int, nParts)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(nParts, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for c := int(next.Add(1) - 1); c < nParts; c = int(next.Add(1) - 1) {
				first[c] = -1
				lo := c * part
				for i, v := range data[lo:min(len(data), lo+part)] {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						first[c] = lo + i
						break
					}
				}
			}
		})
	}
	wg.Wait()
	for _, i := range first {
		if i >= 0 {
			return i
		}
	}
	return -1
}

// npyPreamble checks the magic string and version of the first 10 bytes of
// a .npy file and returns the header length (for version 1) and the size of
// the preamble (10 for version 1, 12 for versions 2 and 3, whose 4-byte
// length the caller reads).
func npyPreamble(b []byte) (hlen, prefix int, err error) {
	if string(b[:6]) != npyMagic {
		return 0, 0, errors.New("not a .npy file: bad magic bytes")
	}
	switch b[6] {
	case 1:
		return int(binary.LittleEndian.Uint16(b[8:10])), 10, nil
	case 2, 3:
		return 0, 12, nil
	}
	return 0, 0, fmt.Errorf(".npy format version %d.%d is not supported (want 1, 2 or 3)", b[6], b[7])
}

// readNPYData decodes len(dst) elements in the header's byte order and size.
func readNPYData(r io.Reader, dst []float32, h npyHeader) error {
	if h.size == 4 && h.order == binary.LittleEndian && nativeLittleEndian && len(dst) > 0 {
		// The file's bytes are the slice's memory: read them in place.
		b := unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 4*len(dst))
		if _, err := io.ReadFull(r, b); err != nil {
			return fmt.Errorf(".npy data truncated: %w", err)
		}
		return nil
	}
	const chunk = 1 << 20
	buf := make([]byte, chunk)
	per := chunk / h.size
	for done := 0; done < len(dst); {
		m := min(per, len(dst)-done)
		b := buf[:m*h.size]
		if _, err := io.ReadFull(r, b); err != nil {
			return fmt.Errorf(".npy data truncated: %w", err)
		}
		out := dst[done : done+m]
		if h.size == 4 {
			for i := range out {
				out[i] = math.Float32frombits(h.order.Uint32(b[4*i:]))
			}
		} else {
			for i := range out {
				out[i] = float32(math.Float64frombits(h.order.Uint64(b[8*i:])))
			}
		}
		done += m
	}
	return nil
}

// nativeLittleEndian is whether this machine stores a float32 as
// little-endian .npy data does.
var nativeLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// parseNPYHeader parses the dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
func parseNPYHeader(text []byte) (npyHeader, error) {
	var h npyHeader
	p := &pyLexer{s: string(text)}
	bad := func(what string) (npyHeader, error) {
		return npyHeader{}, fmt.Errorf(".npy header is malformed (%s): %q", what, truncate(string(text), 120))
	}
	if !p.accept('{') {
		return bad("no '{'")
	}
	var haveDescr, haveOrder, haveShape bool
	for {
		if p.accept('}') {
			break
		}
		key, ok := p.str()
		if !ok {
			return bad("expected a quoted key")
		}
		if !p.accept(':') {
			return bad("expected ':'")
		}
		switch key {
		case "descr":
			d, ok := p.str()
			if !ok {
				return npyHeader{}, errors.New(".npy dtype is not a simple type (structured arrays are not supported); save a float32 matrix")
			}
			if err := h.setDescr(d); err != nil {
				return npyHeader{}, err
			}
			haveDescr = true
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
				h.fortran = false
			default:
				return bad("fortran_order is not True or False")
			}
			haveOrder = true
		case "shape":
			shape, ok := p.tuple()
			if !ok {
				return bad("shape is not a tuple of integers")
			}
			h.shape = shape
			haveShape = true
		default:
			return bad("unknown key " + strconv.Quote(key))
		}
		if !p.accept(',') {
			if p.accept('}') {
				break
			}
			return bad("expected ',' or '}'")
		}
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return bad("text after '}'")
	}
	if !haveDescr || !haveOrder || !haveShape {
		return bad("missing descr, fortran_order or shape")
	}
	return h, nil
}

func (h *npyHeader) setDescr(d string) error {
	if len(d) == 3 {
		switch d[0] {
		case '<', '|':
			h.order = binary.LittleEndian
		case '>':
			h.order = binary.BigEndian
		default:
			goto unsupported
		}
		switch d[1:] {
		case "f4":
			h.size = 4
			return nil
		case "f8":
			h.size = 8
			return nil
		}
	}
unsupported:
	return fmt.Errorf(".npy dtype %q is not supported: want float32 or float64 ('<f4', '<f8', '>f4', '>f8'); convert with x.astype('float32')", d)
}

func shapeString(shape []int) string {
	s := make([]string, len(shape))
	for i, n := range shape {
		s[i] = strconv.Itoa(n)
	}
	if len(s) == 1 {
		return "(" + s[0] + ",)"
	}
	return "(" + strings.Join(s, ", ") + ")"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// pyLexer reads the few Python literals a .npy header holds.
type pyLexer struct {
	s string
	i int
}

func (p *pyLexer) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *pyLexer) accept(c byte) bool {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyLexer) word(w string) bool {
	p.skipSpace()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str reads a quoted string without escapes, as numpy writes them.
func (p *pyLexer) str() (string, bool) {
	p.skipSpace()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, true
}

// tuple reads a tuple of non-negative integers: (), (3,), (3, 4).
func (p *pyLexer) tuple() ([]int, bool) {
	if !p.accept('(') {
		return nil, false
	}
	shape := []int{}
	for {
		if p.accept(')') {
			return shape, true
		}
		p.skipSpace()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, false
		}
		n, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || n > math.MaxInt32 {
			return nil, false
		}
		// numpy writes Python longs as 3L in very old files.
		if j < len(p.s) && p.s[j] == 'L' {
			j++
		}
		p.i = j
		shape = append(shape, n)
		if len(shape) > 32 {
			return nil, false
		}
		if !p.accept(',') {
			if p.accept(')') {
				return shape, true
			}
			return nil, false
		}
	}
}

// WriteNPY writes data, a rows×cols row-major float32 matrix, as a version
// 1.0 little-endian .npy file that numpy.load reads. The file is written to
// a temporary file in the same directory and renamed into place. It panics
// if len(data) != rows*cols.
func WriteNPY(path string, data []float32, rows, cols int) error {
	if rows < 0 || cols < 0 || len(data) != rows*cols {
		panic(fmt.Sprintf("tabular: WriteNPY with %d values for shape (%d, %d)", len(data), rows, cols))
	}
	return WriteFileAtomic(path, func(w io.Writer) error {
		return writeNPY(w, data, rows, cols)
	})
}

func writeNPY(w io.Writer, data []float32, rows, cols int) error {
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
	// numpy pads the header with spaces so that the data starts at a
	// multiple of 64 bytes, and ends it with a newline.
	total := len(npyMagic) + 4 + len(dict) + 1
	pad := (64 - total%64) % 64
	hdr := make([]byte, 0, total+pad)
	hdr = append(hdr, npyMagic...)
	hdr = append(hdr, 1, 0)
	hdr = binary.LittleEndian.AppendUint16(hdr, uint16(len(dict)+pad+1))
	hdr = append(hdr, dict...)
	for range pad {
		hdr = append(hdr, ' ')
	}
	hdr = append(hdr, '\n')
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, v := range data {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		if len(buf) == cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}
