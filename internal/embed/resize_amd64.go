//go:build amd64 && !purego

package embed

import "golang.org/x/sys/cpu"

// useResizeAsm selects the AVX2 kernels of resize_amd64.s for the two resampling passes.
var useResizeAsm = cpu.X86.HasAVX2

//go:noescape
func hresampleAVX2(out []uint8, r, g, b []int32, k []int32, offs []int32, k8 int)

//go:noescape
func deinterleaveAVX2(r, g, b []int32, src []uint8)

//go:noescape
func vaccumAVX2(acc []int32, row []uint8, k int32)
