package umap

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPowPos(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for range 200000 {
		x := math.Exp(40 * (rng.Float64() - 0.5)) // e^−20 … e^20
		y := 4 * (rng.Float64() - 0.5)
		got, want := powPos(x, y), math.Pow(x, y)
		if rel := math.Abs(got-want) / want; rel > worst {
			worst = rel
		}
		if rel := math.Abs(got-want) / want; rel > 1e-9 {
			t.Fatalf("powPos(%g, %g) = %g, want %g (relative error %g)", x, y, got, want, rel)
		}
	}
	for _, c := range [][2]float64{{1, 0.79}, {2, 0.79}, {0.5, -0.2}, {math.Sqrt2, 1.3}, {1e-300, 0.5}, {4e-320, 0.5}} {
		got, want := powPos(c[0], c[1]), math.Pow(c[0], c[1])
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("powPos(%g, %g) = %g, want %g", c[0], c[1], got, want)
		}
	}
}
