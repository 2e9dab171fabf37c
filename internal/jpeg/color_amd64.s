//go:build amd64 && !purego

#include "textflag.h"

// func yccRowAVX2(out []uint8, y, cb, cr []uint8)
//
// The YCbCr→RGB conversion of libjpeg's tables, computed: for groups of eight pixels,
// R = Y + (91881·(Cr−128) + 2^15) >> 16, G = Y + (−22554·(Cb−128) − 46802·(Cr−128) +
// 2^15) >> 16, B = Y + (116130·(Cb−128) + 2^15) >> 16, saturated to 0…255, written as
// RGB. It converts len(y)/8 groups and writes four bytes past each group's 24, so out
// must have room for them; the caller converts the rest.
TEXT ·yccRowAVX2(SB), NOSPLIT, $0-96
	MOVQ out_base+0(FP), DI
	MOVQ y_base+24(FP), SI
	MOVQ y_len+32(FP), CX
	MOVQ cb_base+48(FP), R8
	MOVQ cr_base+72(FP), R9
	VPBROADCASTD ycc_128<>(SB), Y10
	VPBROADCASTD ycc_half<>(SB), Y11
	VPBROADCASTD ycc_crr<>(SB), Y12
	VPBROADCASTD ycc_cbb<>(SB), Y13
	VPBROADCASTD ycc_cbg<>(SB), Y14
	VPBROADCASTD ycc_crg<>(SB), Y15
	VMOVDQU ycc_shuf<>(SB), Y9
	SHRQ $3, CX
	JEQ  ydone

yloop:
	VPMOVZXBD (SI), Y0 // Y
	VPMOVZXBD (R8), Y1 // Cb
	VPMOVZXBD (R9), Y2 // Cr
	VPSUBD Y10, Y1, Y1
	VPSUBD Y10, Y2, Y2
	VPMULLD Y12, Y2, Y3 // R
	VPADDD Y11, Y3, Y3
	VPSRAD $16, Y3, Y3
	VPADDD Y0, Y3, Y3
	VPMULLD Y13, Y1, Y5 // B
	VPADDD Y11, Y5, Y5
	VPSRAD $16, Y5, Y5
	VPADDD Y0, Y5, Y5
	VPMULLD Y14, Y1, Y4 // G
	VPMULLD Y15, Y2, Y6
	VPADDD Y6, Y4, Y4
	VPADDD Y11, Y4, Y4
	VPSRAD $16, Y4, Y4
	VPADDD Y0, Y4, Y4
	VPACKSSDW Y4, Y3, Y3 // R0-3 G0-3 | R4-7 G4-7
	VPACKSSDW Y5, Y5, Y5 // B0-3 B0-3 | B4-7 B4-7
	VPACKUSWB Y5, Y3, Y3 // R0-3 G0-3 B0-3 B0-3 | R4-7 G4-7 B4-7 B4-7
	VPSHUFB Y9, Y3, Y3 // RGB of pixels 0-3 | 4-7, 12 bytes each
	VEXTRACTI128 $1, Y3, X4
	VMOVDQU X3, (DI)
	VMOVDQU X4, 12(DI)
	ADDQ $8, SI
	ADDQ $8, R8
	ADDQ $8, R9
	ADDQ $24, DI
	DECQ CX
	JNE  yloop

ydone:
	VZEROUPPER
	RET

DATA ycc_128<>+0(SB)/4, $128
GLOBL ycc_128<>(SB), RODATA|NOPTR, $4
DATA ycc_half<>+0(SB)/4, $32768
GLOBL ycc_half<>(SB), RODATA|NOPTR, $4
DATA ycc_crr<>+0(SB)/4, $91881
GLOBL ycc_crr<>(SB), RODATA|NOPTR, $4
DATA ycc_cbb<>+0(SB)/4, $116130
GLOBL ycc_cbb<>(SB), RODATA|NOPTR, $4
DATA ycc_cbg<>+0(SB)/4, $-22554
GLOBL ycc_cbg<>(SB), RODATA|NOPTR, $4
DATA ycc_crg<>+0(SB)/4, $-46802
GLOBL ycc_crg<>(SB), RODATA|NOPTR, $4
// per 128-bit lane: bytes R0 R1 R2 R3 G0 G1 G2 G3 B0 B1 B2 B3 → R0 G0 B0 R1 G1 B1 …
DATA ycc_shuf<>+0(SB)/4, $0x01080400
DATA ycc_shuf<>+4(SB)/4, $0x06020905
DATA ycc_shuf<>+8(SB)/4, $0x0b07030a
DATA ycc_shuf<>+12(SB)/4, $0x80808080
DATA ycc_shuf<>+16(SB)/4, $0x01080400
DATA ycc_shuf<>+20(SB)/4, $0x06020905
DATA ycc_shuf<>+24(SB)/4, $0x0b07030a
DATA ycc_shuf<>+28(SB)/4, $0x80808080
GLOBL ycc_shuf<>(SB), RODATA|NOPTR, $32

// func colsumAVX2(sums []int16, near, far []uint8)
//
// sums[k] = 3·near[k] + far[k] for k < len(sums) rounded down to a multiple of 16.
TEXT ·colsumAVX2(SB), NOSPLIT, $0-72
	MOVQ sums_base+0(FP), DI
	MOVQ sums_len+8(FP), CX
	MOVQ near_base+24(FP), SI
	MOVQ far_base+48(FP), R8
	SHRQ $4, CX
	JEQ  cdone

cloop:
	VPMOVZXBW (SI), Y0
	VPMOVZXBW (R8), Y1
	VPADDW Y0, Y0, Y2
	VPADDW Y0, Y2, Y2
	VPADDW Y1, Y2, Y2
	VMOVDQU Y2, (DI)
	ADDQ $16, SI
	ADDQ $16, R8
	ADDQ $32, DI
	DECQ CX
	JNE  cloop

cdone:
	VZEROUPPER
	RET

// func fancyH2AVX2(out []uint8, sums []int16, be, bo int16, sh uint64)
//
// libjpeg's horizontal triangle filter: for i = 1 … n (n = len(out)/2 rounded down to a
// multiple of 16), out[2(i−1)] = (3·sums[i] + sums[i−1] + be) >> sh and
// out[2(i−1)+1] = (3·sums[i] + sums[i+1] + bo) >> sh; sums holds n+2 values at least.
TEXT ·fancyH2AVX2(SB), NOSPLIT, $0-64
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ sums_base+24(FP), SI
	MOVWQZX be+48(FP), AX
	MOVQ AX, X10
	VPBROADCASTW X10, Y10
	MOVWQZX bo+50(FP), AX
	MOVQ AX, X11
	VPBROADCASTW X11, Y11
	MOVQ sh+56(FP), AX
	MOVQ AX, X12
	SHRQ $5, CX
	JEQ  fdone

floop:
	VMOVDQU (SI), Y0 // sums[i-1]
	VMOVDQU 2(SI), Y1 // sums[i]
	VMOVDQU 4(SI), Y2 // sums[i+1]
	VPADDW Y1, Y1, Y3
	VPADDW Y1, Y3, Y3 // 3·sums[i]
	VPADDW Y0, Y3, Y4
	VPADDW Y10, Y4, Y4
	VPSRLW X12, Y4, Y4 // even outputs
	VPADDW Y2, Y3, Y5
	VPADDW Y11, Y5, Y5
	VPSRLW X12, Y5, Y5 // odd outputs
	VPSLLW $8, Y5, Y5
	VPOR Y5, Y4, Y4 // each word: even byte, then odd byte
	VMOVDQU Y4, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNE  floop

fdone:
	VZEROUPPER
	RET
