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
// sgdKernelGeneric on 8 lanes at a time (half a group) with AVX2 (no FMA:
// every product is rounded, as in the Go kernel, so both give the same
// bits). The other points are gathered from snap into row t of pos, which
// then holds o until the step overwrites it with the new position.
// Registers: R9 row t − 1 of group 0, R11 its ops of step t; SI, DI and
// R12 the same and row t for the current half group (R13 counts them up);
// R8 and R14 the group strides of pos and ops in bytes; BX bytes per row
// (dim × 64); AX the coordinate offset; R10 snap; DX the constants.
TEXT ·sgdKernelAVX2(SB), NOSPLIT, $0-56
	MOVQ pos+0(FP), R9
	MOVQ ops+8(FP), R11
	MOVQ snap+16(FP), R10
	MOVQ stride+24(FP), R14
	MOVQ steps+32(FP), CX
	MOVQ dim+40(FP), BX
	MOVQ c+48(FP), DX
	SHLQ $6, BX
	MOVQ R14, R8
	IMULQ BX, R8
	SHLQ $6, R14
	ADDQ $64, R11
	DECQ CX
	VMOVUPS C_CLIP(DX), Y13
	VMOVUPS C_G2B(DX), Y14

step:
	MOVQ R9, SI
	MOVQ R11, R12
	XORQ R13, R13

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
	ADDQ       $64, AX
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
	ADDQ    $64, AX
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
	ADDQ      $64, AX
	CMPQ      AX, BX
	JLT       update

	// Next half group: the upper 8 lanes of this group, or the next group.
	INCQ  R13
	TESTQ $1, R13
	JZ    nextgroup
	ADDQ  $32, SI
	ADDQ  $32, R12
	JMP   group

nextgroup:
	SUBQ $32, SI
	ADDQ R8, SI
	SUBQ $32, R12
	ADDQ R14, R12
	CMPQ R13, $4
	JLT  group

	ADDQ BX, R9
	ADDQ $64, R11
	DECQ CX
	JNZ  step

	VZEROUPPER
	RET

// func sgdKernelAVX512(pos *float32, ops *uint32, snap *float32, stride, steps, dim int, c *sgdConsts)
//
// sgdKernelAVX2 with a whole group of 16 lanes per instruction: the same
// operations in the same order, masks in K registers, constants broadcast
// from their first lane. Registers as in sgdKernelAVX2, R13 counting the
// groups down; K1 attraction, K2 negative sample with d² = 0, K3 active
// (attraction or negative sample), K4 load, K5 attraction with d² = 0, K6
// gather mask and mantissa ≥ √2.
TEXT ·sgdKernelAVX512(SB), NOSPLIT, $0-56
	MOVQ pos+0(FP), R9
	MOVQ ops+8(FP), R11
	MOVQ snap+16(FP), R10
	MOVQ stride+24(FP), R14
	MOVQ steps+32(FP), CX
	MOVQ dim+40(FP), BX
	MOVQ c+48(FP), DX
	SHLQ $6, BX
	MOVQ R14, R8
	IMULQ BX, R8
	SHLQ $6, R14
	ADDQ $64, R11
	DECQ CX
	VBROADCASTSS C_CLIP(DX), Z13
	VBROADCASTSS C_G2B(DX), Z14
	VPXORD       Z12, Z12, Z12
	CMPQ         BX, $128
	JEQ          step512d2

step512:
	MOVQ R9, SI
	MOVQ R11, R12
	MOVQ $2, R13

group512:
	LEAQ           (SI)(BX*1), DI
	VMOVDQU32      (R12), Z15
	VPANDD.BCST    C_OPINDEX(DX), Z15, Z9
	VPMULLD.BCST   C_DIM(DX), Z9, Z9
	VPSRLD         $30, Z15, Z15
	VPBROADCASTD   C_OPA(DX), Z11 // the integer 1
	XORQ           AX, AX

gather512:
	KXNORW     K6, K6, K6
	VGATHERDPS (R10)(Z9*4), K6, Z0
	VMOVUPS    Z0, (DI)(AX*1)
	VPADDD     Z11, Z9, Z9
	ADDQ       $64, AX
	CMPQ       AX, BX
	JLT        gather512

	// d² = Σ (y − o)²
	VPXORD Z1, Z1, Z1
	XORQ   AX, AX

