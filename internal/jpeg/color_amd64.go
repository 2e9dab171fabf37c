//go:build amd64 && !purego

package jpeg

import "golang.org/x/sys/cpu"

// useColorAsm selects the AVX2 colour conversion of color_amd64.s.
var useColorAsm = cpu.X86.HasAVX2

//go:noescape
func yccRowAVX2(out []uint8, y, cb, cr []uint8)
