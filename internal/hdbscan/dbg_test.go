package hdbscan
import ("context";"testing";"fmt";"syscall";"time")
func cpuNow() time.Duration { var r syscall.Rusage; syscall.Getrusage(0, &r); return time.Duration(r.Utime.Nano()+r.Stime.Nano()) }
func TestDbgPerf(t *testing.T) {
	const n = 70000
	data := layout2D(n, 1)
	for rep := 0; rep < 3; rep++ {
	ph := map[string]time.Duration{}
	start := cpuNow(); w0 := time.Now()
	last := start
	cur := "setup"
	opts := Options{MinClusterSize: 177, MinSamples: 5, Threads: 1, Progress: func(p string, d, tot int) {
		if p != cur { c := cpuNow(); ph[cur] += c - last; last = c; cur = p }
	}}
	Cluster(context.Background(), data, n, 2, opts)
	c := cpuNow(); ph[cur] += c - last
	fmt.Printf("total %v wall %v phases %v\n", c-start, time.Since(w0), ph)
	}
}
