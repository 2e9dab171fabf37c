package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// exactDot and exactSqL2 sum in float64, the yardstick for float32 kernels.
func exactDot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func exactSqL2(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s
}

func TestKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lengths := []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 100, 127, 384, 768, 784, 1280, 1283}
	kernels := []struct {
		name  string
		f     func(a, b []float32) float32
		exact func(a, b []float32) float64
		abs   bool // scale of the error is Σ|a·b|, not the result
	}{
		{"Dot", Dot, exactDot, true},
		{"dotGeneric", dotGeneric, exactDot, true},
		{"dotAsm", dotAsm, exactDot, true},
		{"SquaredL2", SquaredL2, exactSqL2, false},
		{"sqL2Generic", sqL2Generic, exactSqL2, false},
		{"sqL2Asm", sqL2Asm, exactSqL2, false},
	}
	for _, k := range kernels {
		for _, n := range lengths {
			t.Run(fmt.Sprintf("%s/%d", k.name, n), func(t *testing.T) {
				a, b := randVec(r, n), randVec(r, n)
				got := float64(k.f(a, b))
				want := k.exact(a, b)
				scale := math.Abs(want)
				if k.abs {
					scale = 0
					for i := range a {
						scale += math.Abs(float64(a[i]) * float64(b[i]))
					}
				}
				tol := 1e-6*scale*float64(max(n, 1)) + 1e-6
				if math.Abs(got-want) > tol {
					t.Errorf("%s(len %d) = %v, want %v (tolerance %g)", k.name, n, got, want, tol)
				}
			})
		}
	}
}

func TestKernelsExactOnIntegers(t *testing.T) {
	// Small integers make every partial sum exact in float32, so all kernels
	// must agree bit for bit whatever their summation order.
	for _, n := range []int{5, 16, 40, 1000} {
		a := make([]float32, n)
		b := make([]float32, n)
		var dot, l2 float32
		for i := range a {
			a[i] = float32(i%7 - 3)
			b[i] = float32(i%5 - 2)
			dot += a[i] * b[i]
			l2 += (a[i] - b[i]) * (a[i] - b[i])
		}
		if got := Dot(a, b); got != dot {
			t.Errorf("Dot(len %d) = %v, want %v", n, got, dot)
		}
		if got := SquaredL2(a, b); got != l2 {
			t.Errorf("SquaredL2(len %d) = %v, want %v", n, got, l2)
		}
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	for _, f := range []func(a, b []float32) float32{Dot, SquaredL2} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("kernel on lengths 3 and 4 did not panic")
				}
			}()
			f(make([]float32, 3), make([]float32, 4))
		}()
	}
}

func TestNormalizeRows(t *testing.T) {
	tests := []struct {
		name     string
		data     []float32
		dim      int
		want     []float32
		wantZero []int
	}{
		{"unit", []float32{3, 4, 0, 2}, 2, []float32{0.6, 0.8, 0, 1}, nil},
		{"zero rows", []float32{0, 0, 1, 1, 0, 0}, 2, []float32{0, 0, float32(1 / math.Sqrt2), float32(1 / math.Sqrt2), 0, 0}, []int{0, 2}},
		{"negative", []float32{-2, 0, 0}, 3, []float32{-1, 0, 0}, nil},
		{"empty", nil, 4, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := append([]float32(nil), tt.data...)
			zero := NormalizeRows(data, tt.dim)
			if fmt.Sprint(zero) != fmt.Sprint(tt.wantZero) {
				t.Errorf("NormalizeRows(%v) zero rows = %v, want %v", tt.data, zero, tt.wantZero)
			}
			for i := range data {
				if math.Abs(float64(data[i]-tt.want[i])) > 1e-7 {
					t.Errorf("NormalizeRows(%v) = %v, want %v", tt.data, data, tt.want)
					break
				}
			}
		})
	}
}

func TestNormalizeRowsUnitNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n, dim = 50, 77
	data := randVec(r, n*dim)
	for i := range data {
		data[i] *= 1e3
	}
	if zero := NormalizeRows(data, dim); zero != nil {
		t.Fatalf("NormalizeRows zero rows = %v, want none", zero)
	}
	for i := range n {
		if nrm := Norm(data[i*dim : (i+1)*dim]); math.Abs(float64(nrm)-1) > 1e-6 {
			t.Errorf("row %d norm after NormalizeRows = %v, want 1", i, nrm)
		}
	}
}

var sink float32

func BenchmarkKernels(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{32, 128, 784, 1280} {
		x, y := randVec(r, n), randVec(r, n)
		for _, k := range []struct {
			name string
			f    func(a, b []float32) float32
		}{
			{"DotNaive", dotNaive},
			{"DotGeneric", dotGeneric},
			{"Dot", Dot},
			{"SquaredL2Naive", sqL2Naive},
			{"SquaredL2Generic", sqL2Generic},
			{"SquaredL2", SquaredL2},
		} {
			b.Run(fmt.Sprintf("%s/%d", k.name, n), func(b *testing.B) {
				b.SetBytes(int64(8 * n))
				for b.Loop() {
					sink = k.f(x, y)
				}
			})
		}
	}
}

func TestBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, dim := range []int{1, 5, 16, 33, 784} {
		const m = 9
		q := randVec(r, dim)
		rows := randVec(r, m*dim)
		dots := DotBatch(make([]float32, m), q, rows)
		l2s := SquaredL2Batch(make([]float32, m), q, rows)
		for j := range m {
			row := rows[j*dim : (j+1)*dim]
			if want := Dot(q, row); dots[j] != want {
				t.Errorf("DotBatch(dim %d)[%d] = %v, want %v", dim, j, dots[j], want)
			}
			if want := SquaredL2(q, row); l2s[j] != want {
				t.Errorf("SquaredL2Batch(dim %d)[%d] = %v, want %v", dim, j, l2s[j], want)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Errorf("DotBatch(3 results, dim 2, 5 values) did not panic")
		}
	}()
	DotBatch(make([]float32, 3), make([]float32, 2), make([]float32, 5))
}

func TestNormalizeRow(t *testing.T) {
	src := []float32{3, 0, -4, 1e-3}
	want := append([]float32(nil), src...)
	NormalizeRows(want, len(want))
	dst := make([]float32, len(src))
	if !NormalizeRow(dst, src) {
		t.Fatalf("NormalizeRow(%v) = false, want true", src)
	}
	if !slices.Equal(dst, want) {
		t.Errorf("NormalizeRow(%v) = %v, want NormalizeRows' %v", src, dst, want)
	}
	if src[0] != 3 {
		t.Errorf("NormalizeRow changed its source: %v", src)
	}
	zero, out := make([]float32, 3), []float32{7, 7, 7}
	if NormalizeRow(out, zero) || !slices.Equal(out, []float32{7, 7, 7}) {
		t.Errorf("NormalizeRow(zeros) = true or wrote %v, want false and dst untouched", out)
	}
	defer func() {
		if recover() == nil {
			t.Error("NormalizeRow into a shorter row did not panic")
		}
	}()
	NormalizeRow(make([]float32, 2), src)
}
