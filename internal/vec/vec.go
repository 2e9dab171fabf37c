// Package vec provides float32 kernels over flat row-major matrices: dot
// products, squared Euclidean distances and row normalisation.
//
// A matrix of n rows and dim columns is a []float32 of length n*dim whose row
// i is data[i*dim:(i+1)*dim]. Length mismatches are programmer errors and
// panic.
//
// On amd64 processors with AVX2 and FMA, Dot and SquaredL2 run an assembly
// kernel (eight lanes, four independent accumulators); elsewhere they run a
// portable Go loop unrolled eight ways with four float32 accumulators. Both
// sum in float32, as numba's fastmath kernels in pynndescent do, so results
// differ from a sequential float64 sum by rounding only (relative error of
// order dim·2⁻²⁴).
package vec

import "math"

// Dot returns Σ a[i]·b[i]. It panics if len(a) != len(b).
func Dot(a, b []float32) float32 {
	if len(a) != len(b) {
		panic("vec: Dot of vectors with different lengths")
	}
	if useAsm && len(a) >= 16 {
		return dotAsm(a, b)
	}
	return dotGeneric(a, b)
}

// Dot4 sets dst[j] = a·b_j for the four vectors b0…b3 and returns dst. Each
// result is bit for bit Dot(a, b_j); where the AVX-512 kernel runs, a is read
// once for the four products, which makes one row against several (a row
// against candidate rows, or against several hyperplanes) cheaper than four
// calls of Dot. It panics if the lengths differ.
func Dot4(dst *[4]float32, a, b0, b1, b2, b3 []float32) *[4]float32 {
	if len(b0) != len(a) || len(b1) != len(a) || len(b2) != len(a) || len(b3) != len(a) {
		panic("vec: Dot4 of vectors with different lengths")
	}
	if useAsm && len(a) >= 16 {
		dot4Asm(dst, a, b0, b1, b2, b3)
		return dst
	}
	dst[0], dst[1], dst[2], dst[3] = dotGeneric(a, b0), dotGeneric(a, b1), dotGeneric(a, b2), dotGeneric(a, b3)
	return dst
}

// SquaredL2 returns Σ (a[i]−b[i])². It panics if len(a) != len(b).
func SquaredL2(a, b []float32) float32 {
	if len(a) != len(b) {
		panic("vec: SquaredL2 of vectors with different lengths")
	}
	if useAsm && len(a) >= 16 {
		return sqL2Asm(a, b)
	}
	return sqL2Generic(a, b)
}

// Norm returns the Euclidean norm √(Σ a[i]²), accumulated in float64.
func Norm(a []float32) float32 {
	var s float64
	for _, v := range a {
		s += float64(v) * float64(v)
	}
	return float32(math.Sqrt(s))
}

// NormalizeRows scales every row of the n×dim matrix data (n = len(data)/dim)
// to unit Euclidean norm, in place, and returns the indices of the rows that
// are entirely zero, which it leaves unchanged (nil when there are none). It
// panics if dim < 1 or len(data) is not a multiple of dim.
//
// Norms are accumulated in float64, so a normalised row has norm 1 within
// float32 rounding.
func NormalizeRows(data []float32, dim int) []int {
	if dim < 1 || len(data)%dim != 0 {
		panic("vec: NormalizeRows of a matrix whose length is not a multiple of dim")
	}
	var zero []int
	for i := 0; i*dim < len(data); i++ {
		row := data[i*dim : (i+1)*dim]
		if !NormalizeRow(row, row) {
			zero = append(zero, i)
		}
	}
	return zero
}

// NormalizeRow sets dst to src scaled to unit Euclidean norm, exactly as
// NormalizeRows scales a row, and reports true; for an all-zero src it
// leaves dst alone and reports false. dst may be src. It panics if
// len(dst) != len(src).
func NormalizeRow(dst, src []float32) bool {
	if len(dst) != len(src) {
		panic("vec: NormalizeRow into a row of another length")
	}
	nrm := float64(Norm(src))
	if nrm == 0 {
		return false
	}
	inv := 1 / nrm
	for j, v := range src {
		dst[j] = float32(float64(v) * inv)
	}
	return true
}

// dotNaive and sqL2Naive are the reference loops the kernels are tested and
// benchmarked against.
func dotNaive(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func sqL2Naive(a, b []float32) float32 {
	var s float32
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// dotGeneric is Dot unrolled eight ways into four accumulators, which breaks
// the dependency chain of the naive loop.
func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		aa := a[i : i+8 : i+8]
		bb := b[i : i+8 : i+8]
		s0 += aa[0]*bb[0] + aa[4]*bb[4]
		s1 += aa[1]*bb[1] + aa[5]*bb[5]
		s2 += aa[2]*bb[2] + aa[6]*bb[6]
		s3 += aa[3]*bb[3] + aa[7]*bb[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// sqL2Generic is SquaredL2 unrolled like dotGeneric.
func sqL2Generic(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		aa := a[i : i+8 : i+8]
		bb := b[i : i+8 : i+8]
		d0, d1, d2, d3 := aa[0]-bb[0], aa[1]-bb[1], aa[2]-bb[2], aa[3]-bb[3]
		d4, d5, d6, d7 := aa[4]-bb[4], aa[5]-bb[5], aa[6]-bb[6], aa[7]-bb[7]
		s0 += d0*d0 + d4*d4
		s1 += d1*d1 + d5*d5
		s2 += d2*d2 + d6*d6
		s3 += d3*d3 + d7*d7
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// DotBatch sets dst[j] = q·r_j for every row r_j of the len(dst)×len(q)
// row-major matrix rows, and returns dst. It panics if
// len(rows) != len(dst)·len(q).
func DotBatch(dst, q, rows []float32) []float32 {
	dim := len(q)
	if len(rows) != len(dst)*dim {
		panic("vec: DotBatch of a matrix whose size is not len(dst)×len(q)")
	}
	if useAsm && dim >= 16 {
		for j := range dst {
			dst[j] = dotAsm(q, rows[j*dim:(j+1)*dim])
		}
		return dst
	}
	for j := range dst {
		dst[j] = dotGeneric(q, rows[j*dim:(j+1)*dim])
	}
	return dst
}

// SquaredL2Batch sets dst[j] = ‖q − r_j‖² for every row r_j of the
// len(dst)×len(q) row-major matrix rows, and returns dst. It panics if
// len(rows) != len(dst)·len(q).
func SquaredL2Batch(dst, q, rows []float32) []float32 {
	dim := len(q)
	if len(rows) != len(dst)*dim {
		panic("vec: SquaredL2Batch of a matrix whose size is not len(dst)×len(q)")
	}
	if useAsm && dim >= 16 {
		for j := range dst {
			dst[j] = sqL2Asm(q, rows[j*dim:(j+1)*dim])
		}
		return dst
	}
	for j := range dst {
		dst[j] = sqL2Generic(q, rows[j*dim:(j+1)*dim])
	}
	return dst
}
