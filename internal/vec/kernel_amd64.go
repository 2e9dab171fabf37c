//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2/FMA kernels of kernel_amd64.s.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dotAsm and sqL2Asm require len(a) == len(b); the callers check.
//
//go:noescape
func dotAsm(a, b []float32) float32

//go:noescape
func sqL2Asm(a, b []float32) float32
