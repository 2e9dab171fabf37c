package server

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// kdDecoded is a KDBush index read back from its bytes.
type kdDecoded struct {
	nodeSize int
	ids      []int
	xy       []float32
}

func decodeKD(t *testing.T, b []byte) kdDecoded {
	t.Helper()
	if len(b) < kdHeaderSize || b[0] != 0xdb || b[1] != 0x17 {
		t.Fatalf("index header % x, want db 17", b[:min(2, len(b))])
	}
	le := binary.LittleEndian
	d := kdDecoded{nodeSize: int(le.Uint16(b[2:]))}
	n := int(le.Uint32(b[4:]))
	idBytes := 4
	if n < 65536 {
		idBytes = 2
	}
	pad := (8 - n*idBytes%8) % 8
	if want := kdHeaderSize + n*idBytes + pad + 8*n; len(b) != want {
		t.Fatalf("index of %d items is %d bytes, want %d", n, len(b), want)
	}
	for i := range n {
		if idBytes == 2 {
			d.ids = append(d.ids, int(le.Uint16(b[kdHeaderSize+2*i:])))
		} else {
			d.ids = append(d.ids, int(le.Uint32(b[kdHeaderSize+4*i:])))
		}
	}
	off := kdHeaderSize + n*idBytes + pad
	for i := range 2 * n {
		d.xy = append(d.xy, math.Float32frombits(le.Uint32(b[off+4*i:])))
	}
	return d
}

// rangeQuery is KDBush's range search over a decoded index.
func (d kdDecoded) rangeQuery(minX, minY, maxX, maxY float32) []int {
	var out []int
	in := func(i int) bool {
		x, y := d.xy[2*i], d.xy[2*i+1]
		return x >= minX && x <= maxX && y >= minY && y <= maxY
	}
	type span struct{ left, right, axis int }
	stack := []span{{0, len(d.ids) - 1, 0}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.right-s.left <= d.nodeSize {
			for i := s.left; i <= s.right; i++ {
				if in(i) {
					out = append(out, d.ids[i])
				}
			}
			continue
		}
		m := (s.left + s.right) >> 1
		if in(m) {
			out = append(out, d.ids[m])
		}
		c, lo, hi := d.xy[2*m+s.axis], minX, maxX
		if s.axis == 1 {
			lo, hi = minY, maxY
		}
		if lo <= c {
			stack = append(stack, span{s.left, m - 1, 1 - s.axis})
		}
		if hi >= c {
			stack = append(stack, span{m + 1, s.right, 1 - s.axis})
		}
	}
	slices.Sort(out)
	return out
}

func TestKDIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		n    int
		gen  func(i int) (float32, float32)
	}{
		{"empty", 0, nil},
		{"one", 1, func(int) (float32, float32) { return 0.5, -0.5 }},
		{"one node", kdNodeSize + 1, func(int) (float32, float32) { return rng.Float32(), rng.Float32() }},
		{"uniform", 5000, func(int) (float32, float32) { return rng.Float32()*2 - 1, rng.Float32()*2 - 1 }},
		{"duplicates", 3000, func(i int) (float32, float32) { return float32(i % 7), float32(i % 3) }},
		{"all equal", 1000, func(int) (float32, float32) { return 1, 1 }},
		{"sorted", 4000, func(i int) (float32, float32) { return float32(i), float32(-i) }},
		{"uint32 ids", 70000, func(int) (float32, float32) { return float32(rng.NormFloat64()), float32(rng.NormFloat64()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := make([]float32, tt.n), make([]float32, tt.n)
			for i := range tt.n {
				x[i], y[i] = tt.gen(i)
			}
			d := decodeKD(t, kdIndex(x, y))
			if d.nodeSize != kdNodeSize || len(d.ids) != tt.n {
				t.Fatalf("kdIndex(%d points): node size %d, %d items, want %d, %d", tt.n, d.nodeSize, len(d.ids), kdNodeSize, tt.n)
			}
			// Every row once, with its own coordinates.
			seen := make([]bool, tt.n)
			for i, id := range d.ids {
				if id < 0 || id >= tt.n || seen[id] {
					t.Fatalf("kdIndex: id %d at %d is out of range or repeated", id, i)
				}
				seen[id] = true
				if d.xy[2*i] != x[id] || d.xy[2*i+1] != y[id] {
					t.Fatalf("kdIndex: item %d (row %d) at (%g, %g), want (%g, %g)", i, id, d.xy[2*i], d.xy[2*i+1], x[id], y[id])
				}
			}
			// The kd order: each split point divides its range.
			var check func(left, right, axis int)
			check = func(left, right, axis int) {
				if right-left <= d.nodeSize {
					return
				}
				m := (left + right) >> 1
				c := d.xy[2*m+axis]
				for i := left; i <= right; i++ {
					if v := d.xy[2*i+axis]; (i < m && v > c) || (i > m && v < c) {
						t.Fatalf("kdIndex: item %d has %g on axis %d, on the wrong side of split %d at %g in [%d, %d]", i, v, axis, m, c, left, right)
					}
				}
				check(left, m-1, 1-axis)
				check(m+1, right, 1-axis)
			}
			check(0, tt.n-1, 0)
			// Range queries find what a scan finds.
			for q := range 20 {
				x0, y0 := rng.Float32()*3-1.5, rng.Float32()*3-1.5
				x1, y1 := x0+rng.Float32()*float32(q)/10, y0+rng.Float32()*float32(q)/10
				if tt.name == "duplicates" || tt.name == "sorted" || tt.name == "all equal" {
					x0, y0, x1, y1 = x0*float32(tt.n), y0*float32(tt.n), x1*float32(tt.n), y1*float32(tt.n)
				}
				var want []int
				for i := range tt.n {
					if x[i] >= x0 && x[i] <= x1 && y[i] >= y0 && y[i] <= y1 {
						want = append(want, i)
					}
				}
				if got := d.rangeQuery(x0, y0, x1, y1); !slices.Equal(got, want) {
					t.Fatalf("range(%g, %g, %g, %g) = %d rows, want %d", x0, y0, x1, y1, len(got), len(want))
				}
			}
		})
	}
}

