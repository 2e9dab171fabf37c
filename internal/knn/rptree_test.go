package knn

import (
	"reflect"
	"testing"
)

func TestTreeLeaves(t *testing.T) {
	// Subtrees handed to other goroutines must not change the tree.
	defer func(v int) { parallelSplit = v }(parallelSplit)
	parallelSplit = 200
	const n, dim, leafSize = 20000, 4, 50
	data := clustered(7, n, dim, 10, 0.5)
	for _, m := range []Metric{Euclidean, Cosine} {
		s, err := prepare(data, n, dim, 1, m)
		if err != nil {
			t.Fatal(err)
		}
		var trees []*tree
		for _, tokens := range []int{0, 1, 8} {
			tb := &treeBuilder{s: s, leafSize: leafSize, sem: make(chan struct{}, tokens)}
			trees = append(trees, tb.build(n, 12345))
		}
		for i, tr := range trees[1:] {
			if !reflect.DeepEqual(tr, trees[0]) {
				t.Errorf("tree (%v) built with %d spare goroutines differs from the sequential one", m, []int{1, 8}[i])
			}
		}
		tr := trees[0]
		seen := make([]bool, n)
		for _, p := range tr.perm {
			if seen[p] {
				t.Fatalf("tree (%v) perm repeats point %d", m, p)
			}
			seen[p] = true
		}
		leaves := tr.leaves(nil)
		total := 0
		for _, l := range leaves {
			size := int(l[1] - l[0])
			if size < 1 || size > leafSize {
				t.Errorf("tree (%v) leaf %v has %d points, want 1..%d", m, l, size, leafSize)
			}
			total += size
		}
		if total != n || len(leaves) < n/leafSize {
			t.Errorf("tree (%v): %d leaves holding %d points, want ≥ %d leaves holding %d", m, len(leaves), total, n/leafSize, n)
		}
	}
}

func TestTreeDuplicates(t *testing.T) {
	// All points equal: every margin ties, so sides are coin flips, and the
	// tree must still split down to leaves.
	const n, dim, leafSize = 1000, 3, 60
	data := make([]float32, n*dim)
	for i := range data {
		data[i] = 1
	}
	s, err := prepare(data, n, dim, 1, Cosine)
	if err != nil {
		t.Fatal(err)
	}
	tr := (&treeBuilder{s: s, leafSize: leafSize, sem: make(chan struct{})}).build(n, 1)
	for _, l := range tr.leaves(nil) {
		if l[1]-l[0] > leafSize {
			t.Errorf("leaf %v of identical points has %d points, want ≤ %d", l, l[1]-l[0], leafSize)
		}
	}
}
