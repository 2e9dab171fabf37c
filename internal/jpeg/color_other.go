//go:build !amd64 || purego

package jpeg

var useColorAsm = false

func yccRowAVX2(out []uint8, y, cb, cr []uint8) {
	panic("jpeg: no assembly colour conversion on this platform")
}

func colsumAVX2(sums []int16, near, far []uint8) {
	panic("jpeg: no assembly upsampling on this platform")
}

func fancyH2AVX2(out []uint8, sums []int16, be, bo int16, sh uint64) {
	panic("jpeg: no assembly upsampling on this platform")
}
