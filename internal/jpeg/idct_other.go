//go:build !amd64 || purego

package jpeg

var useIDCTAsm = false

func idctAVX2(dst []uint8, stride int, coef *[blockSize]int16, q *[blockSize]int32) {
	panic("jpeg: no assembly inverse DCT on this platform")
}
