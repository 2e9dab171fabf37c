//go:build amd64 && !purego

package jpeg

import "golang.org/x/sys/cpu"

// useIDCTAsm selects the AVX2 inverse DCT of idct_amd64.s.
var useIDCTAsm = cpu.X86.HasAVX2

//go:noescape
func idctAVX2(dst []uint8, stride int, coef *[blockSize]int16, q *[blockSize]int32)
