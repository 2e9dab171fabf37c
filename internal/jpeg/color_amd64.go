//go:build amd64 && !purego

package jpeg

import "golang.org/x/sys/cpu"

// useColorAsm selects the AVX2 colour conversion and upsampling of color_amd64.s.
var useColorAsm = cpu.X86.HasAVX2

//go:noescape
func yccRowAVX2(out []uint8, y, cb, cr []uint8)

//go:noescape
func colsumAVX2(sums []int16, near, far []uint8)

//go:noescape
func fancyH2AVX2(out []uint8, sums []int16, be, bo int16, sh uint64)
