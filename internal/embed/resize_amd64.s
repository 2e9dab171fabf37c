//go:build amd64 && !purego

#include "textflag.h"

// func hresampleAVX2(out []uint8, r, g, b []int32, k []int32, offs []int32, k8 int)
//
// For each output pixel j and channel c: out[3j+c] = clip8(2^21 + Σ_t k[j·k8+t] ·
// plane_c[offs[j]+t]) for the planes r, g, b and t < k8 (a multiple of 8), in 32-bit
// arithmetic. It writes four bytes per pixel (the fourth is overwritten by the next
// pixel), so out has room for 3·len(offs)+1 bytes; the planes hold offs[j]+k8 values.
TEXT ·hresampleAVX2(SB), NOSPLIT, $0-152
	MOVQ out_base+0(FP), DI
	MOVQ r_base+24(FP), R8
	MOVQ g_base+48(FP), R9
	MOVQ b_base+72(FP), R10
	MOVQ k_base+96(FP), SI
	MOVQ offs_base+120(FP), R11
	MOVQ offs_len+128(FP), CX
	MOVQ k8+144(FP), DX
	MOVL $0x200000, AX
	MOVL AX, X15
	VPBROADCASTD X15, X15 // the rounding half in every lane (the fourth is discarded)
	VPXOR Y14, Y14, Y14

pixel:
	TESTQ CX, CX
	JEQ   done
	MOVLQSX (R11), AX // offs[j]
	SHLQ $2, AX
	LEAQ (R8)(AX*1), R12
	LEAQ (R9)(AX*1), R13
	LEAQ (R10)(AX*1), R14
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	MOVQ DX, BX

tap:
	VMOVDQU (SI), Y3
	VPMULLD (R12), Y3, Y4
	VPADDD  Y4, Y0, Y0
	VPMULLD (R13), Y3, Y5
	VPADDD  Y5, Y1, Y1
	VPMULLD (R14), Y3, Y6
	VPADDD  Y6, Y2, Y2
	ADDQ $32, SI
	ADDQ $32, R12
	ADDQ $32, R13
	ADDQ $32, R14
	SUBQ $8, BX
	JNE  tap

	VPHADDD Y1, Y0, Y5 // r01 r23 g01 g23 | r45 r67 g45 g67
	VPHADDD Y14, Y2, Y6 // b01 b23 0 0 | b45 b67 0 0
	VPHADDD Y6, Y5, Y7 // r g b 0 | r g b 0 (partial sums)
	VEXTRACTI128 $1, Y7, X8
	VPADDD X8, X7, X7
	VPADDD X15, X7, X7
	VPSRAD $22, X7, X7 // clip8: the 22-bit fixed point shifted out, then saturated
	VPACKSSDW X7, X7, X7
	VPACKUSWB X7, X7, X7
	MOVL X7, (DI) // r g b and one byte the next pixel overwrites
	ADDQ $3, DI
	ADDQ $4, R11
	DECQ CX
	JMP  pixel

done:
	VZEROUPPER
	RET

// func vaccumAVX2(acc []int32, row []uint8, k int32)
//
// acc[i] += int32(row[i]) · k for i < len(acc) rounded down to a multiple of 8;
// len(row) ≥ len(acc).
TEXT ·vaccumAVX2(SB), NOSPLIT, $0-52
	MOVQ acc_base+0(FP), DI
	MOVQ acc_len+8(FP), CX
	MOVQ row_base+24(FP), SI
	MOVL k+48(FP), AX
	MOVL AX, X2
	VPBROADCASTD X2, Y2
	SHRQ $3, CX
	JEQ  vdone

vloop:
	VPMOVZXBD (SI), Y0
	VPMULLD   Y2, Y0, Y0
	VPADDD    (DI), Y0, Y0
	VMOVDQU   Y0, (DI)
	ADDQ $8, SI
	ADDQ $32, DI
	DECQ CX
	JNE  vloop

vdone:
	VZEROUPPER
	RET

// func deinterleaveAVX2(r, g, b []int32, src []uint8)
//
// r[i], g[i], b[i] = src[3i], src[3i+1], src[3i+2] for i < len(r) rounded down to a
// multiple of 8. It reads four bytes past each group of eight pixels: src must hold
// 3·n+4 bytes for the n pixels converted.
TEXT ·deinterleaveAVX2(SB), NOSPLIT, $0-96
	MOVQ r_base+0(FP), R8
	MOVQ r_len+8(FP), CX
	MOVQ g_base+24(FP), R9
	MOVQ b_base+48(FP), R10
	MOVQ src_base+72(FP), SI
	VMOVDQU deint_r<>(SB), X13
	VMOVDQU deint_g<>(SB), X14
	VMOVDQU deint_b<>(SB), X15
	SHRQ $3, CX
	JEQ  ddone

dloop:
	VMOVDQU (SI), X0 // pixels 0…3 in bytes 0…11
	VMOVDQU 12(SI), X1 // pixels 4…7 in bytes 0…11
	VPSHUFB X13, X0, X2
	VPSHUFB X13, X1, X3
	VPUNPCKLDQ X3, X2, X2
	VPMOVZXBD X2, Y2
	VMOVDQU Y2, (R8)
	VPSHUFB X14, X0, X2
	VPSHUFB X14, X1, X3
	VPUNPCKLDQ X3, X2, X2
	VPMOVZXBD X2, Y2
	VMOVDQU Y2, (R9)
	VPSHUFB X15, X0, X2
	VPSHUFB X15, X1, X3
	VPUNPCKLDQ X3, X2, X2
	VPMOVZXBD X2, Y2
	VMOVDQU Y2, (R10)
	ADDQ $24, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	DECQ CX
	JNE  dloop

ddone:
	VZEROUPPER
	RET

DATA deint_r<>+0(SB)/4, $0x09060300
DATA deint_r<>+4(SB)/4, $0x80808080
DATA deint_r<>+8(SB)/4, $0x80808080
DATA deint_r<>+12(SB)/4, $0x80808080
GLOBL deint_r<>(SB), RODATA|NOPTR, $16
DATA deint_g<>+0(SB)/4, $0x0a070401
DATA deint_g<>+4(SB)/4, $0x80808080
DATA deint_g<>+8(SB)/4, $0x80808080
DATA deint_g<>+12(SB)/4, $0x80808080
GLOBL deint_g<>(SB), RODATA|NOPTR, $16
DATA deint_b<>+0(SB)/4, $0x0b080502
DATA deint_b<>+4(SB)/4, $0x80808080
DATA deint_b<>+8(SB)/4, $0x80808080
DATA deint_b<>+12(SB)/4, $0x80808080
GLOBL deint_b<>(SB), RODATA|NOPTR, $16
