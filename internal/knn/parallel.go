package knn

import (
	"context"
	"sync"
	"sync/atomic"
)

// parallelFor runs f(task) for task in [0, nTasks) on up to workers
// goroutines, handing out tasks in order. It stops handing out tasks once
// ctx is done and then returns ctx's error. Results must not depend on which
// goroutine runs a task; every caller writes task-owned memory only.
func parallelFor(ctx context.Context, workers, nTasks int, f func(task int)) error {
	if nTasks <= 0 {
		return ctx.Err()
	}
	workers = max(1, min(workers, nTasks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t := int(next.Add(1) - 1)
				if t >= nTasks {
					return
				}
				f(t)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// mix is the splitmix64 finaliser: a bijective hash of 64-bit words used to
// derive independent random streams and sampling priorities from the seed.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rng is a splitmix64 generator: small, fast and good enough for choosing
// split points and coin flips.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	x := r.s
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// intn returns a number in [0, n) (n > 0), with negligible bias for the
// sizes used here.
func (r *rng) intn(n int) int {
	return int((r.next() >> 1) % uint64(n))
}