sqdist512:
	VMOVUPS (SI)(AX*1), Z0
	VSUBPS  (DI)(AX*1), Z0, Z0
	VMULPS  Z0, Z0, Z0
	VADDPS  Z0, Z1, Z1
	ADDQ    $64, AX
	CMPQ    AX, BX
	JLT     sqdist512

	// log2 max(d², 2⁻¹²⁶): exponent e in Z2, mantissa m in Z3.
	VMAXPS.BCST  C_MINNORM(DX), Z1, Z0
	VPSRLD       $23, Z0, Z2
	VPSUBD.BCST  C_BIAS(DX), Z2, Z2
	VCVTDQ2PS    Z2, Z2
	VPANDD.BCST  C_MANT(DX), Z0, Z3
	VPORD.BCST   C_ONEBITS(DX), Z3, Z3
	VCMPPS.BCST  $0x1e, C_SQRT2(DX), Z3, K6
	VMULPS.BCST  C_HALF(DX), Z3, K6, Z3
	VADDPS.BCST  C_ONE(DX), Z2, K6, Z2
	VSUBPS.BCST  C_ONE(DX), Z3, Z3
	VMULPS       Z3, Z3, Z4
	VMULPS       Z4, Z4, Z5
	VMULPS.BCST  C_P7(DX), Z3, Z6
	VADDPS.BCST  C_P8(DX), Z6, Z6
	VMULPS.BCST  C_P5(DX), Z3, Z7
	VADDPS.BCST  C_P6(DX), Z7, Z7
	VMULPS.BCST  C_P3(DX), Z3, Z8
	VADDPS.BCST  C_P4(DX), Z8, Z8
	VMULPS.BCST  C_P1(DX), Z3, Z10
	VADDPS.BCST  C_P2(DX), Z10, Z10
	VMULPS       Z4, Z7, Z7
	VADDPS       Z7, Z6, Z6
	VMULPS       Z4, Z10, Z10
	VADDPS       Z10, Z8, Z8
	VMULPS       Z5, Z8, Z8
	VADDPS       Z8, Z6, Z6
	VMULPS       Z5, Z5, Z5
	VMULPS.BCST  C_P0(DX), Z5, Z5
	VADDPS       Z5, Z6, Z5
	VMULPS       Z3, Z5, Z5
	VMULPS       Z4, Z5, Z5
	VMULPS.BCST  C_HALF(DX), Z4, Z4
	VSUBPS       Z4, Z5, Z5
	VADDPS       Z5, Z3, Z3
	VMULPS.BCST  C_LOG2E(DX), Z3, Z3
	VADDPS       Z3, Z2, Z2

	// p = 2^z, z = clamp((b − 1)·log2, ±126) = n + r: Z4.
	VMULPS.BCST  C_BM1(DX), Z2, Z2
	VMAXPS.BCST  C_LO(DX), Z2, Z2
	VMINPS.BCST  C_HI(DX), Z2, Z2
	VADDPS.BCST  C_MAGIC(DX), Z2, Z3
	VSUBPS.BCST  C_MAGIC(DX), Z3, Z3
	VSUBPS       Z3, Z2, Z2
	VMULPS       Z2, Z2, Z4
	VMULPS.BCST  C_Q4(DX), Z2, Z5
	VADDPS.BCST  C_Q5(DX), Z5, Z5
	VMULPS.BCST  C_Q2(DX), Z2, Z6
	VADDPS.BCST  C_Q3(DX), Z6, Z6
	VMULPS.BCST  C_Q0(DX), Z2, Z7
	VADDPS.BCST  C_Q1(DX), Z7, Z7
	VMULPS       Z4, Z6, Z6
	VADDPS       Z6, Z5, Z5
	VMULPS       Z4, Z4, Z4
	VMULPS       Z4, Z7, Z7
	VADDPS       Z7, Z5, Z5
	VMULPS       Z2, Z5, Z5
	VADDPS.BCST  C_ONE(DX), Z5, Z4
	VCVTTPS2DQ   Z3, Z3
	VPADDD.BCST  C_BIAS(DX), Z3, Z3
	VPSLLD       $23, Z3, Z3
	VMULPS       Z3, Z4, Z4

	// s = a·p·d² + 1 (Z5); attraction −2ab·p / s, negative sample
	// 2γb / ((d² + 0.001)·s): one division, coefficient in Z6.
	VMULPS.BCST   C_A(DX), Z4, Z5
	VMULPS        Z1, Z5, Z5
	VADDPS.BCST   C_ONE(DX), Z5, Z5
	VPCMPEQD.BCST C_OPA(DX), Z15, K1
	VMOVAPS       Z14, Z6
	VMULPS.BCST   C_AB2(DX), Z4, K1, Z6
	VADDPS.BCST   C_EPS(DX), Z1, Z7
	VMULPS        Z5, Z7, Z7
	VMOVAPS       Z5, K1, Z7
	VDIVPS        Z7, Z6, Z6

	// d² = 0: no attraction (Z6 = 0), a negative sample moves by +4α (K2).
	VCMPPS        $0, Z12, Z1, K2
	KANDW         K1, K2, K5
	VPXORD        Z6, Z6, K5, Z6
	VPCMPEQD.BCST C_OPR(DX), Z15, K3
	KANDW         K3, K2, K2
	KORW          K1, K3, K3
	VPCMPEQD.BCST C_OPL(DX), Z15, K4

	// y += α·clip(c·(y − o), ±4) where the step is active; o where it
	// loads; y otherwise.
	XORQ AX, AX

