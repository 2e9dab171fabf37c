//go:build amd64 && !purego

package vec

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAsmVariants checks each assembly kernel the processor supports
// against the portable one, whichever Dot and SquaredL2 dispatch to.
func TestAsmVariants(t *testing.T) {
	type kernel struct {
		name string
		ok   bool
		f, g func(a, b []float32) float32
	}
	kernels := []kernel{
		{"dotAVX2", useAsm, dotAVX2, dotGeneric},
		{"sqL2AVX2", useAsm, sqL2AVX2, sqL2Generic},
		{"dotAVX512", useAVX512, dotAVX512, dotGeneric},
		{"sqL2AVX512", useAVX512, sqL2AVX512, sqL2Generic},
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, k := range kernels {
		if !k.ok {
			t.Logf("%s: not supported by this processor", k.name)
			continue
		}
		for _, n := range []int{0, 1, 7, 8, 15, 16, 23, 24, 31, 63, 64, 65, 79, 80, 88, 100, 784, 1280, 1291} {
			t.Run(fmt.Sprintf("%s/%d", k.name, n), func(t *testing.T) {
				// Small integers: every partial sum is exact, so any
				// summation order gives the same float32.
				a, b := make([]float32, n), make([]float32, n)
				for i := range a {
					a[i] = float32(r.IntN(9) - 4)
					b[i] = float32(r.IntN(9) - 4)
				}
				if got, want := k.f(a, b), k.g(a, b); got != want {
					t.Errorf("%s(len %d) = %v, want %v", k.name, n, got, want)
				}
			})
		}
	}
}

func BenchmarkAsmVariants(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{128, 784, 1280} {
		x, y := randVec(r, n), randVec(r, n)
		for _, k := range []struct {
			name string
			ok   bool
			f    func(a, b []float32) float32
		}{
			{"dotAVX2", useAsm, dotAVX2},
			{"dotAVX512", useAVX512, dotAVX512},
			{"sqL2AVX2", useAsm, sqL2AVX2},
			{"sqL2AVX512", useAVX512, sqL2AVX512},
		} {
			if !k.ok {
				continue
			}
			b.Run(fmt.Sprintf("%s/%d", k.name, n), func(b *testing.B) {
				for b.Loop() {
					sink = k.f(x, y)
				}
			})
		}
	}
}

// TestDot4 checks that the four-way kernel gives exactly Dot's bits, on
// random values (where summation order shows) and every tail length.
func TestDot4(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for n := 1; n <= 300; n++ {
		a := randVec(r, n)
		b := [4][]float32{randVec(r, n), randVec(r, n), randVec(r, n), randVec(r, n)}
		var got [4]float32
		Dot4(&got, a, b[0], b[1], b[2], b[3])
		for j := range b {
			if want := Dot(a, b[j]); got[j] != want {
				t.Fatalf("Dot4(len %d)[%d] = %v, want Dot = %v", n, j, got[j], want)
			}
		}
	}
}

func BenchmarkDot4(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{128, 784, 1280} {
		a := randVec(r, n)
		rows := [4][]float32{randVec(r, n), randVec(r, n), randVec(r, n), randVec(r, n)}
		b.Run(fmt.Sprintf("Dot4/%d", n), func(b *testing.B) {
			var out [4]float32
			for b.Loop() {
				Dot4(&out, a, rows[0], rows[1], rows[2], rows[3])
			}
		})
		b.Run(fmt.Sprintf("4xDot/%d", n), func(b *testing.B) {
			for b.Loop() {
				for j := range rows {
					sink = Dot(a, rows[j])
				}
			}
		})
	}
}
