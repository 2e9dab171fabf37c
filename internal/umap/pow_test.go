package umap

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPow32 checks pow32's relative error bound against math.Pow for x from
// 2⁻¹²⁶ to 2⁴⁰ and |y| ≤ 2 (the SGD's exponent is b − 1, |b − 1| < 1): at
// most 5·10⁻⁷ + 1.5·10⁻⁷·|z|, z = y·log2 x, the float32 rounding of z
// being what grows with |z|. For the squared distances of a layout (10⁻⁸
// to 10⁸, |z| < 27) that is below 5·10⁻⁶.
func TestPow32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	check := func(x, y float32) {
		want := math.Pow(float64(x), float64(y))
		z := float64(y) * math.Log2(float64(x))
		if z < -126 || z > 126 {
			return // clamped
		}
		bound := 5e-7 + 1.5e-7*math.Abs(z)
		got := float64(pow32(x, y))
		rel := math.Abs(got-want) / want
		worst = max(worst, rel/bound)
		if rel > bound {
			t.Fatalf("pow32(%g, %g) = %g, want %g (relative error %.3g > %g)", x, y, got, want, rel, bound)
		}
	}
	for range 500000 {
		x := float32(math.Exp2(-126 + 166*rng.Float64())) // 2⁻¹²⁶ … 2⁴⁰
		y := float32(4 * (rng.Float64() - 0.5))
		check(x, y)
	}
	for _, c := range [][2]float32{{1, 0.79}, {2, 0.79}, {0.5, -0.2}, {math.Sqrt2, 1.3}, {minNormal32, -0.2095}, {minNormal32, 0.5}, {math.MaxFloat32, 0.5}, {1.4142135, -0.2}, {1.4142137, -0.2}} {
		check(c[0], c[1])
	}
	t.Logf("largest relative error: %.2f of the bound", worst)
	// Clamped: 2^−126 and 2^126 at the ends.
	if got := pow32(minNormal32, 2); got != minNormal32 {
		t.Errorf("pow32(2⁻¹²⁶, 2) = %g, want the clamp 2⁻¹²⁶", got)
	}
	if got := pow32(math.MaxFloat32, 2); got != 0x1p126 {
		t.Errorf("pow32(MaxFloat32, 2) = %g, want the clamp 2¹²⁶", got)
	}
}

func BenchmarkPow32(b *testing.B) {
	x, y := float32(3.7), float32(-0.2095)
	var s float32
	for b.Loop() {
		s += pow32(x, y)
		x += 1e-3
	}
	_ = s
}