update512:
	VMOVUPS     (SI)(AX*1), Z0
	VMOVUPS     (DI)(AX*1), Z1
	VSUBPS      Z1, Z0, Z2
	VMULPS      Z6, Z2, Z2
	VMAXPS.BCST C_NEGCLIP(DX), Z2, Z2
	VMINPS      Z13, Z2, Z2
	VMOVAPS     Z13, K2, Z2
	VMULPS.BCST C_ALPHA(DX), Z2, Z2
	VADDPS      Z2, Z0, Z2
	VMOVAPS     Z2, K3, Z0
	VMOVAPS     Z1, K4, Z0
	VMOVUPS     Z0, (DI)(AX*1)
	ADDQ        $64, AX
	CMPQ        AX, BX
	JLT         update512

	ADDQ R8, SI
	ADDQ R14, R12
	DECQ R13
	JNZ  group512

	ADDQ BX, R9
	ADDQ $64, R11
	DECQ CX
	JNZ  step512

	VZEROUPPER
	RET

	// The same for dim = 2, the coordinates in registers: y in Z18, Z19,
	// o in Z16, Z17, y − o in Z20, Z21.
step512d2:
	MOVQ R9, SI
	MOVQ R11, R12
	MOVQ $2, R13

group512d2:
	LEAQ        (SI)(BX*1), DI
	VMOVDQU32   (R12), Z15
	VPANDD.BCST C_OPINDEX(DX), Z15, Z9
	VPSLLD      $1, Z9, Z9
	VPSRLD      $30, Z15, Z15
	KXNORW      K6, K6, K6
	VGATHERDPS  (R10)(Z9*4), K6, Z16
	KXNORW      K6, K6, K6
	VGATHERDPS  4(R10)(Z9*4), K6, Z17

	// d² = Σ (y − o)²
	VMOVUPS (SI), Z18
	VMOVUPS 64(SI), Z19
	VSUBPS  Z16, Z18, Z20
	VSUBPS  Z17, Z19, Z21
	VPXORD  Z1, Z1, Z1
	VMULPS  Z20, Z20, Z0
	VADDPS  Z0, Z1, Z1
	VMULPS  Z21, Z21, Z0
	VADDPS  Z0, Z1, Z1

	// log2 max(d², 2⁻¹²⁶): exponent e in Z2, mantissa m in Z3.
	VMAXPS.BCST  C_MINNORM(DX), Z1, Z0
	VPSRLD       $23, Z0, Z2
	VPSUBD.BCST  C_BIAS(DX), Z2, Z2
	VCVTDQ2PS    Z2, Z2
	VPANDD.BCST  C_MANT(DX), Z0, Z3
	VPORD.BCST   C_ONEBITS(DX), Z3, Z3
	VCMPPS.BCST  $0x1e, C_SQRT2(DX), Z3, K6
	VMULPS.BCST  C_HALF(DX), Z3, K6, Z3
	VADDPS.BCST  C_ONE(DX), Z2, K6, Z2
	VSUBPS.BCST  C_ONE(DX), Z3, Z3
	VMULPS       Z3, Z3, Z4
	VMULPS       Z4, Z4, Z5
	VMULPS.BCST  C_P7(DX), Z3, Z6
	VADDPS.BCST  C_P8(DX), Z6, Z6
	VMULPS.BCST  C_P5(DX), Z3, Z7
	VADDPS.BCST  C_P6(DX), Z7, Z7
	VMULPS.BCST  C_P3(DX), Z3, Z8
	VADDPS.BCST  C_P4(DX), Z8, Z8
	VMULPS.BCST  C_P1(DX), Z3, Z10
	VADDPS.BCST  C_P2(DX), Z10, Z10
	VMULPS       Z4, Z7, Z7
	VADDPS       Z7, Z6, Z6
	VMULPS       Z4, Z10, Z10
	VADDPS       Z10, Z8, Z8
	VMULPS       Z5, Z8, Z8
	VADDPS       Z8, Z6, Z6
	VMULPS       Z5, Z5, Z5
	VMULPS.BCST  C_P0(DX), Z5, Z5
	VADDPS       Z5, Z6, Z5
	VMULPS       Z3, Z5, Z5
	VMULPS       Z4, Z5, Z5
	VMULPS.BCST  C_HALF(DX), Z4, Z4
	VSUBPS       Z4, Z5, Z5
	VADDPS       Z5, Z3, Z3
	VMULPS.BCST  C_LOG2E(DX), Z3, Z3
	VADDPS       Z3, Z2, Z2

	// p = 2^z, z = clamp((b − 1)·log2, ±126) = n + r: Z4.
	VMULPS.BCST  C_BM1(DX), Z2, Z2
	VMAXPS.BCST  C_LO(DX), Z2, Z2
	VMINPS.BCST  C_HI(DX), Z2, Z2
	VADDPS.BCST  C_MAGIC(DX), Z2, Z3
	VSUBPS.BCST  C_MAGIC(DX), Z3, Z3
	VSUBPS       Z3, Z2, Z2
	VMULPS       Z2, Z2, Z4
	VMULPS.BCST  C_Q4(DX), Z2, Z5
	VADDPS.BCST  C_Q5(DX), Z5, Z5
	VMULPS.BCST  C_Q2(DX), Z2, Z6
	VADDPS.BCST  C_Q3(DX), Z6, Z6
	VMULPS.BCST  C_Q0(DX), Z2, Z7
	VADDPS.BCST  C_Q1(DX), Z7, Z7
	VMULPS       Z4, Z6, Z6
	VADDPS       Z6, Z5, Z5
	VMULPS       Z4, Z4, Z4
	VMULPS       Z4, Z7, Z7
	VADDPS       Z7, Z5, Z5
	VMULPS       Z2, Z5, Z5
	VADDPS.BCST  C_ONE(DX), Z5, Z4
	VCVTTPS2DQ   Z3, Z3
	VPADDD.BCST  C_BIAS(DX), Z3, Z3
	VPSLLD       $23, Z3, Z3
	VMULPS       Z3, Z4, Z4

	// s = a·p·d² + 1 (Z5); attraction −2ab·p / s, negative sample
	// 2γb / ((d² + 0.001)·s): one division, coefficient in Z6.
	VMULPS.BCST   C_A(DX), Z4, Z5
	VMULPS        Z1, Z5, Z5
	VADDPS.BCST   C_ONE(DX), Z5, Z5
	VPCMPEQD.BCST C_OPA(DX), Z15, K1
	VMOVAPS       Z14, Z6
	VMULPS.BCST   C_AB2(DX), Z4, K1, Z6
	VADDPS.BCST   C_EPS(DX), Z1, Z7
	VMULPS        Z5, Z7, Z7
	VMOVAPS       Z5, K1, Z7
	VDIVPS        Z7, Z6, Z6

	// d² = 0: no attraction (Z6 = 0), a negative sample moves by +4α (K2).
	VCMPPS        $0, Z12, Z1, K2
	KANDW         K1, K2, K5
	VPXORD        Z6, Z6, K5, Z6
	VPCMPEQD.BCST C_OPR(DX), Z15, K3
	KANDW         K3, K2, K2
	KORW          K1, K3, K3
	VPCMPEQD.BCST C_OPL(DX), Z15, K4

	// y += α·clip(c·(y − o), ±4) where the step is active; o where it
	// loads; y otherwise.
	VMULPS      Z6, Z20, Z2
	VMAXPS.BCST C_NEGCLIP(DX), Z2, Z2
	VMINPS      Z13, Z2, Z2
	VMOVAPS     Z13, K2, Z2
	VMULPS.BCST C_ALPHA(DX), Z2, Z2
	VADDPS      Z2, Z18, Z2
	VMOVAPS     Z2, K3, Z18
	VMOVAPS     Z16, K4, Z18
	VMOVUPS     Z18, (DI)
	VMULPS      Z6, Z21, Z2
	VMAXPS.BCST C_NEGCLIP(DX), Z2, Z2
	VMINPS      Z13, Z2, Z2
	VMOVAPS     Z13, K2, Z2
	VMULPS.BCST C_ALPHA(DX), Z2, Z2
	VADDPS      Z2, Z19, Z2
	VMOVAPS     Z2, K3, Z19
	VMOVAPS     Z17, K4, Z19
	VMOVUPS     Z19, 64(DI)

	ADDQ R8, SI
	ADDQ R14, R12
	DECQ R13
	JNZ  group512d2

	ADDQ BX, R9
	ADDQ $64, R11
	DECQ CX
	JNZ  step512d2

	VZEROUPPER
	RET

