//go:build amd64 && !purego

#include "textflag.h"

DATA idct_c0541<>+0(SB)/4, $0x1151
DATA idct_c0541<>+4(SB)/4, $0x1151
DATA idct_c0541<>+8(SB)/4, $0x1151
DATA idct_c0541<>+12(SB)/4, $0x1151
DATA idct_c0541<>+16(SB)/4, $0x1151
DATA idct_c0541<>+20(SB)/4, $0x1151
DATA idct_c0541<>+24(SB)/4, $0x1151
DATA idct_c0541<>+28(SB)/4, $0x1151
GLOBL idct_c0541<>(SB), RODATA|NOPTR, $32

DATA idct_n1847<>+0(SB)/4, $0xffffc4df
DATA idct_n1847<>+4(SB)/4, $0xffffc4df
DATA idct_n1847<>+8(SB)/4, $0xffffc4df
DATA idct_n1847<>+12(SB)/4, $0xffffc4df
DATA idct_n1847<>+16(SB)/4, $0xffffc4df
DATA idct_n1847<>+20(SB)/4, $0xffffc4df
DATA idct_n1847<>+24(SB)/4, $0xffffc4df
DATA idct_n1847<>+28(SB)/4, $0xffffc4df
GLOBL idct_n1847<>(SB), RODATA|NOPTR, $32

DATA idct_c0765<>+0(SB)/4, $0x187e
DATA idct_c0765<>+4(SB)/4, $0x187e
DATA idct_c0765<>+8(SB)/4, $0x187e
DATA idct_c0765<>+12(SB)/4, $0x187e
DATA idct_c0765<>+16(SB)/4, $0x187e
DATA idct_c0765<>+20(SB)/4, $0x187e
DATA idct_c0765<>+24(SB)/4, $0x187e
DATA idct_c0765<>+28(SB)/4, $0x187e
GLOBL idct_c0765<>(SB), RODATA|NOPTR, $32

DATA idct_c1175<>+0(SB)/4, $0x25a1
DATA idct_c1175<>+4(SB)/4, $0x25a1
DATA idct_c1175<>+8(SB)/4, $0x25a1
DATA idct_c1175<>+12(SB)/4, $0x25a1
DATA idct_c1175<>+16(SB)/4, $0x25a1
DATA idct_c1175<>+20(SB)/4, $0x25a1
DATA idct_c1175<>+24(SB)/4, $0x25a1
DATA idct_c1175<>+28(SB)/4, $0x25a1
GLOBL idct_c1175<>(SB), RODATA|NOPTR, $32

DATA idct_c0298<>+0(SB)/4, $0x98e
DATA idct_c0298<>+4(SB)/4, $0x98e
DATA idct_c0298<>+8(SB)/4, $0x98e
DATA idct_c0298<>+12(SB)/4, $0x98e
DATA idct_c0298<>+16(SB)/4, $0x98e
DATA idct_c0298<>+20(SB)/4, $0x98e
DATA idct_c0298<>+24(SB)/4, $0x98e
DATA idct_c0298<>+28(SB)/4, $0x98e
GLOBL idct_c0298<>(SB), RODATA|NOPTR, $32

DATA idct_c2053<>+0(SB)/4, $0x41b3
DATA idct_c2053<>+4(SB)/4, $0x41b3
DATA idct_c2053<>+8(SB)/4, $0x41b3
DATA idct_c2053<>+12(SB)/4, $0x41b3
DATA idct_c2053<>+16(SB)/4, $0x41b3
DATA idct_c2053<>+20(SB)/4, $0x41b3
DATA idct_c2053<>+24(SB)/4, $0x41b3
DATA idct_c2053<>+28(SB)/4, $0x41b3
GLOBL idct_c2053<>(SB), RODATA|NOPTR, $32

