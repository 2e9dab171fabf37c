package umap

import "math"

// Coefficients of the float32 logarithm and exponential of Cephes
// (S. L. Moshier, logf.c and exp2f.c): ln(1 + f) = f − f²/2 + f³·P(f) for
// f in [√½ − 1, √2 − 1], and 2^r = 1 + r·Q(r) for r in [−½, ½].
const (
	logP0 = 7.0376836292e-2
	logP1 = -1.1514610310e-1
	logP2 = 1.1676998740e-1
	logP3 = -1.2420140846e-1
	logP4 = 1.4249322787e-1
	logP5 = -1.6668057665e-1
	logP6 = 2.0000714765e-1
	logP7 = -2.4999993993e-1
	logP8 = 3.3333331174e-1

	exp2Q0 = 1.535336188319500e-4
	exp2Q1 = 1.339887440266574e-3
	exp2Q2 = 9.618437357674640e-3
	exp2Q3 = 5.550332471162809e-2
	exp2Q4 = 2.402264791363012e-1
	exp2Q5 = 6.931472028550421e-1

	// roundMagic is 1.5·2²³: (z + roundMagic) − roundMagic rounds a float32
	// |z| < 2²² to the nearest integer, ties to even.
	roundMagic = 12582912
	// minNormal32 is the smallest normal float32, 2⁻¹²⁶.
	minNormal32 = 0x1p-126
)

// pow32 returns x^y for x ≥ 2⁻¹²⁶ (a normal float32) as 2^(y·log2 x), the
// product clamped to [−126, 126], with float32 arithmetic only, in the
// order the SIMD kernels of sgdKernel use (so that all give the same
// bits): log2 x = e + ln(m)·log2(e) with the mantissa m in [√½, √2) and
// Cephes' logf polynomial, then 2^z = 2^n · 2^r with n = round(z) and
// Cephes' exp2f polynomial, both evaluated by Estrin's scheme. The
// relative error is at most 5·10⁻⁷ + 1.5·10⁻⁷·|y·log2 x| where the clamp
// does not apply (TestPow32): below 5·10⁻⁶ for the squared distances of a
// layout. Every product is converted to float32 explicitly so that no
// compiler fuses it into a multiply-add.
func pow32(x, y float32) float32 {
	bits := math.Float32bits(x)
	e := float32(int32(bits>>23) - 127)
	m := math.Float32frombits(bits&0x7fffff | 0x3f800000) // [1, 2)
	if m > math.Sqrt2 {
		m = float32(m * 0.5)
		e = e + 1
	}
	f := m - 1
	// P(f) by Estrin's scheme (a shorter dependency chain than Horner's).
	z := float32(f * f)
	z4 := float32(z * z)
	q0 := float32(logP7*f) + logP8
	q1 := float32(logP5*f) + logP6
	q2 := float32(logP3*f) + logP4
	q3 := float32(logP1*f) + logP2
	r0 := q0 + float32(q1*z)
	r1 := q2 + float32(q3*z)
	p := r0 + float32(r1*z4)
	p = p + float32(logP0*float32(z4*z4))
	t := float32(float32(p*f) * z)
	t = t - float32(0.5*z)
	ln := f + t
	lg := e + float32(ln*math.Log2E)
	return exp2f32(float32(y * lg))
}

// exp2f32 returns 2^z for z clamped to [−126, 126], as pow32 does.
func exp2f32(z float32) float32 {
	z = min(max(z, -126), 126)
	n := float32(z+roundMagic) - roundMagic
	r := z - n
	r2 := float32(r * r)
	a0 := float32(exp2Q4*r) + exp2Q5
	a1 := float32(exp2Q2*r) + exp2Q3
	a2 := float32(exp2Q0*r) + exp2Q1
	q := a0 + float32(a1*r2)
	q = q + float32(a2*float32(r2*r2))
	q = float32(q*r) + 1
	return float32(q * math.Float32frombits(uint32(int32(n)+127)<<23))
}
