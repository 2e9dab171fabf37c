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
