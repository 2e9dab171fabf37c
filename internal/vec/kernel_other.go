//go:build !amd64 || purego

package vec

const useAsm = false

func dotAsm(a, b []float32) float32  { return dotGeneric(a, b) }
func sqL2Asm(a, b []float32) float32 { return sqL2Generic(a, b) }
