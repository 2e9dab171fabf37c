package knn

import (
	"context"
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
// and its path from the root, so a tree does not depend on how its nodes are
// scheduled across goroutines.
//
// The trees of a batch are built together, level by level. Projecting a
// point on a hyperplane reads its whole row, and at every level of every
// tree each point is projected once: reading rows from memory, not the
// arithmetic, was most of the cost when each tree was built alone. Here one
// pass per level reads each row once and projects it on the hyperplanes of
// its nodes in all the trees of the batch, visiting the points in the
// order of the first tree so that consecutive points share nodes, and
// hyperplanes stay in cache. The trees are the same as those of the
// node-by-node recursion (rptree_test.go checks it).

const (
	maxTreeDepth = 200
	marginEps    = 1e-8
)

// tree is one built tree: a permutation of the points in which every leaf is
// a contiguous range, and the start of each leaf marked.
type tree struct {
	perm      []int32
	leafStart []bool
	// leafD, if not nil, holds the distances between the points of the
	// leaves that finish split off, computed there while their rows are
	// in cache: for the leaf perm[lo:hi], the pairs (a, b) with
	// lo ≤ a < b < hi in order, from leafD[leafDOffset(lo, leafSize)];
	// leafDone[lo] marks such leaves. Other leaves (those the level-by-
	// level build closes, or cut at the depth limit) have none.
	leafD    []float32
	leafDone []bool
}

// leafDOffset is where the distances of the leaf starting at lo begin in
// leafD: lo·leafSize/2 leaves each leaf of m ≤ leafSize points room for
// its m(m−1)/2 pairs.
func leafDOffset(lo, leafSize int) int { return lo * leafSize / 2 }

// leafDLen is the length of a tree's leafD for n points.
func leafDLen(n, leafSize int) int { return n*leafSize/2 + 1 }

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

// forestBuffers are buildForest's per-point working arrays, kept from one
// batch of trees to the next.
type forestBuffers struct {
	nodeOf []int32
	margin []float32
}

// partitionScratch holds partition's working memory, reused across calls
// so that building a forest does not churn the heap.
var partitionScratch = sync.Pool{New: func() any { return new(scratch) }}

type scratch struct {
	side []uint8
	tmp  []int32
}

// node is a node of one tree of the batch still to be split: perm[lo:hi] of
// tree t, with its random stream (after drawing its two points) and its
// hyperplane's offset.
type node struct {
	t      int
	lo, hi int
	depth  int
	seed   uint64
	r      rng
	offset float32
}

// buildForest builds one tree per seed over all n points of s, with leaves
// of at most leafSize points, on up to threads goroutines.
// buf, if not nil, keeps the working arrays from one call to the next.
//
// With leafDists, each tree also records the distances within the leaves
// that finish splits off (see tree.leafD).
func buildForest(ctx context.Context, s *space, n, leafSize int, seeds []uint64, threads int, buf *forestBuffers, leafDists bool) ([]*tree, error) {
	nt := len(seeds)
	trees := make([]*tree, nt)
	// nodeOf[p*nt+t] is the index in active of the node of tree t that
	// holds p, or −1 once p is in a leaf; margin[p*nt+t] is p's margin to
	// that node's hyperplane.
	if buf == nil {
		buf = &forestBuffers{}
	}
	if cap(buf.nodeOf) < n*nt {
		buf.nodeOf = make([]int32, n*nt)
		buf.margin = make([]float32, n*nt)
	}
	nodeOf, margin := buf.nodeOf[:n*nt], buf.margin[:n*nt]
	for i := range nodeOf {
		nodeOf[i] = -1
	}
	var active, next []node
	split := func(nd node, leafStart []bool) []node {
		if nd.hi-nd.lo <= leafSize || nd.depth >= maxTreeDepth {
			leafStart[nd.lo] = true
			return next
		}
		return append(next, nd)
	}
	for t, seed := range seeds {
		tr := &tree{perm: make([]int32, n), leafStart: make([]bool, n)}
		if leafDists {
			tr.leafD = make([]float32, leafDLen(n, leafSize))
			tr.leafDone = make([]bool, n)
		}
		for i := range tr.perm {
			tr.perm[i] = int32(i)
		}
		trees[t] = tr
		if n > 0 {
			next = split(node{t: t, hi: n, seed: seed}, tr.leafStart)
		}
	}
	var normals []float32
	dim := s.dim
	for len(next) > 0 {
		active, next = next, active[:0]
		if cap(normals) < len(active)*dim {
			normals = make([]float32, len(active)*dim)
		}
		normals = normals[:len(active)*dim]
		err := parallelFor(ctx, threads, len(active), func(i int) {
			nd := &active[i]
			perm := trees[nd.t].perm
			nd.offset = hyperplane(s, normals[i*dim:(i+1)*dim], perm[nd.lo:nd.hi], &nd.r, nd.seed)
			for _, p := range perm[nd.lo:nd.hi] {
				nodeOf[int(p)*nt+nd.t] = int32(i)
			}
		})
		if err != nil {
			return nil, err
		}
		order := trees[0].perm
		const chunk = 256
		err = parallelFor(ctx, threads, (n+chunk-1)/chunk, func(c int) {
			var ts [4]int
			var dots [4]float32
			for _, p := range order[c*chunk : min(n, (c+1)*chunk)] {
				row := s.row(p)
				nodes := nodeOf[int(p)*nt : int(p+1)*nt]
				m := margin[int(p)*nt : int(p+1)*nt]
				// Four hyperplanes at a time against the row, with the
				// bits of offset + Dot(normal, row) one at a time.
				k := 0
				for t, nd := range nodes {
					if nd < 0 {
						continue
					}
					ts[k] = t
					k++
					if k < 4 {
						continue
					}
					vec.Dot4(&dots, row, normals[int(nodes[ts[0]])*dim:int(nodes[ts[0]]+1)*dim],
						normals[int(nodes[ts[1]])*dim:int(nodes[ts[1]]+1)*dim],
						normals[int(nodes[ts[2]])*dim:int(nodes[ts[2]]+1)*dim],
						normals[int(nodes[ts[3]])*dim:int(nodes[ts[3]]+1)*dim])
					for j, u := range ts {
						m[u] = active[nodes[u]].offset + dots[j]
					}
					k = 0
				}
				switch k {
				case 1:
					nd := nodes[ts[0]]
					m[ts[0]] = active[nd].offset + vec.Dot(normals[int(nd)*dim:int(nd+1)*dim], row)
				case 2, 3:
					// Cheaper as one four-way product, repeating a
					// hyperplane, than as two or three.
					for j := k; j < 4; j++ {
						ts[j] = ts[0]
					}
					vec.Dot4(&dots, row, normals[int(nodes[ts[0]])*dim:int(nodes[ts[0]]+1)*dim],
						normals[int(nodes[ts[1]])*dim:int(nodes[ts[1]]+1)*dim],
						normals[int(nodes[ts[2]])*dim:int(nodes[ts[2]]+1)*dim],
						normals[int(nodes[ts[3]])*dim:int(nodes[ts[3]]+1)*dim])
					for j, u := range ts[:k] {
						m[u] = active[nodes[u]].offset + dots[j]
					}
				}
			}
		})
		if err != nil {
			return nil, err
		}
		children := make([][2]node, len(active))
		finished := make([][2]bool, len(active))
		err = parallelFor(ctx, threads, len(active), func(i int) {
			nd := &active[i]
			tr := trees[nd.t]
			perm := tr.perm[nd.lo:nd.hi]
			mid := nd.lo + partition(perm, func(i int) float32 { return margin[int(perm[i])*nt+nd.t] }, &nd.r)
			for _, p := range perm {
				nodeOf[int(p)*nt+nd.t] = -1
			}
			children[i] = [2]node{
				{t: nd.t, lo: nd.lo, hi: mid, depth: nd.depth + 1, seed: mix(nd.seed ^ 0x6c62272e07bb0142)},
				{t: nd.t, lo: mid, hi: nd.hi, depth: nd.depth + 1, seed: mix(nd.seed ^ 0x2545f4914f6cdd1d)},
			}
			// A child whose rows fit in cache is split to its leaves
			// here, where its rows stay in cache from level to level.
			var normal, mg []float32
			for c, ch := range children[i] {
				if ch.hi-ch.lo > leafSize && (ch.hi-ch.lo)*dim*4 <= finishBytes {
					if normal == nil {
						normal = make([]float32, dim)
					}
					if len(mg) < ch.hi-ch.lo {
						mg = make([]float32, ch.hi-ch.lo)
					}
					finish(s, tr, ch.lo, ch.hi, ch.depth, ch.seed, leafSize, normal, mg)
					finished[i][c] = true
				}
			}
		})
		if err != nil {
			return nil, err
		}
		for i := range active {
			for c, ch := range children[i] {
				if !finished[i][c] {
					next = split(ch, trees[ch.t].leafStart)
				}
			}
		}
	}
	return trees, nil
}

// finishBytes is the size of a node's rows below which finish splits it
// (a core's L2 cache here; measured against half and twice that, it was
// the fastest on both benchmark sets; a variable so that tests can move it).
var finishBytes = 1 << 20

// finish splits the node perm[lo:hi] of tr down to its leaves, depth first,
// exactly as the level-by-level build would.
// normal and mg are scratch: dim entries, and at least hi − lo.
func finish(s *space, tr *tree, lo, hi, depth int, seed uint64, leafSize int, normal, mg []float32) {
	for {
		if hi-lo <= leafSize || depth >= maxTreeDepth {
			tr.leafStart[lo] = true
			if tr.leafD != nil && hi-lo <= leafSize {
				leafDistances(s, tr.perm[lo:hi], tr.leafD[leafDOffset(lo, leafSize):])
				tr.leafDone[lo] = true
			}
			return
		}
		var r rng
		idx := tr.perm[lo:hi]
		offset := hyperplane(s, normal, idx, &r, seed)
		margins(s, normal, offset, idx, mg)
		mid := lo + partition(idx, func(i int) float32 { return mg[i] }, &r)
		finish(s, tr, lo, mid, depth+1, mix(seed^0x6c62272e07bb0142), leafSize, normal, mg)
		lo, depth, seed = mid, depth+1, mix(seed^0x2545f4914f6cdd1d)
	}
}

// hyperplane draws two of the points idx at random from the stream seeded
// with seed, left in *r, and sets normal to the normal of the hyperplane
// between them; it returns the hyperplane's offset.
func hyperplane(s *space, normal []float32, idx []int32, r *rng, seed uint64) (offset float32) {
	*r = rng{s: seed}
	m := len(idx)
	li := r.intn(m)
	ri := r.intn(m)
	if li == ri {
		ri = (ri + 1) % m
	}
	left, right := s.row(idx[li]), s.row(idx[ri])
	if s.cosine {
		for d := range normal {
			normal[d] = left[d] - right[d]
		}
		if nrm := vec.Norm(normal); nrm > marginEps {
			for d := range normal {
				normal[d] /= nrm
			}
		}
		return 0
	}
	for d := range normal {
		normal[d] = left[d] - right[d]
		offset -= normal[d] * (left[d] + right[d]) / 2
	}
	return offset
}

// leafDistances sets dst, in order, to the distances of the pairs (a, b),
// a < b, of the points idx, four at a time, each bit for bit space.dist.
func leafDistances(s *space, idx []int32, dst []float32) {
	var d4 [4]float32
	w := 0
	for a, p := range idx {
		qs := idx[a+1:]
		i := 0
		for ; i+4 <= len(qs); i += 4 {
			s.dist4(&d4, p, (*[4]int32)(qs[i:i+4]))
			w += copy(dst[w:], d4[:])
		}
		for _, q := range qs[i:] {
			dst[w] = s.dist(p, q)
			w++
		}
	}
}

// margins sets mg[i] to the margin offset + normal·row of point idx[i], for
// every i, bit for bit as vec.Dot(normal, row) gives it, four rows at a time.
func margins(s *space, normal []float32, offset float32, idx []int32, mg []float32) {
	var d4 [4]float32
	i := 0
	for ; i+4 <= len(idx); i += 4 {
		vec.Dot4(&d4, normal, s.row(idx[i]), s.row(idx[i+1]), s.row(idx[i+2]), s.row(idx[i+3]))
		for j, d := range d4 {
			mg[i+j] = offset + d
		}
	}
	for ; i < len(idx); i++ {
		mg[i] = offset + vec.Dot(normal, s.row(idx[i]))
	}
}

// partition splits idx by the sign of each point's margin (margin(i) for
// idx[i]), drawing coin flips from r: on return the left side (positive
// margins) is idx[:mid] and the right side idx[mid:], each in its original
// order.
func partition(idx []int32, margin func(int) float32, r *rng) (mid int) {
	m := len(idx)
	sc := partitionScratch.Get().(*scratch)
	defer partitionScratch.Put(sc)
	if cap(sc.side) < m {
		sc.side = make([]uint8, m)
		sc.tmp = make([]int32, m)
	}
	side := sc.side[:m]
	nLeft := 0
	for i := range idx {
		mg := margin(i)
		switch {
		case mg > -marginEps && mg < marginEps:
			side[i] = uint8(r.next() & 1)
		case mg > 0:
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
