package knn

import (
	"context"
	"reflect"
	"testing"

	"motif/internal/vec"
)

// recursiveTree builds a tree node by node, depth first, as pynndescent's
// make_angular_tree / make_euclidean_tree do: the reference that buildForest,
// which builds several trees level by level, must reproduce exactly.
func recursiveTree(s *space, n, leafSize int, seed uint64) *tree {
	t := &tree{perm: make([]int32, n), leafStart: make([]bool, n)}
	for i := range t.perm {
		t.perm[i] = int32(i)
	}
	var split func(lo, hi, depth int, seed uint64)
	split = func(lo, hi, depth int, seed uint64) {
		if hi-lo <= leafSize || depth >= maxTreeDepth {
			t.leafStart[lo] = true
			return
		}
		idx := t.perm[lo:hi]
		m := len(idx)
		r := rng{s: seed}
		li, ri := r.intn(m), r.intn(m)
		if li == ri {
			ri = (ri + 1) % m
		}
		left, right := s.row(idx[li]), s.row(idx[ri])
		normal := make([]float32, s.dim)
		var offset float32
		for d := range normal {
			normal[d] = left[d] - right[d]
		}
		if s.cosine {
			if nrm := vec.Norm(normal); nrm > marginEps {
				for d := range normal {
					normal[d] /= nrm
				}
			}
		} else {
			for d := range normal {
				offset -= normal[d] * (left[d] + right[d]) / 2
			}
		}
		side := make([]int, m)
		nLeft := 0
		for i, p := range idx {
			margin := offset + vec.Dot(normal, s.row(p))
			switch {
			case margin > -marginEps && margin < marginEps:
				side[i] = int(r.next() & 1)
			case margin <= 0:
				side[i] = 1
			}
			nLeft += 1 - side[i]
		}
		if nLeft == 0 || nLeft == m {
			nLeft = 0
			for i := range side {
				side[i] = int(r.next() & 1)
				nLeft += 1 - side[i]
			}
			if nLeft == 0 || nLeft == m {
				nLeft = m / 2
				for i := range side {
					side[i] = min(1, i/nLeft)
				}
			}
		}
		var l, rr []int32
		for i, p := range idx {
			if side[i] == 0 {
				l = append(l, p)
			} else {
				rr = append(rr, p)
			}
		}
		copy(idx, append(l, rr...))
		split(lo, lo+nLeft, depth+1, mix(seed^0x6c62272e07bb0142))
		split(lo+nLeft, hi, depth+1, mix(seed^0x2545f4914f6cdd1d))
	}
	if n > 0 {
		split(0, n, 0, seed)
	}
	return t
}

func TestForestMatchesRecursion(t *testing.T) {
	defer func(v int) { finishBytes = v }(finishBytes)
	const n, dim, leafSize = 6000, 5, 40
	seeds := []uint64{12345, 1, 99, 7}
	for _, m := range []Metric{Euclidean, Cosine} {
		for _, data := range [][]float32{clustered(7, n, dim, 10, 0.5), randomData(8, n, dim)} {
			s, err := prepare(context.Background(), data, n, dim, 1, m, 2)
			if err != nil {
				t.Fatal(err)
			}
			// finishBytes 0: level by level to the leaves; 4 KiB: the
			// last levels (nodes of ≤ 204 points) depth first.
			for _, fb := range []int{0, 4 << 10} {
				finishBytes = fb
				for _, threads := range []int{1, 3} {
					trees, err := buildForest(context.Background(), s, n, leafSize, seeds, threads, nil, false)
					if err != nil {
						t.Fatal(err)
					}
					for i, seed := range seeds {
						if want := recursiveTree(s, n, leafSize, seed); !reflect.DeepEqual(trees[i], want) {
							t.Errorf("buildForest(%v, %d threads, finishBytes %d) tree %d differs from the recursive tree of seed %d", m, threads, fb, i, seed)
						}
					}
				}
			}
		}
	}
}

func TestTreeLeaves(t *testing.T) {
	const n, dim, leafSize = 20000, 4, 50
	data := clustered(7, n, dim, 10, 0.5)
	for _, m := range []Metric{Euclidean, Cosine} {
		s, err := prepare(context.Background(), data, n, dim, 1, m, 2)
		if err != nil {
			t.Fatal(err)
		}
		trees, err := buildForest(context.Background(), s, n, leafSize, []uint64{12345}, 2, nil, false)
		if err != nil {
			t.Fatal(err)
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
	s, err := prepare(context.Background(), data, n, dim, 1, Cosine, 2)
	if err != nil {
		t.Fatal(err)
	}
	trees, err := buildForest(context.Background(), s, n, leafSize, []uint64{1}, 2, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range trees[0].leaves(nil) {
		if l[1]-l[0] > leafSize {
			t.Errorf("leaf %v of identical points has %d points, want ≤ %d", l, l[1]-l[0], leafSize)
		}
	}
	if want := recursiveTree(s, n, leafSize, 1); !reflect.DeepEqual(trees[0], want) {
		t.Errorf("buildForest of identical points differs from the recursive tree")
	}
}

// BenchmarkForest builds one batch of eight trees over 20,000 points of
// 256 dimensions (leaf size 20, as for k = 20) on one goroutine.
func BenchmarkForest(b *testing.B) {
	const n, dim = 20000, 256
	s, err := prepare(context.Background(), clustered(3, n, dim, 30, 0.4), n, dim, 1, Cosine, 2)
	if err != nil {
		b.Fatal(err)
	}
	seeds := []uint64{1, 2, 3, 4, 5, 6, 7, 8}
	for b.Loop() {
		if _, err := buildForest(context.Background(), s, n, 20, seeds, 1, nil, false); err != nil {
			b.Fatal(err)
		}
	}
}

func TestForestLeafDistances(t *testing.T) {
	// The distances kept for the leaves finish closes are those of the
	// pairs in order, bit for bit space.dist, and keeping them does not
	// change the trees.
	const n, dim, leafSize = 3000, 24, 20
	defer func(v int) { finishBytes = v }(finishBytes)
	finishBytes = 16 << 10 // nodes of ≤ 170 points depth first
	for _, m := range []Metric{Euclidean, Cosine} {
		s, err := prepare(context.Background(), clustered(9, n, dim, 10, 0.5), n, dim, 1, m, 2)
		if err != nil {
			t.Fatal(err)
		}
		seeds := []uint64{3, 4}
		plain, err := buildForest(context.Background(), s, n, leafSize, seeds, 2, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		trees, err := buildForest(context.Background(), s, n, leafSize, seeds, 2, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, tr := range trees {
			if !reflect.DeepEqual(tr.perm, plain[i].perm) || !reflect.DeepEqual(tr.leafStart, plain[i].leafStart) {
				t.Fatalf("buildForest(%v) tree %d with leaf distances differs from the tree without", m, i)
			}
			done := 0
			for _, r := range tr.leaves(nil) {
				if !tr.leafDone[r[0]] {
					continue
				}
				done++
				d := tr.leafD[leafDOffset(int(r[0]), leafSize):]
				w := 0
				for a := r[0]; a < r[1]; a++ {
					for b := a + 1; b < r[1]; b++ {
						if want := s.dist(tr.perm[a], tr.perm[b]); d[w] != want {
							t.Fatalf("buildForest(%v) tree %d leaf [%d, %d) pair %d = %v, want %v", m, i, r[0], r[1], w, d[w], want)
						}
						w++
					}
				}
			}
			if done == 0 {
				t.Errorf("buildForest(%v) tree %d kept the distances of no leaf", m, i)
			}
		}
	}
}