// func negSamplesAVX512(dst *uint32, count int, s, n uint64, self uint32) (hit bool)
//
// negSamplesGeneric for count a multiple of 16: eight numbers of the
// stream at a time in the lanes of Z0 (state s + iγ), SplitMix64's output
// function with 64-bit multiplies (AVX512DQ), then the two multiply-shifts
// of each number, low half first, interleaved as the two 32-bit halves of
// a lane.
TEXT ·negSamplesAVX512(SB), NOSPLIT, $0-41
	MOVQ dst+0(FP), DI
	MOVQ count+8(FP), CX
	MOVQ s+16(FP), AX
	MOVQ n+24(FP), BX
	MOVL self+32(FP), DX
	VPBROADCASTQ AX, Z0
	VPADDQ       ·negGammas(SB), Z0, Z0 // s + γ … s + 8γ
	MOVQ         $0x9e3779b97f4a7c15, AX
	SHLQ         $3, AX
	VPBROADCASTQ AX, Z1 // 8γ
	MOVQ         $0xbf58476d1ce4e5b9, AX
	VPBROADCASTQ AX, Z2
	MOVQ         $0x94d049bb133111eb, AX
	VPBROADCASTQ AX, Z3
	VPBROADCASTQ BX, Z4 // n
	MOVQ         $0xffffffff00000000, AX
	VPBROADCASTQ AX, Z5
	MOVL         $0x80000000, AX
	VPBROADCASTD AX, Z6 // opRepel
	VPBROADCASTD DX, Z7 // opRepel | self
	KXORW        K2, K2, K2
	SHRQ         $4, CX
	JZ           negdone

