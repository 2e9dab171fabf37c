package tabular

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// npyWant is element (i, j) of the numpy fixtures, as
// gen/numpy_pandas_fixtures.py computes it: (i*cols + j - 5) * step in the
// array's dtype, then rounded to float32.
func npyWant(i, j, cols int, step float64, f32 bool) float32 {
	if f32 {
		return float32(i*cols+j-5) * float32(step)
	}
	return float32(float64(i*cols+j-5) * step)
}

func TestReadNPYNumpy(t *testing.T) {
	tests := []struct {
		file       string
		rows, cols int
		step       float64
		f32        bool
	}{
		{"numpy_f4.npy", 3, 4, 0.25, true},
		{"numpy_f8.npy", 4, 3, 0.1, false},
		{"numpy_f4_big_endian.npy", 3, 4, 0.25, true},
		{"numpy_f4_fortran.npy", 3, 4, 0.25, true},
		{"numpy_f4_v2.npy", 3, 4, 0.25, true},
		{"numpy_f4_v3.npy", 3, 4, 0.25, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, rows, cols, err := ReadNPY(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatalf("ReadNPY(%s) = %v", tt.file, err)
			}
			if rows != tt.rows || cols != tt.cols || len(data) != rows*cols {
				t.Fatalf("ReadNPY(%s) shape = (%d, %d) with %d values, want (%d, %d)", tt.file, rows, cols, len(data), tt.rows, tt.cols)
			}
			for i := range rows {
				for j := range cols {
					if got, want := data[i*cols+j], npyWant(i, j, cols, tt.step, tt.f32); got != want {
						t.Errorf("ReadNPY(%s)[%d, %d] = %v, want %v", tt.file, i, j, got, want)
					}
				}
			}
		})
	}
}

func TestReadNPYErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	header := func(dict string) []byte {
		b := []byte("\x93NUMPY\x01\x00")
		b = append(b, byte(len(dict)), byte(len(dict)>>8))
		return append(b, dict...)
	}
	td := func(name string) string { return filepath.Join("testdata", name) }
	tests := []struct {
		name   string
		path   string
		target error
		want   []string
	}{
		{"1-D", td("numpy_bad_1d.npy"), nil, []string{"numpy_bad_1d.npy", "shape (5,)", "want 2-D"}},
		{"3-D", td("numpy_bad_3d.npy"), nil, []string{"numpy_bad_3d.npy", "shape (2, 2, 2)", "want 2-D"}},
		{"int32", td("numpy_bad_int32.npy"), nil, []string{"numpy_bad_int32.npy", `"<i4"`, "float32 or float64"}},
		{"NaN", td("numpy_bad_nan.npy"), ErrNonFinite, []string{"numpy_bad_nan.npy", "row 1 (0-based)", "element 2 (0-based)"}},
		{"zero rows", td("numpy_bad_zero_rows.npy"), ErrNoRows, []string{"numpy_bad_zero_rows.npy", "(0, 4)"}},
		{"truncated data", td("numpy_bad_truncated.npy"), nil, []string{"numpy_bad_truncated.npy", "truncated", "48 bytes"}},
		{"empty file", write("empty.npy", nil), nil, []string{"empty.npy", "not a .npy file"}},
		{"bad magic", write("magic.npy", []byte("PK\x03\x04 this is a zip file")), nil, []string{"magic.npy", "bad magic"}},
		{"version 4", write("v4.npy", []byte("\x93NUMPY\x04\x00\x10\x00{}")), nil, []string{"v4.npy", "version 4.0"}},
		{"truncated header", write("short.npy", []byte("\x93NUMPY\x01\x00\x40\x00{'descr'")), nil, []string{"short.npy", "header truncated"}},
		{"structured dtype", write("struct.npy", header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 2), }\n")), nil,
			[]string{"struct.npy", "structured"}},
		{"missing shape", write("noshape.npy", header("{'descr': '<f4', 'fortran_order': False, }\n")), nil, []string{"noshape.npy", "missing"}},
		{"bad fortran_order", write("order.npy", header("{'descr': '<f4', 'fortran_order': 0, 'shape': (1, 1), }\n")), nil, []string{"order.npy", "fortran_order"}},
		{"negative shape", write("neg.npy", header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }\n")), nil, []string{"neg.npy", "shape"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows, cols, err := ReadNPY(tt.path)
			if err == nil {
				t.Fatalf("ReadNPY(%s) = (%d, %d) matrix, want an error", tt.path, rows, cols)
			}
			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("ReadNPY(%s) error %q does not wrap %q", tt.path, err, tt.target)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ReadNPY(%s) error = %q, want it to mention %q", tt.path, err, w)
				}
			}
		})
	}
}

