//go:build !amd64 || purego

package jpeg

var useColorAsm = false

func yccRowAVX2(out []uint8, y, cb, cr []uint8) {
	panic("jpeg: no assembly colour conversion on this platform")
}
