package knn

import (
	"sync"

	"motif/internal/vec"
)

// Random-projection trees, as pynndescent's rp_trees.py builds them to
// initialise NN-descent: each node picks two of its points at random and
// splits its points by the hyperplane between them, until a node holds at
// most leafSize points or maxDepth is reached.
//
// Euclidean trees (euclidean_random_projection_split): normal x_l − x_r,
// offset −normal·(x_l + x_r)/2. Angular trees for cosine
// (angular_random_projection_split): normal x_l/‖x_l‖ − x_r/‖x_r‖ normalised,
// offset 0 (the rows are already unit vectors here). A point whose margin is
// within 1e-8 of the hyperplane goes to a random side, and if all points land
// on one side they are all assigned at random.
//
// Every node draws from its own random stream, derived from the tree's seed
// and its path from the root, so a tree does not depend on how subtrees are
// scheduled across goroutines.

const (
	maxTreeDepth = 200
	marginEps    = 1e-8
)

// parallelSplit is the node size above which a subtree may be handed to
// another goroutine (a variable so that tests can exercise the hand-off).
var parallelSplit = 1 << 14

// tree is one built tree: a permutation of the points in which every leaf is
// a contiguous range, and the start of each leaf marked.
type tree struct {
	perm      []int32
	leafStart []bool
}

// leaves appends the [lo, hi) ranges of t's leaves, in order, to dst.
func (t *tree) leaves(dst [][2]int32) [][2]int32 {
	start := 0
	for i := 1; i <= len(t.perm); i++ {
		if i == len(t.perm) || t.leafStart[i] {
			dst = append(dst, [2]int32{int32(start), int32(i)})
			start = i
		}
	}
	return dst
}

type treeBuilder struct {
	s        *space
	leafSize int
	sem      chan struct{} // tokens for extra goroutines
}

// scratch is a goroutine's working memory for splits.
type scratch struct {
	normal []float32
	side   []uint8
	tmp    []int32
}

// build builds the tree with the given seed over all points.
func (b *treeBuilder) build(n int, seed uint64) *tree {
	t := &tree{perm: make([]int32, n), leafStart: make([]bool, n)}
	for i := range t.perm {
		t.perm[i] = int32(i)
	}
	if n > 0 {
		b.split(t, 0, n, 0, seed, &scratch{})
	}
	return t
}

func (b *treeBuilder) split(t *tree, lo, hi, depth int, seed uint64, sc *scratch) {
	for {
		m := hi - lo
		if m <= b.leafSize || depth >= maxTreeDepth {
			t.leafStart[lo] = true
			return
		}
		mid := b.partition(t.perm[lo:hi], seed, sc)
		lseed, rseed := mix(seed^0x6c62272e07bb0142), mix(seed^0x2545f4914f6cdd1d)
		depth++
		if mid > parallelSplit && m-mid > parallelSplit {
			select {
			case b.sem <- struct{}{}:
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					b.split(t, lo, lo+mid, depth, lseed, &scratch{})
					<-b.sem
				}()
				b.split(t, lo+mid, hi, depth, rseed, sc)
				wg.Wait()
				return
			default:
			}
		}
		b.split(t, lo, lo+mid, depth, lseed, sc)
		lo, seed = lo+mid, rseed
	}
}

// partition splits idx by a random hyperplane: on return the left side is
// idx[:mid] and the right side idx[mid:], each in its original order.
func (b *treeBuilder) partition(idx []int32, seed uint64, sc *scratch) (mid int) {
	s := b.s
	r := rng{s: seed}
	m := len(idx)
	li := r.intn(m)
	ri := r.intn(m)
	if li == ri {
		ri = (ri + 1) % m
	}
	left, right := s.row(idx[li]), s.row(idx[ri])
	if cap(sc.normal) < s.dim {
		sc.normal = make([]float32, s.dim)
	}
	normal := sc.normal[:s.dim]
	var offset float32
	if s.cosine {
		for d := range normal {
			normal[d] = left[d] - right[d]
		}
		if nrm := vec.Norm(normal); nrm > marginEps {
			for d := range normal {
				normal[d] /= nrm
			}
		}
	} else {
		for d := range normal {
			normal[d] = left[d] - right[d]
			offset -= normal[d] * (left[d] + right[d]) / 2
		}
	}
	if cap(sc.side) < m {
		sc.side = make([]uint8, m)
		sc.tmp = make([]int32, m)
	}
	side := sc.side[:m]
	nLeft := 0
	for i, p := range idx {
		margin := offset + vec.Dot(normal, s.row(p))
		switch {
		case margin > -marginEps && margin < marginEps:
			side[i] = uint8(r.next() & 1)
		case margin > 0:
			side[i] = 0
		default:
			side[i] = 1
		}
		if side[i] == 0 {
			nLeft++
		}
	}
	if nLeft == 0 || nLeft == m {
		nLeft = 0
		for i := range side {
			side[i] = uint8(r.next() & 1)
			if side[i] == 0 {
				nLeft++
			}
		}
		if nLeft == 0 || nLeft == m { // a fair coin failed m times: split in half
			nLeft = m / 2
			for i := range side {
				side[i] = uint8(min(1, i/nLeft))
			}
		}
	}
	tmp := sc.tmp[:m]
	l, rr := 0, nLeft
	for i, p := range idx {
		if side[i] == 0 {
			tmp[l] = p
			l++
		} else {
			tmp[rr] = p
			rr++
		}
	}
	copy(idx, tmp)
	return nLeft
}
