package umap

import (
	"fmt"
	"iter"
	"sync"
	"testing"
)

// TestParallelWorkers checks that parallelWorkers hands every block of
// [0, n) to exactly one worker, in blocks of at most grain, with worker
// numbers below threads, and that a worker sees its blocks in increasing
// order.
func TestParallelWorkers(t *testing.T) {
	tests := []struct {
		name              string
		threads, n, grain int
	}{
		{"empty", 4, 0, 8},
		{"one thread", 1, 100, 7},
		{"more threads than blocks", 8, 10, 4},
		{"many blocks", 3, 10000, 64},
		{"grain 0", 2, 5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			seen := make([]int, tc.n)
			parallelWorkers(tc.threads, tc.n, tc.grain, func(w int, blocks iter.Seq2[int, int]) {
				if w < 0 || w >= max(1, tc.threads) {
					t.Errorf("parallelWorkers(%d, %d, %d, ...) worker %d, want below %d", tc.threads, tc.n, tc.grain, w, max(1, tc.threads))
				}
				last := -1
				for lo, hi := range blocks {
					if lo <= last || hi <= lo || hi-lo > max(1, tc.grain) || hi > tc.n {
						t.Errorf("parallelWorkers(%d, %d, %d, ...) block [%d, %d) after %d", tc.threads, tc.n, tc.grain, lo, hi, last)
					}
					last = lo
					mu.Lock()
					for i := lo; i < hi; i++ {
						seen[i]++
					}
					mu.Unlock()
				}
			})
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("parallelWorkers(%d, %d, %d, ...) visited %d %d times, want 1", tc.threads, tc.n, tc.grain, i, c)
				}
			}
		})
	}
}

// TestSGDBatchCarry checks the batching of plan against running each
// vertex's sequence alone: vertices of random lengths, many longer than a
// run, so that sequences carry over from run to run and lanes grow, give
// the same positions bit for bit.
func TestSGDBatchCarry(t *testing.T) {
	for _, tc := range []struct{ dim, steps, n int }{{1, 2, 50}, {2, 8, 300}, {3, 33, 300}, {2, batchSteps, 2000}} {
		t.Run(fmt.Sprintf("dim %d steps %d", tc.dim, tc.steps), func(t *testing.T) {
			dim, n := tc.dim, tc.n
			c := newSGDConsts(dim, 1.9328, 0.7905, 1)
			c.set(kAlpha, 0.7)
			snap := make([]float32, n*dim)
			for i := range snap {
				snap[i] = float32((i*7919)%1000) / 100
			}
			rng := stream{12345}
			seqs := make([][]uint32, n)
			for j := range seqs {
				m := 1 + rng.intn(3*tc.steps+5)
				if j%17 == 0 {
					m = 1 + 9*tc.steps // longer than several runs
				}
				seqs[j] = []uint32{opLoad | uint32(j)}
				for range m {
					kind := opAttract
					if rng.intn(3) > 0 {
						kind = opRepel
					}
					seqs[j] = append(seqs[j], kind|uint32(rng.intn(n)))
				}
			}
			want := make([]float32, n*dim)
			for j, seq := range seqs {
				cur := append([]float32(nil), snap[j*dim:(j+1)*dim]...)
				for _, op := range seq[1:] {
					k := int(op & opIndex)
					refStep(cur, snap[k*dim:(k+1)*dim], op&opKind == opAttract, c)
				}
				copy(want[j*dim:], cur)
			}
			got := make([]float32, n*dim)
			bt := newSGDBatch(dim, tc.steps)
			for round := range 2 { // the batch is reused after finish
				clear(got)
				for j, seq := range seqs {
					lane := bt.lane(len(seq), got, snap, c)
					t0 := bt.next[lane]
					ops := bt.ops[(lane/sgdGroup)*bt.stride*sgdGroup+lane%sgdGroup:]
					for s, op := range seq {
						ops[(t0+s)*sgdGroup] = op
					}
					bt.next[lane] = t0 + len(seq)
					bt.verts = append(bt.verts, batchVertex{j, lane, t0 + len(seq) - 1})
				}
				bt.finish(got, snap, c)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("round %d: batched position of vertex %d coordinate %d = %v, want %v", round, i/dim, i%dim, got[i], want[i])
					}
				}
			}
		})
	}
}