negloop:
	VPSRLQ   $30, Z0, Z8
	VPXORQ   Z0, Z8, Z8
	VPMULLQ  Z2, Z8, Z8
	VPSRLQ   $27, Z8, Z9
	VPXORQ   Z8, Z9, Z8
	VPMULLQ  Z3, Z8, Z8
	VPSRLQ   $31, Z8, Z9
	VPXORQ   Z8, Z9, Z8 // r
	VPMULUDQ Z4, Z8, Z9 // (r mod 2³²)·n
	VPSRLQ   $32, Z8, Z8
	VPMULUDQ Z4, Z8, Z8 // ⌊r / 2³²⌋·n
	VPSRLQ   $32, Z9, Z9
	VPANDQ   Z5, Z8, Z8
	VPORQ    Z9, Z8, Z8
	VPORD    Z6, Z8, Z8
	VPCMPEQD Z7, Z8, K1
	KORW     K1, K2, K2
	VMOVDQU32 Z8, (DI)
	VPADDQ   Z1, Z0, Z0
	ADDQ     $64, DI
	DECQ     CX
	JNZ      negloop

negdone:
	KORTESTW K2, K2
	SETNE    hit+40(FP)
	VZEROUPPER
	RET

// negGammas holds iγ for i = 1 … 8, γ SplitMix64's increment.
DATA ·negGammas+0(SB)/8, $0x9e3779b97f4a7c15
DATA ·negGammas+8(SB)/8, $0x3c6ef372fe94f82a
DATA ·negGammas+16(SB)/8, $0xdaa66d2c7ddf743f
DATA ·negGammas+24(SB)/8, $0x78dde6e5fd29f054
DATA ·negGammas+32(SB)/8, $0x1715609f7c746c69
DATA ·negGammas+40(SB)/8, $0xb54cda58fbbee87e
DATA ·negGammas+48(SB)/8, $0x538454127b096493
DATA ·negGammas+56(SB)/8, $0xf1bbcdcbfa53e0a8
GLOBL ·negGammas(SB), RODATA|NOPTR, $64