DATA idct_c3072<>+0(SB)/4, $0x6254
DATA idct_c3072<>+4(SB)/4, $0x6254
DATA idct_c3072<>+8(SB)/4, $0x6254
DATA idct_c3072<>+12(SB)/4, $0x6254
DATA idct_c3072<>+16(SB)/4, $0x6254
DATA idct_c3072<>+20(SB)/4, $0x6254
DATA idct_c3072<>+24(SB)/4, $0x6254
DATA idct_c3072<>+28(SB)/4, $0x6254
GLOBL idct_c3072<>(SB), RODATA|NOPTR, $32

DATA idct_c1501<>+0(SB)/4, $0x300b
DATA idct_c1501<>+4(SB)/4, $0x300b
DATA idct_c1501<>+8(SB)/4, $0x300b
DATA idct_c1501<>+12(SB)/4, $0x300b
DATA idct_c1501<>+16(SB)/4, $0x300b
DATA idct_c1501<>+20(SB)/4, $0x300b
DATA idct_c1501<>+24(SB)/4, $0x300b
DATA idct_c1501<>+28(SB)/4, $0x300b
GLOBL idct_c1501<>(SB), RODATA|NOPTR, $32

DATA idct_n0899<>+0(SB)/4, $0xffffe333
DATA idct_n0899<>+4(SB)/4, $0xffffe333
DATA idct_n0899<>+8(SB)/4, $0xffffe333
DATA idct_n0899<>+12(SB)/4, $0xffffe333
DATA idct_n0899<>+16(SB)/4, $0xffffe333
DATA idct_n0899<>+20(SB)/4, $0xffffe333
DATA idct_n0899<>+24(SB)/4, $0xffffe333
DATA idct_n0899<>+28(SB)/4, $0xffffe333
GLOBL idct_n0899<>(SB), RODATA|NOPTR, $32

DATA idct_n2562<>+0(SB)/4, $0xffffadfd
DATA idct_n2562<>+4(SB)/4, $0xffffadfd
DATA idct_n2562<>+8(SB)/4, $0xffffadfd
DATA idct_n2562<>+12(SB)/4, $0xffffadfd
DATA idct_n2562<>+16(SB)/4, $0xffffadfd
DATA idct_n2562<>+20(SB)/4, $0xffffadfd
DATA idct_n2562<>+24(SB)/4, $0xffffadfd
DATA idct_n2562<>+28(SB)/4, $0xffffadfd
GLOBL idct_n2562<>(SB), RODATA|NOPTR, $32

DATA idct_n1961<>+0(SB)/4, $0xffffc13b
DATA idct_n1961<>+4(SB)/4, $0xffffc13b
DATA idct_n1961<>+8(SB)/4, $0xffffc13b
DATA idct_n1961<>+12(SB)/4, $0xffffc13b
DATA idct_n1961<>+16(SB)/4, $0xffffc13b
DATA idct_n1961<>+20(SB)/4, $0xffffc13b
DATA idct_n1961<>+24(SB)/4, $0xffffc13b
DATA idct_n1961<>+28(SB)/4, $0xffffc13b
GLOBL idct_n1961<>(SB), RODATA|NOPTR, $32

DATA idct_n0390<>+0(SB)/4, $0xfffff384
DATA idct_n0390<>+4(SB)/4, $0xfffff384
DATA idct_n0390<>+8(SB)/4, $0xfffff384
DATA idct_n0390<>+12(SB)/4, $0xfffff384
DATA idct_n0390<>+16(SB)/4, $0xfffff384
DATA idct_n0390<>+20(SB)/4, $0xfffff384
DATA idct_n0390<>+24(SB)/4, $0xfffff384
DATA idct_n0390<>+28(SB)/4, $0xfffff384
GLOBL idct_n0390<>(SB), RODATA|NOPTR, $32

