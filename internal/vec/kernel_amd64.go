//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// useAsm selects the assembly kernels of kernel_amd64.s: AVX2 with FMA, or
// AVX-512 where the processor has it.
var (
	useAsm    = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	useAVX512 = cpu.X86.HasAVX512F && useAsm
)

func dotAsm(a, b []float32) float32 {
	if useAVX512 {
		return dotAVX512(a, b)
	}
	return dotAVX2(a, b)
}

func sqL2Asm(a, b []float32) float32 {
	if useAVX512 {
		return sqL2AVX512(a, b)
	}
	return sqL2AVX2(a, b)
}

// The kernels require len(a) == len(b); the callers check.

//go:noescape
func dotAVX2(a, b []float32) float32

//go:noescape
func sqL2AVX2(a, b []float32) float32

//go:noescape
func dotAVX512(a, b []float32) float32

//go:noescape
func sqL2AVX512(a, b []float32) float32

// dot4Asm sets out[j] = a·b_j, bit for bit as dotAsm(a, b_j) would.
func dot4Asm(out *[4]float32, a, b0, b1, b2, b3 []float32) {
	if useAVX512 {
		dot4AVX512(&a[0], &b0[0], &b1[0], &b2[0], &b3[0], len(a), out)
		return
	}
	out[0], out[1], out[2], out[3] = dotAVX2(a, b0), dotAVX2(a, b1), dotAVX2(a, b2), dotAVX2(a, b3)
}

//go:noescape
func dot4AVX512(a, b0, b1, b2, b3 *float32, n int, out *[4]float32)
