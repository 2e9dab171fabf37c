//go:build amd64 && !purego

#include "textflag.h"

// func sumDist2DAsm(q *[32]float32, xs, ys []float32, bounds []int, out []float64)
//
// Sixteen queries live in the lanes of Y0/Y2 (x) and Y1/Y3 (y). For every
// block [bounds[c], bounds[c+1]) each target point is broadcast to all
// lanes; its distances are added in float32 to Y4/Y5 over runs of at most
// 256 targets, and each run's sums are widened and added to the float64
// totals Y12–Y15, which are stored to out[16c:16c+16].
TEXT ·sumDist2DAsm(SB), NOSPLIT, $0-104
	MOVQ q+0(FP), AX
	MOVQ xs_base+8(FP), SI
	MOVQ ys_base+32(FP), DI
	MOVQ bounds_base+56(FP), BX
	MOVQ bounds_len+64(FP), R8
	MOVQ out_base+80(FP), DX
	VMOVUPS 0(AX), Y0
	VMOVUPS 32(AX), Y2
	VMOVUPS 64(AX), Y1
	VMOVUPS 96(AX), Y3
	DECQ R8
	JLE  done
	MOVQ 0(BX), R9

block:
	ADDQ   $8, BX
	MOVQ   0(BX), R10
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15

run:
	CMPQ    R9, R10
	JGE     store
	LEAQ    256(R9), R11
	CMPQ    R11, R10
	CMOVQGT R10, R11
	VXORPS  Y4, Y4, Y4
	VXORPS  Y5, Y5, Y5

target:
	VBROADCASTSS (SI)(R9*4), Y8
	VBROADCASTSS (DI)(R9*4), Y9
	VSUBPS       Y8, Y0, Y10
	VSUBPS       Y9, Y1, Y11
	VSUBPS       Y8, Y2, Y6
	VSUBPS       Y9, Y3, Y7
	VMULPS       Y10, Y10, Y10
	VMULPS       Y11, Y11, Y11
	VMULPS       Y6, Y6, Y6
	VMULPS       Y7, Y7, Y7
	VADDPS       Y11, Y10, Y10
	VADDPS       Y7, Y6, Y6
	VSQRTPS      Y10, Y10
	VSQRTPS      Y6, Y6
	VADDPS       Y10, Y4, Y4
	VADDPS       Y6, Y5, Y5
	INCQ         R9
	CMPQ         R9, R11
	JLT          target

	VCVTPS2PD    X4, Y8
	VADDPD       Y8, Y12, Y12
	VEXTRACTF128 $1, Y4, X9
	VCVTPS2PD    X9, Y9
	VADDPD       Y9, Y13, Y13
	VCVTPS2PD    X5, Y8
	VADDPD       Y8, Y14, Y14
	VEXTRACTF128 $1, Y5, X9
	VCVTPS2PD    X9, Y9
	VADDPD       Y9, Y15, Y15
	JMP          run

store:
	VMOVUPD Y12, 0(DX)
	VMOVUPD Y13, 32(DX)
	VMOVUPD Y14, 64(DX)
	VMOVUPD Y15, 96(DX)
	ADDQ    $128, DX
	DECQ    R8
	JNZ     block

done:
	VZEROUPPER
	RET