DATA idct_round1<>+0(SB)/4, $0x400
DATA idct_round1<>+4(SB)/4, $0x400
DATA idct_round1<>+8(SB)/4, $0x400
DATA idct_round1<>+12(SB)/4, $0x400
DATA idct_round1<>+16(SB)/4, $0x400
DATA idct_round1<>+20(SB)/4, $0x400
DATA idct_round1<>+24(SB)/4, $0x400
DATA idct_round1<>+28(SB)/4, $0x400
GLOBL idct_round1<>(SB), RODATA|NOPTR, $32

DATA idct_round2<>+0(SB)/4, $0x8020000
DATA idct_round2<>+4(SB)/4, $0x8020000
DATA idct_round2<>+8(SB)/4, $0x8020000
DATA idct_round2<>+12(SB)/4, $0x8020000
DATA idct_round2<>+16(SB)/4, $0x8020000
DATA idct_round2<>+20(SB)/4, $0x8020000
DATA idct_round2<>+24(SB)/4, $0x8020000
DATA idct_round2<>+28(SB)/4, $0x8020000
GLOBL idct_round2<>(SB), RODATA|NOPTR, $32

DATA idct_mask<>+0(SB)/4, $0x3ff
DATA idct_mask<>+4(SB)/4, $0x3ff
DATA idct_mask<>+8(SB)/4, $0x3ff
DATA idct_mask<>+12(SB)/4, $0x3ff
DATA idct_mask<>+16(SB)/4, $0x3ff
DATA idct_mask<>+20(SB)/4, $0x3ff
DATA idct_mask<>+24(SB)/4, $0x3ff
DATA idct_mask<>+28(SB)/4, $0x3ff
GLOBL idct_mask<>(SB), RODATA|NOPTR, $32

DATA idct_c384<>+0(SB)/4, $0x180
DATA idct_c384<>+4(SB)/4, $0x180
DATA idct_c384<>+8(SB)/4, $0x180
DATA idct_c384<>+12(SB)/4, $0x180
DATA idct_c384<>+16(SB)/4, $0x180
DATA idct_c384<>+20(SB)/4, $0x180
DATA idct_c384<>+24(SB)/4, $0x180
DATA idct_c384<>+28(SB)/4, $0x180
GLOBL idct_c384<>(SB), RODATA|NOPTR, $32