// func dueEdgesAVX512(dst *int32, clocks *edgeClock, m, lo int, n float64) (count int)
//
// dueEdgesGeneric for m a multiple of 8: eight clocks (two vectors) at a
// time, their next fields picked out by a permutation, compared with n, and
// the indices of those due packed to the front of a vector that is stored
// whole (dst needs 8 elements of room beyond the count).
TEXT ·dueEdgesAVX512(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         clocks+8(FP), SI
	MOVQ         m+16(FP), CX
	MOVQ         lo+24(FP), AX
	VBROADCASTSD n+32(FP), Z0
	VPBROADCASTD AX, Y1
	VPADDD       ·dueIota(SB), Y1, Y1 // lo … lo + 7
	VMOVDQU64    ·dueNexts(SB), Z2
	MOVL         $8, AX
	VPBROADCASTD AX, Y3
	XORQ         DX, DX
	SHRQ         $3, CX
	JZ           duedone

dueloop:
	VMOVUPD     (SI), Z4
	VMOVUPD     64(SI), Z5
	VMOVDQA64   Z2, Z6
	VPERMI2PD   Z5, Z4, Z6
	VCMPPD      $2, Z0, Z6, K1 // next ≤ n, false for NaN
	VPCOMPRESSD Y1, K1, Y7
	VMOVDQU32   Y7, (DI)(DX*4)
	KMOVB       K1, AX
	POPCNTL     AX, AX
	ADDQ        AX, DX
	VPADDD      Y3, Y1, Y1
	ADDQ        $128, SI
	DECQ        CX
	JNZ         dueloop

duedone:
	MOVQ DX, count+40(FP)
	VZEROUPPER
	RET

// dueIota holds 0 … 7; dueNexts the VPERMI2PD indices of the even
// quadwords of two vectors (the next fields of eight clocks).
DATA ·dueIota+0(SB)/4, $0
DATA ·dueIota+4(SB)/4, $1
DATA ·dueIota+8(SB)/4, $2
DATA ·dueIota+12(SB)/4, $3
DATA ·dueIota+16(SB)/4, $4
DATA ·dueIota+20(SB)/4, $5
DATA ·dueIota+24(SB)/4, $6
DATA ·dueIota+28(SB)/4, $7
GLOBL ·dueIota(SB), RODATA|NOPTR, $32

DATA ·dueNexts+0(SB)/8, $0
DATA ·dueNexts+8(SB)/8, $2
DATA ·dueNexts+16(SB)/8, $4
DATA ·dueNexts+24(SB)/8, $6
DATA ·dueNexts+32(SB)/8, $8
DATA ·dueNexts+40(SB)/8, $10
DATA ·dueNexts+48(SB)/8, $12
DATA ·dueNexts+56(SB)/8, $14
GLOBL ·dueNexts(SB), RODATA|NOPTR, $64
