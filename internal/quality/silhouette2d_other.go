//go:build !amd64 || purego

package quality

const useAsm2D = false

func sumDist2DAsm(q *[2 * lanes]float32, xs, ys []float32, bounds []int, out []float64) {
	sumDist2DGeneric(q, xs, ys, bounds, out)
}

func sumDist3DAsm(q *[3 * lanes]float32, xs, ys, zs []float32, bounds []int, out []float64) {
	sumDist3DGeneric(q, xs, ys, zs, bounds, out)
}