func TestMapCoords(t *testing.T) {
	tests := []struct {
		name         string
		x, y         []float32
		wantX, wantY []float32
	}{
		{"square", []float32{0, 10, 5}, []float32{0, 10, 5}, []float32{-0.95, 0.95, 0}, []float32{-0.95, 0.95, 0}},
		{"wide", []float32{-2, 2}, []float32{1, 2}, []float32{-0.95, 0.95}, []float32{-0.2375, 0.2375}},
		{"one point", []float32{3}, []float32{4}, []float32{0}, []float32{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nx, ny := mapCoords(tt.x, tt.y)
			if !slices.Equal(nx, tt.wantX) || !slices.Equal(ny, tt.wantY) {
				t.Errorf("mapCoords(%v, %v) = %v, %v, want %v, %v", tt.x, tt.y, nx, ny, tt.wantX, tt.wantY)
			}
		})
	}
	nx, _ := mapCoords([]float32{1, float32(math.NaN())}, []float32{0, 0})
	if !math.IsNaN(float64(nx[0])) {
		t.Errorf("mapCoords with a NaN x = %v, want NaN everywhere (as the UI computes)", nx)
	}
}

func TestPointsIndex(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	w := do(s, "GET", "/api/points/index", nil, nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("GET /api/points/index: status %d, type %q", w.Code, w.Header().Get("Content-Type"))
	}
	d := decodeKD(t, w.Body.Bytes())
	x, y, _, _, _ := points(t, do(s, "GET", "/api/points", nil, nil).Body.Bytes())
	nx, ny := mapCoords(x, y)
	if len(d.ids) != f.n {
		t.Fatalf("GET /api/points/index: %d items, want %d", len(d.ids), f.n)
	}
	for i, id := range d.ids {
		if d.xy[2*i] != nx[id] || d.xy[2*i+1] != ny[id] {
			t.Fatalf("GET /api/points/index: row %d at (%g, %g), want (%g, %g)", id, d.xy[2*i], d.xy[2*i+1], nx[id], ny[id])
		}
	}
	if got := w.Header().Get(LayoutRunHeader); got != fmt.Sprint(f.mapRun.ID) {
		t.Errorf("GET /api/points/index: %s %q, want %d", LayoutRunHeader, got, f.mapRun.ID)
	}
	for _, target := range []string{"/api/points/index?run=abc", "/api/points/index?run=999"} {
		if w := do(s, "GET", target, nil, nil); w.Code < 400 {
			t.Errorf("GET %s: status %d, want an error", target, w.Code)
		}
	}
}

// BenchmarkKDIndex measures the spatial index of a million points.
func BenchmarkKDIndex(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 1_000_000
	x, y := make([]float32, n), make([]float32, n)
	for i := range n {
		c := float64(i % 50)
		x[i], y[i] = float32(c+rng.NormFloat64()), float32(c/7+rng.NormFloat64())
	}
	for b.Loop() {
		kdIndex(mapCoords(x, y))
	}
	b.ReportMetric(float64(len(kdIndex(x, y)))/float64(n), "bytes/point")
}

func TestLabels(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	for _, run := range []int64{0, f.cluster.ID, f.mapRun.ID} {
		q := ""
		if run != 0 {
			q = fmt.Sprintf("?run=%d", run)
		}
		_, _, want, wantLayout, wantClusters := points(t, do(s, "GET", "/api/points"+q, nil, nil).Body.Bytes())
		w := do(s, "GET", "/api/labels"+q, nil, nil)
		b := w.Body.Bytes()
		if w.Code != 200 || w.Header().Get("Content-Type") != "application/octet-stream" || len(b) < 16 || string(b[:4]) != LabelsMagic {
			t.Fatalf("GET /api/labels%s: status %d, type %q, starts %q", q, w.Code, w.Header().Get("Content-Type"), b[:min(4, len(b))])
		}
		le := binary.LittleEndian
		n, layout, clusters := int(le.Uint32(b[4:])), le.Uint32(b[8:]), le.Uint32(b[12:])
		if n != len(want) || len(b) != 16+4*n || layout != wantLayout || clusters != wantClusters {
			t.Fatalf("GET /api/labels%s: %d labels in %d bytes, runs %d, %d; want %d, runs %d, %d", q, n, len(b), layout, clusters, len(want), wantLayout, wantClusters)
		}
		for i := range n {
			if got := int32(le.Uint32(b[16+4*i:])); got != want[i] {
				t.Fatalf("GET /api/labels%s: label %d = %d, want %d", q, i, got, want[i])
			}
		}
	}
	if w := do(s, "GET", "/api/labels?run=999", nil, nil); w.Code != 404 {
		t.Errorf("GET /api/labels?run=999: status %d, want 404", w.Code)
	}
}
