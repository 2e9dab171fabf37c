package quality

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The float32 SIMD path agrees with the float64 one to float32 rounding.
func TestFloat32Distances(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	ctx := context.Background()
	for _, tt := range []struct {
		n, dim int
		metric Metric
	}{
		{120, 5, Euclidean},
		{120, 5, Cosine},
		{150, 64, Euclidean},
		{150, 300, Cosine},
		{90, 2, Cosine},
	} {
		t.Run(fmt.Sprintf("%d-%v", tt.dim, tt.metric), func(t *testing.T) {
			data, labels := randomBlobs(rng, tt.n, tt.dim, 4, 2)
			data[0], data[1] = 0, 0 // a zero coordinate pair; rows stay non-zero
			exact, err := SilhouetteSamples(ctx, data, tt.n, tt.dim, labels, tt.metric, SilhouetteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			fast, err := SilhouetteSamples(ctx, data, tt.n, tt.dim, labels, tt.metric, SilhouetteOptions{Float32: true})
			if err != nil {
				t.Fatal(err)
			}
			for i := range exact {
				if math.Abs(fast[i]-exact[i]) > 1e-4 {
					t.Fatalf("SilhouetteSamples(Float32)[%d] = %v, want %v within 1e-4", i, fast[i], exact[i])
				}
			}
			low, _ := randomBlobs(rng, tt.n, 2, 4, 2)
			e, err := NeighborPreservation(ctx, data, tt.dim, low, 2, tt.n, 7, tt.metric, NeighborOptions{})
			if err != nil {
				t.Fatal(err)
			}
			f, err := NeighborPreservation(ctx, data, tt.dim, low, 2, tt.n, 7, tt.metric, NeighborOptions{Float32: true})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(f.Trustworthiness-e.Trustworthiness) > 1e-3 || math.Abs(f.Recall-e.Recall) > 1e-2 {
				t.Errorf("NeighborPreservation(Float32) = %+v, want about %+v", f, e)
			}
		})
	}
}
