package quality

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// unevenBlobs returns n points of dimension dim in k clusters whose sizes
// fall off geometrically (the first holds about half the points), so that
// blocks span one chunk, several chunks and a handful of points.
func unevenBlobs(rng *rand.Rand, n, dim, k int, spread float64) ([]float32, []int32) {
	data, _ := randomBlobs(rng, n, dim, k, spread)
	labels := make([]int32, n)
	for i := range labels {
		c := 0
		for c < k-1 && rng.IntN(2) == 1 {
			c++
		}
		labels[i] = int32(c)
		// move the point near its new cluster's first member
		if j := slices.Index(labels[:i], int32(c)); j >= 0 {
			for d := range dim {
				data[i*dim+d] = data[j*dim+d] + float32(rng.NormFloat64()*spread)
			}
		}
	}
	return data, labels
}

// The float32 path for 1 to 3 dimensions agrees with the exact float64 one.
func TestSilhouette2DAgainstExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	tests := []struct {
		name       string
		n, dim, k  int
		uneven     bool
		singletons int // points moved into clusters of their own
		duplicates int // points overwritten by copies of others
		offset     float32
	}{
		{"2d-blobs", 700, 2, 5, false, 0, 0, 0},
		{"2d-uneven", 1300, 2, 9, true, 0, 0, 0},
		{"2d-singletons", 400, 2, 4, false, 5, 0, 0},
		{"2d-duplicates", 500, 2, 6, true, 2, 120, 0},
		{"2d-far-from-origin", 600, 2, 4, false, 0, 10, 1000},
		{"2d-many-small-clusters", 900, 2, 300, false, 0, 0, 0},
		{"1d-uneven", 800, 1, 6, true, 3, 20, 0},
		{"3d-uneven", 900, 3, 7, true, 3, 40, 0},
		{"3d-far-from-origin", 500, 3, 5, false, 0, 0, -500},
		{"2d-fewer-than-a-tile", 11, 2, 3, false, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data []float32
			var labels []int32
			if tt.uneven {
				data, labels = unevenBlobs(rng, tt.n, tt.dim, tt.k, 1.5)
			} else {
				data, labels = randomBlobs(rng, tt.n, tt.dim, tt.k, 1.5)
			}
			for i := range tt.singletons {
				labels[i] = int32(1000 + i)
			}
			for range tt.duplicates {
				i, j := rng.IntN(tt.n), rng.IntN(tt.n)
				copy(data[i*tt.dim:(i+1)*tt.dim], data[j*tt.dim:(j+1)*tt.dim])
			}
			for i := range data {
				data[i] += tt.offset
			}
			ctx := context.Background()
			exact, err := SilhouetteSamples(ctx, data, tt.n, tt.dim, labels, Euclidean, SilhouetteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			fast, err := SilhouetteSamples(ctx, data, tt.n, tt.dim, labels, Euclidean, SilhouetteOptions{Float32: true})
			if err != nil {
				t.Fatal(err)
			}
			for i := range exact {
				if math.Abs(fast[i]-exact[i]) > 1e-5 {
					t.Errorf("SilhouetteSamples(Float32)[%d] = %.9g, want %.9g within 1e-5", i, fast[i], exact[i])
				}
			}
			for i := range tt.singletons {
				if fast[i] != 0 {
					t.Errorf("SilhouetteSamples(Float32)[%d] (a singleton) = %v, want 0", i, fast[i])
				}
			}
			e, err := Silhouette(ctx, data, tt.n, tt.dim, labels, Euclidean, SilhouetteOptions{SampleSize: tt.n / 2, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			f, err := Silhouette(ctx, data, tt.n, tt.dim, labels, Euclidean, SilhouetteOptions{SampleSize: tt.n / 2, Seed: 3, Float32: true})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(f-e) > 1e-6 {
				t.Errorf("Silhouette(SampleSize %d, Float32) = %.12g, want %.12g within 1e-6", tt.n/2, f, e)
			}
		})
	}
}

// The fast path keeps the brute-force definition where it is exact: points
// of one cluster all at one place and the label-count errors.
func TestSilhouette2DDefinition(t *testing.T) {
	ctx := context.Background()
	// Two tight pairs far apart: a = 0, so every score is exactly 1.
	data := []float32{0, 0, 0, 0, 5, 5, 5, 5}
	got, err := SilhouetteSamples(ctx, data, 4, 2, []int32{7, 7, 3, 3}, Euclidean, SilhouetteOptions{Float32: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 1, 1, 1}; !slices.Equal(got, want) {
		t.Errorf("SilhouetteSamples(two coincident pairs) = %v, want %v", got, want)
	}
	// All four at one place: a = b = 0 scores 0.
	got, err = SilhouetteSamples(ctx, make([]float32, 8), 4, 2, []int32{7, 7, 3, 3}, Euclidean, SilhouetteOptions{Float32: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 0, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("SilhouetteSamples(all coincident) = %v, want %v", got, want)
	}
	for _, labels := range [][]int32{{1, 1, 1, 1}, {0, 1, 2, 3}} {
		if _, err := Silhouette(ctx, data, 4, 2, labels, Euclidean, SilhouetteOptions{Float32: true}); err == nil {
			t.Errorf("Silhouette(labels %v, Float32) error = nil, want an error", labels)
		}
	}
}

// Scores are bitwise identical whatever the thread count.
func TestSilhouette2DThreadCountInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	const n = 1003
	data, labels := unevenBlobs(rng, n, 2, 12, 1)
	data3, labels3 := unevenBlobs(rng, n, 3, 12, 1)
	for _, tt := range []struct {
		dim    int
		data   []float32
		labels []int32
	}{{2, data, labels}, {3, data3, labels3}} {
		var first []float64
		for _, threads := range []int{1, 2, 3, 8} {
			got, err := SilhouetteSamples(context.Background(), tt.data, n, tt.dim, tt.labels, Euclidean, SilhouetteOptions{Float32: true, Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = got
			} else if !slices.Equal(got, first) {
				t.Errorf("SilhouetteSamples(%d-D, Float32, threads %d) differs from threads 1", tt.dim, threads)
			}
		}
	}
}

func TestSilhouette2DCancelAndProgress(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 46))
	const n = 300
	data, labels := randomBlobs(rng, n, 2, 3, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Silhouette(ctx, data, n, 2, labels, Euclidean, SilhouetteOptions{Float32: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("Silhouette(cancelled ctx, Float32) error = %v, want context.Canceled", err)
	}
	var last int
	opts := SilhouetteOptions{Float32: true, Threads: 2, Progress: func(phase string, done, total int) {
		if phase != "silhouette" || total != n || done < last || done > total {
			t.Errorf("Progress(%q, %d, %d) after done %d", phase, done, total, last)
		}
		last = done
	}}
	if _, err := Silhouette(context.Background(), data, n, 2, labels, Euclidean, opts); err != nil {
		t.Fatal(err)
	}
	if last != n {
		t.Errorf("Progress ended at done %d, want %d", last, n)
	}
}

// The assembly kernel rounds exactly as the pure-Go one, and both sum the
// true distances to about 1e-6.
func TestSumDist2DKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 48))
	// blocks of every awkward length: empty, one point, one chunk, chunk±1,
	// several chunks
	sizes := []int{0, 1, 7, 255, 256, 257, 0, 600, 3, 1100}
	bounds := []int{0}
	for _, s := range sizes {
		bounds = append(bounds, bounds[len(bounds)-1]+s)
	}
	m := bounds[len(bounds)-1]
	xs := make([]float32, m)
	ys := make([]float32, m)
	zs := make([]float32, m)
	for j := range xs {
		xs[j] = float32(rng.NormFloat64() * 3)
		ys[j] = float32(rng.NormFloat64()*3 + 1)
		zs[j] = float32(rng.NormFloat64() * 2)
	}
	var q [2 * lanes]float32
	for l := range lanes {
		j := rng.IntN(m)
		q[l], q[lanes+l] = xs[j], ys[j] // some queries sit on a target
	}
	q[3], q[lanes+3] = 1e3, -2e3
	k := len(bounds) - 1
	generic := make([]float64, lanes*k)
	sumDist2DGeneric(&q, xs, ys, bounds, generic)
	for c := range k {
		for l := range lanes {
			var want float64
			for j := bounds[c]; j < bounds[c+1]; j++ {
				want += math.Hypot(float64(q[l])-float64(xs[j]), float64(q[lanes+l])-float64(ys[j]))
			}
			if got := generic[lanes*c+l]; !close(got, want, 2e-6) {
				t.Errorf("sumDist2DGeneric(...) block %d lane %d = %.12g, want %.12g within 2e-6", c, l, got, want)
			}
		}
	}
	var q3 [3 * lanes]float32
	for l := range lanes {
		j := rng.IntN(m)
		q3[l], q3[lanes+l], q3[2*lanes+l] = xs[j], ys[j], zs[j]
	}
	generic3 := make([]float64, lanes*k)
	sumDist3DGeneric(&q3, xs, ys, zs, bounds, generic3)
	for c := range k {
		for l := range lanes {
			var want float64
			for j := bounds[c]; j < bounds[c+1]; j++ {
				dx := float64(q3[l]) - float64(xs[j])
				dy := float64(q3[lanes+l]) - float64(ys[j])
				dz := float64(q3[2*lanes+l]) - float64(zs[j])
				want += math.Sqrt(dx*dx + dy*dy + dz*dz)
			}
			if got := generic3[lanes*c+l]; !close(got, want, 2e-6) {
				t.Errorf("sumDist3DGeneric(...) block %d lane %d = %.12g, want %.12g within 2e-6", c, l, got, want)
			}
		}
	}
	if !useAsm2D {
		t.Skip("no AVX: the assembly kernels are not used on this processor")
	}
	asm3 := make([]float64, lanes*k)
	for i := range asm3 {
		asm3[i] = math.NaN() // the kernel must overwrite every sum
	}
	sumDist3D(&q3, xs, ys, zs, bounds, asm3)
	for i := range asm3 {
		if math.Float64bits(asm3[i]) != math.Float64bits(generic3[i]) {
			t.Errorf("sumDist3D(...) block %d lane %d = %.17g, want %.17g (the pure-Go kernel's)", i/lanes, i%lanes, asm3[i], generic3[i])
		}
	}
	asm := make([]float64, lanes*k)
	for i := range asm {
		asm[i] = math.NaN()
	}
	sumDist2D(&q, xs, ys, bounds, asm)
	for i := range asm {
		if math.Float64bits(asm[i]) != math.Float64bits(generic[i]) {
			t.Errorf("sumDist2D(...) block %d lane %d = %.17g, want %.17g (the pure-Go kernel's)", i/lanes, i%lanes, asm[i], generic[i])
		}
	}
	// A sub-slice of the bounds starts mid-array.
	sub := make([]float64, lanes*3)
	sumDist2D(&q, xs, ys, bounds[4:7], sub)
	if !slices.Equal(sub, asm[lanes*4:lanes*7]) {
		t.Errorf("sumDist2D(bounds[4:7]) = %v, want %v", sub, asm[lanes*4:lanes*7])
	}
}

