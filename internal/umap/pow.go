package umap

import "math"

// Tables of powPos: log2 and reciprocal of the centres of 256 mantissa
// intervals, and 2^(j/64).
var (
	log2Centre [256]float64
	invCentre  [256]float64
	exp2Frac   [64]float64
)

func init() {
	for i := range log2Centre {
		c := 1 + (float64(i)+0.5)/256
		log2Centre[i] = math.Log2(c)
		invCentre[i] = 1 / c
	}
	for j := range exp2Frac {
		exp2Frac[j] = math.Exp2(float64(j) / 64)
	}
}

// powPos returns x^y for finite x > 0 as 2^(y·log2 x), with a relative
// error below 1e-9 — far inside the float32 precision of the layout — in a
// fraction of math.Pow's time, which matters because the SGD evaluates it
// for every attraction and negative sample. log2: the mantissa is divided
// by the centre c of its 1/256-wide interval (tabulated) and
// log2(1 + r) = (r − r²/2 + r³/3)/ln 2 for |r| < 2⁻⁹; exp2: 2^(n/64) from a
// table times the cubic Taylor polynomial of 2^f for |f| ≤ 1/128.
func powPos(x, y float64) float64 {
	bits := math.Float64bits(x)
	be := (bits >> 52) & 0x7ff
	if be == 0 || be == 0x7ff { // subnormal, Inf or NaN
		return math.Pow(x, y)
	}
	i := (bits >> 44) & 0xff
	m := math.Float64frombits(bits&(1<<52-1) | 1023<<52) // [1, 2)
	r := m*invCentre[i] - 1
	lg := float64(int64(be)-1023) + log2Centre[i] + r*(1/math.Ln2)*(1+r*(-0.5+r*(1.0/3)))
	z := y * lg
	if z > 1000 || z < -1000 {
		return math.Exp2(z)
	}
	n := int64(z*64+65536.5) - 65536
	f := (z - float64(n)*(1.0/64)) * math.Ln2
	p := 1 + f*(1+f*(0.5+f*(1.0/6)))
	return p * exp2Frac[n&63] * math.Float64frombits(uint64((n>>6)+1023)<<52)
}
