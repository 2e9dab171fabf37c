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

func TestSkipRepeatsKeepsGraph(t *testing.T) {
	// Skipping the pairs that shared a leaf must give the very same graph
	// as comparing them again.
	const n, dim, k = 5000, 12, 10
	data := randomData(11, n, dim)
	for _, m := range []Metric{Euclidean, Cosine} {
		opts := Options{Metric: m, Seed: 4, Threads: 3, NTrees: 4, NIters: 2, LeafSize: 30}
		skipRepeats = false
		want, err := Descent(context.Background(), data, n, dim, k, opts)
		skipRepeats = true
		if err != nil {
			t.Fatal(err)
		}
		got, err := Descent(context.Background(), data, n, dim, k, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Descent(%v) skipping repeated pairs differs from Descent comparing them", m)
		}
	}
}

func TestForestBatchesKeepGraph(t *testing.T) {
	// However the trees are grouped into batches, the pairs reach the
	// heaps in the same order: the graph must not change.
	const n, dim, k = 5000, 12, 10
	data := randomData(12, n, dim)
	defer func(v int) { forestBatchBytes = v }(forestBatchBytes)
	for _, m := range []Metric{Euclidean, Cosine} {
		opts := Options{Metric: m, Seed: 5, Threads: 3, NTrees: 9, NIters: 2}
		want, err := Descent(context.Background(), data, n, dim, k, opts)
		if err != nil {
			t.Fatal(err)
		}
		forestBatchBytes = 0 // batches of 4 trees at most: 3, 3 and 3
		got, err := Descent(context.Background(), data, n, dim, k, opts)
		forestBatchBytes = 256 << 20
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Descent(%v) with the forest in batches of 3 trees differs from one batch of 9", m)
		}
	}
}

func TestLeafDistancesKeepGraph(t *testing.T) {
	// Within-leaf distances computed as the trees are built, or later
	// from the rows, give the same graph.
	const n, dim, k = 5000, 12, 10
	data := randomData(13, n, dim)
	defer func(v int) { leafDistBytes = v }(leafDistBytes)
	for _, m := range []Metric{Euclidean, Cosine} {
		opts := Options{Metric: m, Seed: 6, Threads: 3, NTrees: 6, NIters: 2}
		want, err := Descent(context.Background(), data, n, dim, k, opts)
		if err != nil {
			t.Fatal(err)
		}
		leafDistBytes = 0
		got, err := Descent(context.Background(), data, n, dim, k, opts)
		leafDistBytes = 256 << 20
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Descent(%v) with leaf distances kept from the forest differs from Descent computing them later", m)
		}
	}
}
