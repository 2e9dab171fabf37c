package hdbscan
import ("testing";"fmt";"time")
func TestDbgSetup(t *testing.T) {
	const n = 70000
	data := layout2D(n, 1)
	for rep := 0; rep < 3; rep++ {
		c0 := cpuNow()
		finiteRows(data, n, 2)
		c1 := cpuNow()
		sp := newSpace(data, n, 2, Euclidean)
		c2 := cpuNow()
		newKDTree(sp.data, n, 2)
		c3 := cpuNow()
		fmt.Println("finite", c1-c0, "space", c2-c1, "kd", c3-c2, time.Duration(0))
	}
}
