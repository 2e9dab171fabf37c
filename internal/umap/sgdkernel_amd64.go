//go:build amd64 && !purego

package umap

import "golang.org/x/sys/cpu"

// useSGDAsm selects the AVX2 kernel of sgdkernel_amd64.s.
var useSGDAsm = cpu.X86.HasAVX2

func sgdKernelAsm(pos []float32, ops []uint32, snap []float32, stride, steps, dim int, c *sgdConsts) {
	sgdKernelAVX2(&pos[0], &ops[0], &snap[0], stride, steps, dim, c)
}

// sgdKernelAVX2 is sgdKernel for sgdLanes = 32 (four groups of 8 lanes);
// it needs 2 ≤ steps ≤ stride and dim ≥ 1, which sgdKernel checks, and
// indices within snap, which it cannot.
//
//go:noescape
func sgdKernelAVX2(pos *float32, ops *uint32, snap *float32, stride, steps, dim int, c *sgdConsts)

// The assembly kernel is written for 32 lanes.
var _ [0]struct{} = [sgdLanes - 32]struct{}{}
