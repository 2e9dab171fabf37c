//go:build !amd64 || purego

package embed

var useResizeAsm = false

func hresampleAVX2(out []uint8, r, g, b []int32, k []int32, offs []int32, k8 int) {
	panic("embed: no assembly resampling kernels on this platform")
}

func deinterleaveAVX2(r, g, b []int32, src []uint8) {
	panic("embed: no assembly resampling kernels on this platform")
}

func vaccumAVX2(acc []int32, row []uint8, k int32) {
	panic("embed: no assembly resampling kernels on this platform")
}
