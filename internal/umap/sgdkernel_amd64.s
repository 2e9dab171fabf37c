//go:build amd64 && !purego

#include "textflag.h"

// Offsets of the constants of sgdConsts (index × 32 bytes).
#define C_A 0
#define C_BM1 32
#define C_AB2 64
#define C_G2B 96
#define C_ALPHA 128
#define C_MINNORM 160
#define C_SQRT2 192
#define C_HALF 224
#define C_ONE 256
#define C_LOG2E 288
#define C_EPS 320
#define C_CLIP 352
#define C_NEGCLIP 384
#define C_LO 416
#define C_HI 448
#define C_MAGIC 480
#define C_P0 512
#define C_P1 544
#define C_P2 576
#define C_P3 608
#define C_P4 640
#define C_P5 672
#define C_P6 704
#define C_P7 736
#define C_P8 768
#define C_Q0 800
#define C_Q1 832
#define C_Q2 864
#define C_Q3 896
#define C_Q4 928
#define C_Q5 960
#define C_MANT 992
#define C_ONEBITS 1024
#define C_BIAS 1056
#define C_OPA 1088
#define C_OPR 1120
#define C_OPL 1152
#define C_OPINDEX 1184
#define C_DIM 1216

// func sgdKernelAVX2(pos *float32, ops *uint32, snap *float32, stride, steps, dim int, c *sgdConsts)
//
// sgdKernelGeneric on 8 lanes at a time with AVX2 (no FMA: every product is
// rounded, as in the Go kernel, so both give the same bits). The other
// points are gathered from snap into row t of pos, which then holds o
// until the step overwrites it with the new position. Registers: R9 row
// t − 1 of group 0, R11 its ops of step t; SI, DI and R12 the same and
// row t for the current group (R13 counts the groups down); R8 and R14 the
// group strides of pos and ops in bytes; BX bytes per row (dim × 32); AX
// the coordinate offset; R10 snap; DX the constants.
TEXT ·sgdKernelAVX2(SB), NOSPLIT, $0-56
	MOVQ pos+0(FP), R9
	MOVQ ops+8(FP), R11
	MOVQ snap+16(FP), R10
	MOVQ stride+24(FP), R14
	MOVQ steps+32(FP), CX
	MOVQ dim+40(FP), BX
	MOVQ c+48(FP), DX
	SHLQ $5, BX
	MOVQ R14, R8
	IMULQ BX, R8
	SHLQ $5, R14
	ADDQ $32, R11
	DECQ CX
	VMOVUPS C_CLIP(DX), Y13
	VMOVUPS C_G2B(DX), Y14

step:
	MOVQ R9, SI
	MOVQ R11, R12
	MOVQ $4, R13

group:
	LEAQ    (SI)(BX*1), DI
	VMOVDQU (R12), Y15
	VPAND   C_OPINDEX(DX), Y15, Y9
	VPMULLD C_DIM(DX), Y9, Y9
	VPSRLD  $30, Y15, Y15
	XORQ    AX, AX

gather:
	VPCMPEQD   Y7, Y7, Y7
	VGATHERDPS Y7, (R10)(Y9*4), Y0
	VMOVUPS    Y0, (DI)(AX*1)
	VPCMPEQD   Y7, Y7, Y7
	VPSUBD     Y7, Y9, Y9
	ADDQ       $32, AX
	CMPQ       AX, BX
	JLT        gather

	// d² = Σ (y − o)²
	VXORPS Y1, Y1, Y1
	XORQ   AX, AX

