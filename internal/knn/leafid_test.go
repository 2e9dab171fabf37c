package knn

import (
	"context"
	"reflect"
	"testing"
)

func TestLeafIDsShared(t *testing.T) {
	// Six trees over 50 points with few leaves, so that pairs share some
	// leaves and not others; tree 4 has too many leaves to be recorded.
	const n, nTrees = 50, 6
	r := rng{s: 3}
	leafOf := make([][]int, nTrees)
	l := newLeafIDs(n, nTrees)
	for tr := range nTrees {
		nLeaves := 1 + r.intn(4)
		if tr == 4 {
			nLeaves = 0x10000
		}
		leafOf[tr] = make([]int, n)
		var perm []int32
		var ranges [][2]int32
		for li := range nLeaves {
			lo := len(perm)
			for p := range n {
				if tr == 4 && p%nLeaves == li || tr != 4 && p%(nLeaves+tr)%nLeaves == li {
					perm = append(perm, int32(p))
					leafOf[tr][p] = li
				}
			}
			ranges = append(ranges, [2]int32{int32(lo), int32(len(perm))})
		}
		l.record(tr, perm, ranges)
		l.publish(tr)
	}
	for p := range int32(n) {
		for q := range int32(n) {
			for tr := range nTrees + 1 {
				want := false
				for u := range tr {
					if u != 4 && leafOf[u][p] == leafOf[u][q] {
						want = true
					}
				}
				mask := l.valid
				if tr < nTrees {
					mask = l.before[tr]
				}
				if got := l.shared(p, q, mask); got != want {
					t.Fatalf("shared(%d, %d) before tree %d = %v, want %v", p, q, tr, got, want)
				}
			}
		}
	}
}

// descentKeepsGraph builds the graph of random data under both metrics as
// the code stands and again with alter applied (it returns what undoes it),
// and fails if the two graphs differ in any bit.
func descentKeepsGraph(t *testing.T, seed uint64, opts Options, alter func() (undo func()), what string) {
	t.Helper()
	const n, dim, k = 5000, 12, 10
	data := randomData(seed, n, dim)
	for _, m := range []Metric{Euclidean, Cosine} {
		opts.Metric = m
		want, err := Descent(context.Background(), data, n, dim, k, opts)
		if err != nil {
			t.Fatal(err)
		}
		undo := alter()
		got, err := Descent(context.Background(), data, n, dim, k, opts)
		undo()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Descent(%v) %s differs from Descent as it stands", m, what)
		}
	}
}

func TestSkipRepeatsKeepsGraph(t *testing.T) {
	// Skipping the pairs that shared a leaf must give the very same graph
	// as comparing them again.
	descentKeepsGraph(t, 11, Options{Seed: 4, Threads: 3, NTrees: 4, NIters: 2, LeafSize: 30},
		func() func() { skipRepeats = false; return func() { skipRepeats = true } },
		"comparing the pairs that shared a leaf again")
}

func TestForestBatchesKeepGraph(t *testing.T) {
	// However the trees are grouped into batches, the pairs reach the
	// heaps in the same order: the graph must not change.
	descentKeepsGraph(t, 12, Options{Seed: 5, Threads: 3, NTrees: 9, NIters: 2},
		func() func() {
			v := forestBatchBytes
			forestBatchBytes = 0 // batches of 4 trees at most: 3, 3 and 3 instead of one of 9
			return func() { forestBatchBytes = v }
		},
		"with the forest in batches of 3 trees")
}

func TestLeafDistancesKeepGraph(t *testing.T) {
	// Within-leaf distances computed as the trees are built, or later
	// from the rows, give the same graph.
	descentKeepsGraph(t, 13, Options{Seed: 6, Threads: 3, NTrees: 6, NIters: 2},
		func() func() {
			v := leafDistBytes
			leafDistBytes = 0
			return func() { leafDistBytes = v }
		},
		"computing leaf distances from the rows later")
}
