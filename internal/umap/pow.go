package umap

import "math"

// powPos returns x^y for finite x > 0 and moderate y as 2^(y·log2 x), with
// a relative error below 1e-9 — far inside the float32 precision of the
// layout — at a fraction of math.Pow's cost. log2 uses the series
// log(m) = 2·atanh((m−1)/(m+1)) on m ∈ [√½, √2); 2^f uses a degree-9
// Taylor polynomial on f ∈ [−½, ½].
func powPos(x, y float64) float64 {
	bits := math.Float64bits(x)
	e := int((bits>>52)&0x7ff) - 1023
	if e == -1023 { // subnormal: fall back
		return math.Pow(x, y)
	}
	m := math.Float64frombits(bits&^(0x7ff<<52) | 1023<<52) // [1, 2)
	if m > math.Sqrt2 {
		m /= 2
		e++
	}
	t := (m - 1) / (m + 1)
	t2 := t * t
	// 2·atanh(t)/ln 2 = (2/ln2)·(t + t³/3 + t⁵/5 + t⁷/7 + t⁹/9 + t¹¹/11)
	lg := float64(e) + t*(2/math.Ln2)*(1+t2*(1.0/3+t2*(1.0/5+t2*(1.0/7+t2*(1.0/9+t2*(1.0/11))))))
	z := y * lg
	if z > 1000 || z < -1000 {
		return math.Exp2(z)
	}
	i := math.Floor(z + 0.5)
	f := (z - i) * math.Ln2 // |f| ≤ ln2/2
	p := 1 + f*(1+f*(1.0/2+f*(1.0/6+f*(1.0/24+f*(1.0/120+f*(1.0/720+f*(1.0/5040+f*(1.0/40320+f*(1.0/362880)))))))))
	return p * math.Float64frombits(uint64(int64(i)+1023)<<52)
}
