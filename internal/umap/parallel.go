package umap

import (
	"iter"
	"math/bits"
	"sync"
	"sync/atomic"
)

// parallelFor calls fn on consecutive blocks [lo, hi) of [0, n), at most
// grain wide, from up to threads goroutines, and returns when all are done.
// Blocks are handed out dynamically, so fn must not depend on which
// goroutine runs which block.
func parallelFor(threads, n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if grain < 1 {
		grain = 1
	}
	blocks := (n + grain - 1) / grain
	if threads > blocks {
		threads = blocks
	}
	if threads <= 1 {
		fn(0, n)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := int(next.Add(1)) - 1
				if b >= blocks {
					return
				}
				lo := b * grain
				fn(lo, min(lo+grain, n))
			}
		}()
	}
	wg.Wait()
}

// parallelWorkers runs worker(w, blocks) on up to threads goroutines, w
// counting them from 0, and returns when all are done. The blocks iterator
// of each hands out consecutive blocks [lo, hi) of [0, n), at most grain
// wide, dynamically, so that every block goes to exactly one worker and a
// worker can keep state from one of its blocks to the next (and finish it
// after the last). The result must not depend on which worker runs which
// block.
func parallelWorkers(threads, n, grain int, worker func(w int, blocks iter.Seq2[int, int])) {
	if n <= 0 {
		return
	}
	grain = max(grain, 1)
	blocks := (n + grain - 1) / grain
	threads = max(1, min(threads, blocks))
	var next atomic.Int64
	seq := func(yield func(lo, hi int) bool) {
		for {
			b := int(next.Add(1)) - 1
			if b >= blocks {
				return
			}
			lo := b * grain
			if !yield(lo, min(lo+grain, n)) {
				return
			}
		}
	}
	if threads == 1 {
		worker(0, seq)
		return
	}
	var wg sync.WaitGroup
	for w := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker(w, seq)
		}()
	}
	wg.Wait()
}

// splitmix64 is the output function of Steele, Lea and Flood's SplitMix64
// generator; it turns any 64-bit value into a well-mixed one.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream is a SplitMix64 random stream; streams for different keys are
// statistically independent.
type stream struct{ s uint64 }

// newStream returns the stream for (seed, a, b): here a is an epoch and b a
// vertex, so that every vertex draws the same numbers in an epoch whichever
// goroutine processes it.
func newStream(seed uint64, a, b uint64) stream {
	return stream{splitmix64(splitmix64(splitmix64(seed)^a) ^ b)}
}

func (r *stream) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	x := r.s
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// intn returns a number in [0, n) by Lemire's multiply-shift (bias below
// 2⁻³² for the sizes used here).
func (r *stream) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}