// func idctAVX2(dst []uint8, stride int, coef *[64]int16, q *[64]int32)
//
// idctIslow with eight 32-bit lanes: the first pass runs on the eight columns at once,
// a transpose, the second pass on the eight rows at once, a transpose back. Same
// arithmetic as idctIslow for every input whose intermediate values fit in 32 bits,
// which all valid 8-bit JPEG data does.
TEXT ·idctAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ stride+24(FP), DX
	MOVQ coef+32(FP), SI
	MOVQ q+40(FP), BX
	VPMOVSXWD 0(SI), Y0
	VPMULLD 0(BX), Y0, Y0
	VPMOVSXWD 16(SI), Y1
	VPMULLD 32(BX), Y1, Y1
	VPMOVSXWD 32(SI), Y2
	VPMULLD 64(BX), Y2, Y2
	VPMOVSXWD 48(SI), Y3
	VPMULLD 96(BX), Y3, Y3
	VPMOVSXWD 64(SI), Y4
	VPMULLD 128(BX), Y4, Y4
	VPMOVSXWD 80(SI), Y5
	VPMULLD 160(BX), Y5, Y5
	VPMOVSXWD 96(SI), Y6
	VPMULLD 192(BX), Y6, Y6
	VPMOVSXWD 112(SI), Y7
	VPMULLD 224(BX), Y7, Y7
	// even part
	VPADDD Y6, Y2, Y8
	VPMULLD idct_c0541<>(SB), Y8, Y8
	VPMULLD idct_n1847<>(SB), Y6, Y9
	VPADDD Y8, Y9, Y9
	VPMULLD idct_c0765<>(SB), Y2, Y10
	VPADDD Y8, Y10, Y10
	VPADDD Y4, Y0, Y11
	VPSLLD $13, Y11, Y11
	VPSUBD Y4, Y0, Y12
	VPSLLD $13, Y12, Y12
	VPADDD idct_round1<>(SB), Y11, Y11
	VPADDD idct_round1<>(SB), Y12, Y12
	VPADDD Y10, Y11, Y0 // tmp10
	VPSUBD Y10, Y11, Y4 // tmp13
	VPADDD Y9, Y12, Y2 // tmp11
	VPSUBD Y9, Y12, Y6 // tmp12
	// odd part: t0 = Y7, t1 = Y5, t2 = Y3, t3 = Y1
	VPADDD Y1, Y7, Y8 // z1
	VPADDD Y3, Y5, Y9 // z2
	VPADDD Y3, Y7, Y10 // z3
	VPADDD Y1, Y5, Y11 // z4
	VPADDD Y11, Y10, Y12
	VPMULLD idct_c1175<>(SB), Y12, Y12 // z5
	VPMULLD idct_c0298<>(SB), Y7, Y7
	VPMULLD idct_c2053<>(SB), Y5, Y5
	VPMULLD idct_c3072<>(SB), Y3, Y3
	VPMULLD idct_c1501<>(SB), Y1, Y1
	VPMULLD idct_n0899<>(SB), Y8, Y8
	VPMULLD idct_n2562<>(SB), Y9, Y9
	VPMULLD idct_n1961<>(SB), Y10, Y10
	VPADDD Y12, Y10, Y10
	VPMULLD idct_n0390<>(SB), Y11, Y11
	VPADDD Y12, Y11, Y11
	VPADDD Y10, Y8, Y12
	VPADDD Y12, Y7, Y7
	VPADDD Y11, Y9, Y12
	VPADDD Y12, Y5, Y5
	VPADDD Y10, Y9, Y12
	VPADDD Y12, Y3, Y3
	VPADDD Y11, Y8, Y12
	VPADDD Y12, Y1, Y1
	// outputs k in Y(8+k)
	VPADDD Y1, Y0, Y8
	VPSUBD Y1, Y0, Y15
	VPADDD Y3, Y2, Y9
	VPSUBD Y3, Y2, Y14
	VPADDD Y5, Y6, Y10
	VPSUBD Y5, Y6, Y13
	VPADDD Y7, Y4, Y11
	VPSUBD Y7, Y4, Y12
	VPSRAD $11, Y8, Y8
	VPSRAD $11, Y9, Y9
	VPSRAD $11, Y10, Y10
	VPSRAD $11, Y11, Y11
	VPSRAD $11, Y12, Y12
	VPSRAD $11, Y13, Y13
	VPSRAD $11, Y14, Y14
	VPSRAD $11, Y15, Y15
	// transpose Y8..Y15 into Y0..Y7
	VPUNPCKLDQ Y9, Y8, Y0
	VPUNPCKHDQ Y9, Y8, Y1
	VPUNPCKLDQ Y11, Y10, Y2
	VPUNPCKHDQ Y11, Y10, Y3
	VPUNPCKLDQ Y13, Y12, Y4
	VPUNPCKHDQ Y13, Y12, Y5
	VPUNPCKLDQ Y15, Y14, Y6
	VPUNPCKHDQ Y15, Y14, Y7
	VPUNPCKLQDQ Y2, Y0, Y8
	VPUNPCKHQDQ Y2, Y0, Y9
	VPUNPCKLQDQ Y3, Y1, Y10
	VPUNPCKHQDQ Y3, Y1, Y11
	VPUNPCKLQDQ Y6, Y4, Y12
	VPUNPCKHQDQ Y6, Y4, Y13
	VPUNPCKLQDQ Y7, Y5, Y14
	VPUNPCKHQDQ Y7, Y5, Y15
	VPERM2I128 $0x20, Y12, Y8, Y0
	VPERM2I128 $0x31, Y12, Y8, Y4
	VPERM2I128 $0x20, Y13, Y9, Y1
	VPERM2I128 $0x31, Y13, Y9, Y5
	VPERM2I128 $0x20, Y14, Y10, Y2
	VPERM2I128 $0x31, Y14, Y10, Y6
	VPERM2I128 $0x20, Y15, Y11, Y3
	VPERM2I128 $0x31, Y15, Y11, Y7
	// even part
	VPADDD Y6, Y2, Y8
	VPMULLD idct_c0541<>(SB), Y8, Y8
	VPMULLD idct_n1847<>(SB), Y6, Y9
	VPADDD Y8, Y9, Y9
	VPMULLD idct_c0765<>(SB), Y2, Y10
	VPADDD Y8, Y10, Y10
	VPADDD Y4, Y0, Y11
	VPSLLD $13, Y11, Y11
	VPSUBD Y4, Y0, Y12
	VPSLLD $13, Y12, Y12
	VPADDD idct_round2<>(SB), Y11, Y11
	VPADDD idct_round2<>(SB), Y12, Y12
	VPADDD Y10, Y11, Y0 // tmp10
	VPSUBD Y10, Y11, Y4 // tmp13
	VPADDD Y9, Y12, Y2 // tmp11
	VPSUBD Y9, Y12, Y6 // tmp12
	// odd part: t0 = Y7, t1 = Y5, t2 = Y3, t3 = Y1
	VPADDD Y1, Y7, Y8 // z1
	VPADDD Y3, Y5, Y9 // z2
	VPADDD Y3, Y7, Y10 // z3
	VPADDD Y1, Y5, Y11 // z4
	VPADDD Y11, Y10, Y12
	VPMULLD idct_c1175<>(SB), Y12, Y12 // z5
	VPMULLD idct_c0298<>(SB), Y7, Y7
	VPMULLD idct_c2053<>(SB), Y5, Y5
	VPMULLD idct_c3072<>(SB), Y3, Y3
	VPMULLD idct_c1501<>(SB), Y1, Y1
	VPMULLD idct_n0899<>(SB), Y8, Y8
	VPMULLD idct_n2562<>(SB), Y9, Y9
	VPMULLD idct_n1961<>(SB), Y10, Y10
	VPADDD Y12, Y10, Y10
	VPMULLD idct_n0390<>(SB), Y11, Y11
	VPADDD Y12, Y11, Y11
	VPADDD Y10, Y8, Y12
	VPADDD Y12, Y7, Y7
	VPADDD Y11, Y9, Y12
	VPADDD Y12, Y5, Y5
	VPADDD Y10, Y9, Y12
	VPADDD Y12, Y3, Y3
	VPADDD Y11, Y8, Y12
	VPADDD Y12, Y1, Y1
	// outputs k in Y(8+k)
	VPADDD Y1, Y0, Y8
	VPSUBD Y1, Y0, Y15
	VPADDD Y3, Y2, Y9
	VPSUBD Y3, Y2, Y14
	VPADDD Y5, Y6, Y10
	VPSUBD Y5, Y6, Y13
	VPADDD Y7, Y4, Y11
	VPSUBD Y7, Y4, Y12
	VPSRAD $18, Y8, Y8
	VPSRAD $18, Y9, Y9
	VPSRAD $18, Y10, Y10
	VPSRAD $18, Y11, Y11
	VPSRAD $18, Y12, Y12
	VPSRAD $18, Y13, Y13
	VPSRAD $18, Y14, Y14
	VPSRAD $18, Y15, Y15
	// range limit: the shift already added 512, so (v & 1023) − 384 is libjpeg's table
	VPAND idct_mask<>(SB), Y8, Y8
	VPSUBD idct_c384<>(SB), Y8, Y8
	VPAND idct_mask<>(SB), Y9, Y9
	VPSUBD idct_c384<>(SB), Y9, Y9
	VPAND idct_mask<>(SB), Y10, Y10
	VPSUBD idct_c384<>(SB), Y10, Y10
	VPAND idct_mask<>(SB), Y11, Y11
	VPSUBD idct_c384<>(SB), Y11, Y11
	VPAND idct_mask<>(SB), Y12, Y12
	VPSUBD idct_c384<>(SB), Y12, Y12
	VPAND idct_mask<>(SB), Y13, Y13
	VPSUBD idct_c384<>(SB), Y13, Y13
	VPAND idct_mask<>(SB), Y14, Y14
	VPSUBD idct_c384<>(SB), Y14, Y14
	VPAND idct_mask<>(SB), Y15, Y15
	VPSUBD idct_c384<>(SB), Y15, Y15
	// transpose Y8..Y15 into Y0..Y7
	VPUNPCKLDQ Y9, Y8, Y0
	VPUNPCKHDQ Y9, Y8, Y1
	VPUNPCKLDQ Y11, Y10, Y2
	VPUNPCKHDQ Y11, Y10, Y3
	VPUNPCKLDQ Y13, Y12, Y4
	VPUNPCKHDQ Y13, Y12, Y5
	VPUNPCKLDQ Y15, Y14, Y6
	VPUNPCKHDQ Y15, Y14, Y7
	VPUNPCKLQDQ Y2, Y0, Y8
	VPUNPCKHQDQ Y2, Y0, Y9
	VPUNPCKLQDQ Y3, Y1, Y10
	VPUNPCKHQDQ Y3, Y1, Y11
	VPUNPCKLQDQ Y6, Y4, Y12
	VPUNPCKHQDQ Y6, Y4, Y13
	VPUNPCKLQDQ Y7, Y5, Y14
	VPUNPCKHQDQ Y7, Y5, Y15
	VPERM2I128 $0x20, Y12, Y8, Y0
	VPERM2I128 $0x31, Y12, Y8, Y4
	VPERM2I128 $0x20, Y13, Y9, Y1
	VPERM2I128 $0x31, Y13, Y9, Y5
	VPERM2I128 $0x20, Y14, Y10, Y2
	VPERM2I128 $0x31, Y14, Y10, Y6
	VPERM2I128 $0x20, Y15, Y11, Y3
	VPERM2I128 $0x31, Y15, Y11, Y7
	// pack rows to bytes: Y8 = rows 0|1, Y9 = 2|3, Y10 = 4|5, Y11 = 6|7 as int16
	VPACKSSDW Y1, Y0, Y8
	VPERMQ $0xD8, Y8, Y8
	VPACKSSDW Y3, Y2, Y9
	VPERMQ $0xD8, Y9, Y9
	VPACKSSDW Y5, Y4, Y10
	VPERMQ $0xD8, Y10, Y10
	VPACKSSDW Y7, Y6, Y11
	VPERMQ $0xD8, Y11, Y11
	VPACKUSWB Y9, Y8, Y12 // 64-bit chunks: rows 0, 2, 1, 3
	VPACKUSWB Y11, Y10, Y13 // rows 4, 6, 5, 7
	VEXTRACTI128 $1, Y12, X14
	VEXTRACTI128 $1, Y13, X15
	MOVQ X12, (DI)
	MOVQ X14, (DI)(DX*1)
	LEAQ (DI)(DX*2), DI
	VPEXTRQ $1, X12, AX
	MOVQ AX, (DI)
	VPEXTRQ $1, X14, AX
	MOVQ AX, (DI)(DX*1)
	LEAQ (DI)(DX*2), DI
	MOVQ X13, (DI)
	MOVQ X15, (DI)(DX*1)
	LEAQ (DI)(DX*2), DI
	VPEXTRQ $1, X13, AX
	MOVQ AX, (DI)
	VPEXTRQ $1, X15, AX
	MOVQ AX, (DI)(DX*1)
	VZEROUPPER
	RET
