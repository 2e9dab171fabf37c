package umap

import "math"

// FindAB fits the low-dimensional membership curve 1/(1 + a·x^(2b)) to the
// target curve that is 1 for x < minDist and exp(−(x − minDist)/spread)
// beyond, sampled at 300 points evenly spaced on [0, 3·spread], by least
// squares. It follows umap-learn's find_ab_params (umap/umap_.py), which
// calls scipy.optimize.curve_fit (MINPACK Levenberg–Marquardt) from
// a = b = 1; this is a Levenberg–Marquardt iteration with the analytic
// Jacobian from the same start, so it converges to the same minimum.
//
// For spread 1: minDist 0 gives a ≈ 1.929, b ≈ 0.7915; 0.1 gives
// a ≈ 1.577, b ≈ 0.8951; 0.5 gives a ≈ 0.583, b ≈ 1.334.
func FindAB(spread, minDist float64) (a, b float64) {
	const m = 300
	xs := make([]float64, m)
	ys := make([]float64, m)
	for i := range m {
		x := 3 * spread * float64(i) / float64(m-1)
		xs[i] = x
		if x < minDist {
			ys[i] = 1
		} else {
			ys[i] = math.Exp(-(x - minDist) / spread)
		}
	}
	cost := func(a, b float64) float64 {
		var s float64
		for i, x := range xs {
			r := 1/(1+a*math.Pow(x, 2*b)) - ys[i]
			s += r * r
		}
		return s
	}
	a, b = 1, 1
	c := cost(a, b)
	lambda := 1e-3
	for iter := 0; iter < 1000; iter++ {
		// Normal equations JᵀJ·δ = −Jᵀr for the residuals r = f − y.
		var jaa, jab, jbb, ga, gb float64
		for i, x := range xs {
			if x == 0 {
				continue // f(0) = 1 for every a, b: zero derivatives
			}
			p := math.Pow(x, 2*b)
			den := 1 + a*p
			f := 1 / den
			r := f - ys[i]
			da := -p / (den * den)
			db := -a * p * 2 * math.Log(x) / (den * den)
			jaa += da * da
			jab += da * db
			jbb += db * db
			ga += da * r
			gb += db * r
		}
		improved := false
		for try := 0; try < 60; try++ {
			// Marquardt's scaling: damp each parameter by its own curvature.
			haa := jaa * (1 + lambda)
			hbb := jbb * (1 + lambda)
			det := haa*hbb - jab*jab
			if det == 0 || math.IsNaN(det) {
				lambda *= 10
				continue
			}
			da := (-ga*hbb + gb*jab) / det
			db := (-gb*haa + ga*jab) / det
			na, nb := a+da, b+db
			nc := cost(na, nb)
			if nc < c && !math.IsNaN(nc) {
				rel := (c - nc) / c
				step := math.Hypot(da, db) / (math.Hypot(a, b) + 1e-300)
				a, b, c = na, nb, nc
				lambda = math.Max(lambda/10, 1e-15)
				improved = true
				if rel < 1e-15 || step < 1e-13 {
					return a, b
				}
				break
			}
			lambda *= 10
		}
		if !improved {
			return a, b
		}
	}
	return a, b
}
