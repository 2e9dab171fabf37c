//go:build !amd64 || purego

package vec

const useAsm = false

func dotAsm(a, b []float32) float32  { return dotGeneric(a, b) }
func sqL2Asm(a, b []float32) float32 { return sqL2Generic(a, b) }

func dot4Asm(out *[4]float32, a, b0, b1, b2, b3 []float32) {
	out[0], out[1], out[2], out[3] = dotGeneric(a, b0), dotGeneric(a, b1), dotGeneric(a, b2), dotGeneric(a, b3)
}
