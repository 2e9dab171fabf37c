//go:build amd64 && !purego

package umap

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// useSGDAsm selects the kernels of sgdkernel_amd64.s: AVX2, or AVX-512
// where the processor has it.
var (
	useSGDAsm    = cpu.X86.HasAVX2
	useSGDAVX512 = cpu.X86.HasAVX512F && useSGDAsm
	useNegAVX512 = useSGDAVX512 && cpu.X86.HasAVX512DQ
)

func sgdKernelAsm(pos []float32, ops []uint32, snap []float32, stride, steps, dim int, c *sgdConsts) {
	if useSGDAVX512 {
		sgdKernelAVX512(&pos[0], &ops[0], &snap[0], stride, steps, dim, c)
		return
	}
	sgdKernelAVX2(&pos[0], &ops[0], &snap[0], stride, steps, dim, c)
}

// sgdKernelAVX2 is sgdKernel for sgdLanes = 32 and sgdGroup = 16 (four half
// groups of 8 lanes);
// it needs 2 ≤ steps ≤ stride and dim ≥ 1, which sgdKernel checks, and
// indices within snap, which it cannot.
//
//go:noescape
func sgdKernelAVX2(pos *float32, ops *uint32, snap *float32, stride, steps, dim int, c *sgdConsts)

// sgdKernelAVX512 is sgdKernelAVX2 with a group of 16 lanes per
// instruction; for dim = 2 (the usual map) a second loop keeps the
// coordinates of the lanes and of the other points in registers instead of
// going through memory, a fifth fewer instructions per step.
//
//go:noescape
func sgdKernelAVX512(pos *float32, ops *uint32, snap *float32, stride, steps, dim int, c *sgdConsts)

// The assembly kernels are written for 32 lanes in groups of 16.
var (
	_ [0]struct{} = [sgdLanes - 32]struct{}{}
	_ [0]struct{} = [sgdGroup - 16]struct{}{}
)

// sgdKernelVariants lists the assembly kernels for the tests, with whether
// the processor runs them.
func sgdKernelVariants() []sgdKernelVariant {
	wrap := func(f func(pos *float32, ops *uint32, snap *float32, stride, steps, dim int, c *sgdConsts)) func([]float32, []uint32, []float32, int, int, int, *sgdConsts) {
		return func(pos []float32, ops []uint32, snap []float32, stride, steps, dim int, c *sgdConsts) {
			f(&pos[0], &ops[0], &snap[0], stride, steps, dim, c)
		}
	}
	return []sgdKernelVariant{
		{"sgdKernelAVX2", useSGDAsm, wrap(sgdKernelAVX2)},
		{"sgdKernelAVX512", useSGDAVX512, wrap(sgdKernelAVX512)},
	}
}

// negSamples is negSamplesGeneric for a dst whose length is a multiple of
// 16, with AVX-512 where the processor has it.
func negSamples(dst []uint32, s uint64, n int, self uint32) bool {
	if len(dst)%16 != 0 {
		panic("umap: negSamples: length not a multiple of 16")
	}
	if useNegAVX512 && len(dst) > 0 {
		return negSamplesAVX512(&dst[0], len(dst), s, uint64(n), self)
	}
	return negSamplesGeneric(dst, s, n, self)
}

// negSamplesAVX512 is negSamplesGeneric for count = len(dst) a multiple of
// 16 and n < 2³².
//
//go:noescape
func negSamplesAVX512(dst *uint32, count int, s, n uint64, self uint32) (hit bool)

// dueEdges is dueEdgesGeneric, eight clocks at a time with AVX-512 where
// the processor has it; due must be 8 longer than clocks.
func dueEdges(due []int32, clocks []edgeClock, lo int, n float64) int {
	if len(due) < len(clocks)+8 {
		panic("umap: dueEdges: due too short")
	}
	cnt, m := 0, 0
	if useSGDAVX512 && len(clocks) >= 8 {
		m = len(clocks) &^ 7
		cnt = dueEdgesAVX512(&due[0], &clocks[0], m, lo, n)
	}
	return cnt + dueEdgesGeneric(due[cnt:], clocks[m:], lo+m, n)
}

// dueEdgesAVX512 is dueEdgesGeneric for m = len(clocks) a multiple of 8,
// with 8 elements of room in dst beyond the count.
//
//go:noescape
func dueEdgesAVX512(dst *int32, clocks *edgeClock, m, lo int, n float64) (count int)

// dueEdgesAVX512 reads the clocks as pairs of float64, next first.
var _ [0]struct{} = [unsafe.Sizeof(edgeClock{}) - 16]struct{}{}
var _ [0]struct{} = [unsafe.Offsetof(edgeClock{}.next)]struct{}{}