func TestSumDist2DPanics(t *testing.T) {
	xs := make([]float32, 10)
	var q [2 * lanes]float32
	tests := []struct {
		name   string
		ys     []float32
		bounds []int
		out    int
	}{
		{"ys shorter", make([]float32, 9), []int{0, 10}, lanes},
		{"bounds past the end", xs, []int{0, 11}, lanes},
		{"negative bound", xs, []int{-1, 10}, lanes},
		{"decreasing bounds", xs, []int{0, 6, 5, 10}, 3 * lanes},
		{"out too short", xs, []int{0, 5, 10}, lanes},
		{"3-D: zs shorter", make([]float32, 9), []int{0, 10}, lanes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("sumDist2D(%s) did not panic", tt.name)
				}
			}()
			if strings.HasPrefix(tt.name, "3-D") {
				var q3 [3 * lanes]float32
				sumDist3D(&q3, xs, xs, tt.ys, tt.bounds, make([]float64, tt.out))
				return
			}
			sumDist2D(&q, xs, tt.ys, tt.bounds, make([]float64, tt.out))
		})
	}
}

// BenchmarkSilhouette2D measures the sweep's silhouette (20,000 sampled 2-D
// points) on the exact float64 path and the float32 SIMD path, with few
// large and many small clusters, and the same for 3-D points.
func BenchmarkSilhouette2D(b *testing.B) {
	for _, bc := range []struct{ dim, k int }{{2, 40}, {2, 2000}, {3, 40}} {
		rng := rand.New(rand.NewPCG(49, 50))
		const n = 20_000
		data, labels := randomBlobs(rng, n, bc.dim, bc.k, 2)
		for _, f32 := range []bool{false, true} {
			b.Run(fmt.Sprintf("n=%d/dim=%d/clusters=%d/float32=%v", n, bc.dim, bc.k, f32), func(b *testing.B) {
				opts := SilhouetteOptions{Float32: f32}
				for b.Loop() {
					if _, err := Silhouette(context.Background(), data, n, bc.dim, labels, Euclidean, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkSumDist2D measures the kernel alone: 16 queries against 20,000
// targets in one block, i.e. 320,000 distances per operation.
func BenchmarkSumDist2D(b *testing.B) {
	rng := rand.New(rand.NewPCG(51, 52))
	const m = 20_000
	xs := make([]float32, m)
	ys := make([]float32, m)
	for j := range xs {
		xs[j], ys[j] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	var q [2 * lanes]float32
	for l := range q {
		q[l] = float32(rng.NormFloat64())
	}
	out := make([]float64, lanes)
	bounds := []int{0, m}
	b.Run("dispatch", func(b *testing.B) {
		for b.Loop() {
			sumDist2D(&q, xs, ys, bounds, out)
		}
	})
	b.Run("generic", func(b *testing.B) {
		for b.Loop() {
			sumDist2DGeneric(&q, xs, ys, bounds, out)
		}
	})
}