func TestNPYRoundTrip(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
	}{
		{"1×1", 1, 1},
		{"3×4", 3, 4},
		{"more than one write buffer", 300, 129},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := sampleTable(tt.rows, tt.cols, 11).Column("embedding").Vectors
			path := filepath.Join(t.TempDir(), "x.npy")
			if err := WriteNPY(path, want, tt.rows, tt.cols); err != nil {
				t.Fatalf("WriteNPY(...) = %v", err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if hlen := 10 + int(b[8]) + int(b[9])<<8; hlen%64 != 0 || b[hlen-1] != '\n' {
				t.Errorf("WriteNPY header ends at byte %d with %q, want a multiple of 64 ending in a newline", hlen, b[hlen-1])
			}
			got, rows, cols, err := ReadNPY(path)
			if err != nil {
				t.Fatalf("ReadNPY(WriteNPY(...)) = %v", err)
			}
			if rows != tt.rows || cols != tt.cols {
				t.Fatalf("ReadNPY(WriteNPY(...)) shape = (%d, %d), want (%d, %d)", rows, cols, tt.rows, tt.cols)
			}
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("ReadNPY(WriteNPY(...))[%d] = %v, want %v (bit-exact)", i, got[i], want[i])
				}
			}
		})
	}
	// Same bytes as numpy: the fixture numpy_f4.npy was written by
	// np.lib.format.write_array with version 1.0.
	fixture, err := os.ReadFile(filepath.Join("testdata", "numpy_f4.npy"))
	if err != nil {
		t.Fatal(err)
	}
	data, rows, cols, err := ReadNPY(filepath.Join("testdata", "numpy_f4.npy"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeNPY(&buf, data, rows, cols); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), fixture) {
		t.Errorf("writeNPY(numpy_f4 data) =\n%q\nwant numpy's bytes\n%q", buf.Bytes(), fixture)
	}
}

func TestParseNPYHeader(t *testing.T) {
	tests := []struct {
		header  string
		size    int
		fortran bool
		shape   []int
		wantErr string
	}{
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", 4, false, []int{3, 4}, ""},
		{"{'descr': '>f8', 'fortran_order': True, 'shape': (2, 5)}", 8, true, []int{2, 5}, ""},
		{"{\"descr\": \"<f4\", \"shape\": (7,), \"fortran_order\": False}", 4, false, []int{7}, ""},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4, false, []int{}, ""},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 4L), }", 4, false, []int{3, 4}, ""},
		{"{'descr': '<f2', 'fortran_order': False, 'shape': (3, 4), }", 0, false, nil, `"<f2"`},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), 'x': 1}", 0, false, nil, "unknown key"},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)} junk", 0, false, nil, "after"},
		{"", 0, false, nil, "malformed"},
	}
	for _, tt := range tests {
		h, err := parseNPYHeader([]byte(tt.header))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseNPYHeader(%q) error = %v, want one mentioning %q", tt.header, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseNPYHeader(%q) = %v", tt.header, err)
			continue
		}
		if h.size != tt.size || h.fortran != tt.fortran || len(h.shape) != len(tt.shape) {
			t.Errorf("parseNPYHeader(%q) = size %d fortran %v shape %v, want %d %v %v", tt.header, h.size, h.fortran, h.shape, tt.size, tt.fortran, tt.shape)
			continue
		}
		for i := range h.shape {
			if h.shape[i] != tt.shape[i] {
				t.Errorf("parseNPYHeader(%q) shape = %v, want %v", tt.header, h.shape, tt.shape)
			}
		}
	}
}
