//go:build !amd64 || purego

package umap

const useSGDAsm = false

func sgdKernelAsm(pos []float32, ops []uint32, snap []float32, stride, steps, dim int, c *sgdConsts) {
	panic("umap: no SIMD kernel on this architecture")
}

func sgdKernelVariants() []sgdKernelVariant { return nil }

// negSamples is negSamplesGeneric for a dst whose length is a multiple of
// 16.
func negSamples(dst []uint32, s uint64, n int, self uint32) bool {
	if len(dst)%16 != 0 {
		panic("umap: negSamples: length not a multiple of 16")
	}
	return negSamplesGeneric(dst, s, n, self)
}

// dueEdges is dueEdgesGeneric; due must be 8 longer than clocks.
func dueEdges(due []int32, clocks []edgeClock, lo int, n float64) int {
	if len(due) < len(clocks)+8 {
		panic("umap: dueEdges: due too short")
	}
	return dueEdgesGeneric(due, clocks, lo, n)
}
