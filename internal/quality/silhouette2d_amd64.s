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

// func sumDist3DAsm(q *[48]float32, xs, ys, zs []float32, bounds []int, out []float64)
//
// As sumDist2DAsm with a third coordinate (queries' z in Y6/Y7); the float64
// totals are kept in out itself, zeroed at the start of each block.
TEXT ·sumDist3DAsm(SB), NOSPLIT, $0-128
	MOVQ q+0(FP), AX
	MOVQ xs_base+8(FP), SI
	MOVQ ys_base+32(FP), DI
	MOVQ zs_base+56(FP), R12
	MOVQ bounds_base+80(FP), BX
	MOVQ bounds_len+88(FP), R8
	MOVQ out_base+104(FP), DX
	VMOVUPS 0(AX), Y0
	VMOVUPS 32(AX), Y2
	VMOVUPS 64(AX), Y1
	VMOVUPS 96(AX), Y3
	VMOVUPS 128(AX), Y6
	VMOVUPS 160(AX), Y7
	DECQ R8
	JLE  done3
	MOVQ 0(BX), R9

block3:
	ADDQ    $8, BX
	MOVQ    0(BX), R10
	VXORPD  Y15, Y15, Y15
	VMOVUPD Y15, 0(DX)
	VMOVUPD Y15, 32(DX)
	VMOVUPD Y15, 64(DX)
	VMOVUPD Y15, 96(DX)

run3:
	CMPQ    R9, R10
	JGE     next3
	LEAQ    256(R9), R11
	CMPQ    R11, R10
	CMOVQGT R10, R11
	VXORPS  Y4, Y4, Y4
	VXORPS  Y5, Y5, Y5

target3:
	VBROADCASTSS (SI)(R9*4), Y8
	VBROADCASTSS (DI)(R9*4), Y9
	VBROADCASTSS (R12)(R9*4), Y10
	VSUBPS       Y8, Y0, Y11
	VSUBPS       Y9, Y1, Y12
	VSUBPS       Y10, Y6, Y13
	VMULPS       Y11, Y11, Y11
	VMULPS       Y12, Y12, Y12
	VMULPS       Y13, Y13, Y13
	VADDPS       Y12, Y11, Y11
	VADDPS       Y13, Y11, Y11
	VSQRTPS      Y11, Y11
	VADDPS       Y11, Y4, Y4
	VSUBPS       Y8, Y2, Y11
	VSUBPS       Y9, Y3, Y12
	VSUBPS       Y10, Y7, Y13
	VMULPS       Y11, Y11, Y11
	VMULPS       Y12, Y12, Y12
	VMULPS       Y13, Y13, Y13
	VADDPS       Y12, Y11, Y11
	VADDPS       Y13, Y11, Y11
	VSQRTPS      Y11, Y11
	VADDPS       Y11, Y5, Y5
	INCQ         R9
	CMPQ         R9, R11
	JLT          target3

	VCVTPS2PD    X4, Y8
	VADDPD       0(DX), Y8, Y8
	VMOVUPD      Y8, 0(DX)
	VEXTRACTF128 $1, Y4, X9
	VCVTPS2PD    X9, Y9
	VADDPD       32(DX), Y9, Y9
	VMOVUPD      Y9, 32(DX)
	VCVTPS2PD    X5, Y8
	VADDPD       64(DX), Y8, Y8
	VMOVUPD      Y8, 64(DX)
	VEXTRACTF128 $1, Y5, X9
	VCVTPS2PD    X9, Y9
	VADDPD       96(DX), Y9, Y9
	VMOVUPD      Y9, 96(DX)
	JMP          run3

next3:
	ADDQ $128, DX
	DECQ R8
	JNZ  block3

done3:
	VZEROUPPER
	RET
