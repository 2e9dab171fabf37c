//go:build amd64 && !purego

package quality

import "golang.org/x/sys/cpu"

// useAsm2D selects the AVX kernels of silhouette2d_amd64.s. It uses 256-bit
// AVX instructions only (no FMA, which would round differently from the
// pure-Go kernel).
var useAsm2D = cpu.X86.HasAVX

// sumDist2DAsm is [sumDist2D] without the checks, which the caller has made.
//
//go:noescape
func sumDist2DAsm(q *[2 * lanes]float32, xs, ys []float32, bounds []int, out []float64)

// sumDist3DAsm is [sumDist3D] without the checks, which the caller has made.
//
//go:noescape
func sumDist3DAsm(q *[3 * lanes]float32, xs, ys, zs []float32, bounds []int, out []float64)
