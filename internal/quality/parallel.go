package quality

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// threadCount returns the number of workers to use for threads requested
// (0 or less: GOMAXPROCS) and jobs pieces of work.
func threadCount(threads, jobs int) int {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	return max(1, min(threads, jobs))
}

// parallelBlocks runs fn(w, b) for every block b in [0, blocks) on up to
// threads workers; w in [0, workers) identifies the worker so that fn can use
// per-worker scratch space. Blocks are handed out in increasing order. It
// stops early, returning ctx.Err(), when ctx is cancelled. progress, if not
// nil, is called with the number of finished blocks, never concurrently and
// never with a smaller count than before.
func parallelBlocks(ctx context.Context, threads, blocks int, fn func(w, b int), progress func(done int)) error {
	workers := threadCount(threads, blocks)
	var (
		next, done atomic.Int64
		mu         sync.Mutex
		reported   int
		wg         sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				fn(w, b)
				d := int(done.Add(1))
				if progress != nil {
					mu.Lock()
					if d > reported {
						reported = d
						progress(d)
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
