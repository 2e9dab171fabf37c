//go:build !amd64 || purego

package umap

const useSGDAsm = false

func sgdKernelAsm(pos []float32, ops []uint32, snap []float32, stride, steps, dim int, c *sgdConsts) {
	panic("umap: no SIMD kernel on this architecture")
}

func sgdKernelVariants() []sgdKernelVariant { return nil }