sqdist:
	VMOVUPS (SI)(AX*1), Y0
	VSUBPS  (DI)(AX*1), Y0, Y0
	VMULPS  Y0, Y0, Y0
	VADDPS  Y0, Y1, Y1
	ADDQ    $32, AX
	CMPQ    AX, BX
	JLT     sqdist
	// log2 max(d², 2⁻¹²⁶): exponent e in Y2, mantissa m in Y3.
	VMAXPS    C_MINNORM(DX), Y1, Y0
	VPSRLD    $23, Y0, Y2
	VPSUBD    C_BIAS(DX), Y2, Y2
	VCVTDQ2PS Y2, Y2
	VPAND     C_MANT(DX), Y0, Y3
	VPOR      C_ONEBITS(DX), Y3, Y3
	VCMPPS    $0x1e, C_SQRT2(DX), Y3, Y4
	VMULPS    C_HALF(DX), Y3, Y5
	VBLENDVPS Y4, Y5, Y3, Y3
	VANDPS    C_ONE(DX), Y4, Y4
	VADDPS    Y4, Y2, Y2
	VSUBPS    C_ONE(DX), Y3, Y3
	VMULPS    Y3, Y3, Y4
	VMULPS    Y4, Y4, Y5
	VMULPS    C_P7(DX), Y3, Y6
	VADDPS    C_P8(DX), Y6, Y6
	VMULPS    C_P5(DX), Y3, Y7
	VADDPS    C_P6(DX), Y7, Y7
	VMULPS    C_P3(DX), Y3, Y8
	VADDPS    C_P4(DX), Y8, Y8
	VMULPS    C_P1(DX), Y3, Y9
	VADDPS    C_P2(DX), Y9, Y9
	VMULPS    Y4, Y7, Y7
	VADDPS    Y7, Y6, Y6
	VMULPS    Y4, Y9, Y9
	VADDPS    Y9, Y8, Y8
	VMULPS    Y5, Y8, Y8
	VADDPS    Y8, Y6, Y6
	VMULPS    Y5, Y5, Y5
	VMULPS    C_P0(DX), Y5, Y5
	VADDPS    Y5, Y6, Y5
	VMULPS    Y3, Y5, Y5
	VMULPS    Y4, Y5, Y5
	VMULPS    C_HALF(DX), Y4, Y4
	VSUBPS    Y4, Y5, Y5
	VADDPS    Y5, Y3, Y3
	VMULPS    C_LOG2E(DX), Y3, Y3
	VADDPS    Y3, Y2, Y2

	// p = 2^z, z = clamp((b − 1)·log2, ±126) = n + r: Y4.
	VMULPS     C_BM1(DX), Y2, Y2
	VMAXPS     C_LO(DX), Y2, Y2
	VMINPS     C_HI(DX), Y2, Y2
	VADDPS     C_MAGIC(DX), Y2, Y3
	VSUBPS     C_MAGIC(DX), Y3, Y3
	VSUBPS     Y3, Y2, Y2
	VMULPS     Y2, Y2, Y4
	VMULPS     C_Q4(DX), Y2, Y5
	VADDPS     C_Q5(DX), Y5, Y5
	VMULPS     C_Q2(DX), Y2, Y6
	VADDPS     C_Q3(DX), Y6, Y6
	VMULPS     C_Q0(DX), Y2, Y7
	VADDPS     C_Q1(DX), Y7, Y7
	VMULPS     Y4, Y6, Y6
	VADDPS     Y6, Y5, Y5
	VMULPS     Y4, Y4, Y4
	VMULPS     Y4, Y7, Y7
	VADDPS     Y7, Y5, Y5
	VMULPS     Y2, Y5, Y5
	VADDPS     C_ONE(DX), Y5, Y4
	VCVTTPS2DQ Y3, Y3
	VPADDD     C_BIAS(DX), Y3, Y3
	VPSLLD     $23, Y3, Y3
	VMULPS     Y3, Y4, Y4

	// s = a·p·d² + 1 (Y5); attraction −2ab·p / s, negative sample
	// 2γb / ((d² + 0.001)·s): one division, coefficient in Y6.
	VMULPS    C_A(DX), Y4, Y5
	VMULPS    Y1, Y5, Y5
	VADDPS    C_ONE(DX), Y5, Y5
	VMULPS    C_AB2(DX), Y4, Y6
	VADDPS    C_EPS(DX), Y1, Y7
	VMULPS    Y5, Y7, Y7
	VPCMPEQD  C_OPA(DX), Y15, Y8
	VBLENDVPS Y8, Y6, Y14, Y6
	VBLENDVPS Y8, Y5, Y7, Y5
	VDIVPS    Y5, Y6, Y6

	// d² = 0: no attraction (Y6 = 0), a negative sample moves by +4α
	// (mask Y10).
	VXORPS    Y9, Y9, Y9
	VCMPPS    $0, Y9, Y1, Y10
	VANDPS    Y8, Y10, Y11
	VANDNPS   Y6, Y11, Y6
	VPCMPEQD  C_OPR(DX), Y15, Y12
	VANDPS    Y12, Y10, Y10
	VPOR      Y12, Y8, Y8
	VPCMPEQD  C_OPL(DX), Y15, Y12

	// y += α·clip(c·(y − o), ±4) where the step is active; o where it
	// loads; y otherwise.
	XORQ AX, AX

update:
	VMOVUPS   (SI)(AX*1), Y0
	VMOVUPS   (DI)(AX*1), Y1
	VSUBPS    Y1, Y0, Y2
	VMULPS    Y6, Y2, Y2
	VMAXPS    C_NEGCLIP(DX), Y2, Y2
	VMINPS    Y13, Y2, Y2
	VBLENDVPS Y10, Y13, Y2, Y2
	VMULPS    C_ALPHA(DX), Y2, Y2
	VADDPS    Y2, Y0, Y2
	VBLENDVPS Y8, Y2, Y0, Y2
	VBLENDVPS Y12, Y1, Y2, Y2
	VMOVUPS   Y2, (DI)(AX*1)
	ADDQ      $32, AX
	CMPQ      AX, BX
	JLT       update

	ADDQ R8, SI
	ADDQ R14, R12
	DECQ R13
	JNZ  group

	ADDQ BX, R9
	ADDQ $32, R11
	DECQ CX
	JNZ  step

	VZEROUPPER
	RET
