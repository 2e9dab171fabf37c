package knn

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync/atomic"
)

// Build returns the k-nearest-neighbour graph of the n×dim row-major matrix
// data as umap-learn 0.5 obtains it: exact (see Exact) below 4,096 points or
// with opts.ForceExact, otherwise approximate by NN-descent (see Descent).
// k counts the point itself, which is neighbour 0. The caller's data is never
// modified. It panics if len(data) != n·dim and returns an error for k
// outside [1, n], non-finite values, or all-zero rows under Cosine.
func Build(ctx context.Context, data []float32, n, dim, k int, opts Options) (*Graph, error) {
	p := opts.resolve(n, k)
	s, err := prepare(ctx, data, n, dim, k, opts.Metric, p.threads)
	if err != nil {
		return nil, err
	}
	rep := &reporter{f: opts.Progress}
	if opts.ForceExact || n < smallData {
		return exact(ctx, s, n, k, p.threads, rep)
	}
	return descent(ctx, s, n, k, p, rep)
}

// Descent returns an approximate k-nearest-neighbour graph of the n×dim
// row-major matrix data by nearest-neighbour descent (Dong, Charikar & Li,
// "Efficient k-nearest neighbor graph construction for generic similarity
// measures", WWW 2011), following pynndescent 0.5's nn_descent as umap-learn
// calls it:
//
//   - initialise every point's heap from a forest of random-projection trees
//     (all pairs within each leaf; see rptree.go), then fill heaps that are
//     still short with random points;
//   - each iteration, sample for every point at most MaxCandidates "new" and
//     "old" candidates among its neighbours and reverse neighbours (random
//     priorities, as new_build_candidates), mark the sampled new ones old,
//     and compare new×new and new×old candidate pairs, pushing each distance
//     below a heap's threshold into that bounded heap;
//   - stop after NIters iterations or once an iteration changes at most
//     Delta·k·n heap entries.
//
// A pair of points that already shared a leaf of an earlier tree is not
// compared again, in the forest or in the local joins: its distance was
// offered to both heaps then, and could not change them now (see
// leafid.go). This saves most of the distance computations and leaves the
// graph exactly as it would be otherwise.
//
// Work is spread over opts.Threads goroutines in a way that does not change
// the result: each point draws from its own random streams derived from
// opts.Seed, pairs are compared in fixed chunks, and each heap receives its
// updates in a fixed order, so the same seed gives the same graph for any
// number of threads. As in pynndescent, updates are generated per block of
// 16,384 points against the heaps as they were at the block's start, then
// applied.
//
// Distances, panics and errors are as for Exact, and rows are ordered the
// same way: by distance, ties by index, the point itself first. Exact
// duplicates of a point follow it at distance 0 as far as the search found
// them; when a point has more than k−1 duplicates, which of them fill its
// row is not specified (Exact takes the lowest indices).
func Descent(ctx context.Context, data []float32, n, dim, k int, opts Options) (*Graph, error) {
	p := opts.resolve(n, k)
	s, err := prepare(ctx, data, n, dim, k, opts.Metric, p.threads)
	if err != nil {
		return nil, err
	}
	return descent(ctx, s, n, k, p, &reporter{f: opts.Progress})
}

const (
	descentBlock   = 16384   // points per update block (pynndescent's block_size)
	joinChunk      = 64      // points per local-join task
	leafBlockPairs = 1 << 21 // leaf pairs per update block of the initialisation
	leafChunkPairs = 1 << 15 // leaf pairs per task

	saltTree = 0x5452454553454544 // "TREESEED"
	saltFill = 0x52414e4446494c4c // "RANDFILL"
	saltCand = 0x43414e4449444154 // "CANDIDAT"
)

// entry asks to push from at distance d into the heap of to.
type entry struct {
	to, from int32
	d        float32
}

// updates collects entries per generation task (chunk) and per bucket of
// destination points. Applying bucket by bucket, chunks in order, gives every
// heap its entries in the same order however the work was scheduled.
type updates struct {
	shift uint
	nb    int
	lists [][][]entry // [chunk][bucket]
}

func newUpdates(n, threads int) updates {
	target := max(256, n/(8*threads))
	shift := uint(bits.Len(uint(target - 1)))
	return updates{shift: shift, nb: (n + 1<<shift - 1) >> shift}
}

func (u *updates) reset(nChunks int) {
	for len(u.lists) < nChunks {
		u.lists = append(u.lists, make([][]entry, u.nb))
	}
	for c := range nChunks {
		for b := range u.lists[c] {
			u.lists[c][b] = u.lists[c][b][:0]
		}
	}
}

func (u *updates) emit(chunk int, to, from int32, d float32) {
	l := &u.lists[chunk][int(to)>>u.shift]
	*l = append(*l, entry{to, from, d})
}

// nnd is the state of one NN-descent run.
type nnd struct {
	s    *space
	n, k int
	p    params
	rep  *reporter

	d  []float32 // heaps, row-major n×k
	ix []int32
	fl []uint8
	// th holds every heap's root distance (d[i·k]) side by side: the
	// local joins read a threshold per pair, and n values stay in cache
	// where n rows of k do not. Heaps change only when updates are
	// applied, which refreshes th.
	th []float32

	leaves *leafIDs // which leaf of each tree every point fell in
	// order is the order in which the local joins visit the points: that
	// of the first tree's leaves, so that consecutive points have
	// overlapping candidates whose rows are still in cache.
	order []int32

	u updates
}

func (g *nnd) heap(i int32) ([]float32, []int32, []uint8) {
	lo, hi := int(i)*g.k, (int(i)+1)*g.k
	return g.d[lo:hi], g.ix[lo:hi], g.fl[lo:hi]
}

// threshold is the distance a candidate must beat to enter i's heap.
func (g *nnd) threshold(i int32) float32 { return g.th[i] }

// refresh copies the roots of the heaps of points [lo, hi) into th.
func (g *nnd) refresh(lo, hi int) {
	for i := lo; i < hi; i++ {
		g.th[i] = g.d[i*g.k]
	}
}

func descent(ctx context.Context, s *space, n, k int, p params, rep *reporter) (*Graph, error) {
	g := &nnd{
		s: s, n: n, k: k, p: p, rep: rep,
		d:  make([]float32, n*k),
		ix: make([]int32, n*k),
		fl: make([]uint8, n*k),
		th: make([]float32, n),
		u:  newUpdates(n, p.threads),
	}
	for i := range n {
		d, ix, fl := g.heap(int32(i))
		heapInit(d, ix, fl)
		heapPush(d, ix, fl, 0, int32(i), 0)
	}
	g.refresh(0, n)
	if err := g.initForest(ctx); err != nil {
		return nil, fmt.Errorf("nn-descent: %w", err)
	}
	if err := g.initRandom(ctx); err != nil {
		return nil, fmt.Errorf("nn-descent: %w", err)
	}
	g.refresh(0, n)
	if err := g.iterate(ctx); err != nil {
		return nil, fmt.Errorf("nn-descent: %w", err)
	}
	err := parallelFor(ctx, p.threads, (n+4095)/4096, func(c int) {
		for i := c * 4096; i < min(n, (c+1)*4096); i++ {
			d, ix, _ := g.heap(int32(i))
			finishRow(s, int32(i), d, ix)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("nn-descent: %w", err)
	}
	return &Graph{N: n, K: k, Indices: g.ix, Dists: g.d}, nil
}

// apply pushes the entries of the first nChunks chunks into their heaps and
// returns how many changed a heap.
func (g *nnd) apply(ctx context.Context, nChunks int) (int, error) {
	var total atomic.Int64
	err := parallelFor(ctx, g.p.threads, g.u.nb, func(b int) {
		c := 0
		for ch := range nChunks {
			for _, e := range g.u.lists[ch][b] {
				d, ix, fl := g.heap(e.to)
				if heapPush(d, ix, fl, e.d, e.from, 1) {
					c++
				}
			}
		}
		g.refresh(b<<g.u.shift, min(g.n, (b+1)<<g.u.shift))
		total.Add(int64(c))
	})
	return int(total.Load()), err
}

// leaf is a leaf of tree t of the current batch: perm[lo:hi], with its
// pairs' distances d in order if the forest computed them.
type leaf struct {
	perm   []int32
	lo, hi int32
	t      int
	d      []float32
}

func (l leaf) pairs() int { m := int(l.hi - l.lo); return m * (m - 1) / 2 }

// initForest builds the trees in batches and pushes every within-leaf pair
// into the heaps of both points (pynndescent's init_rp_tree), except pairs
// that already shared a leaf of an earlier tree (see leafid.go).
func (g *nnd) initForest(ctx context.Context) error {
	g.leaves = newLeafIDs(g.n, g.p.nTrees)
	var ranges [][2]int32
	var buf forestBuffers
	// Each level of a batch reads every row once, whatever the number of
	// trees in it: as few batches as memory allows, of equal sizes (at a
	// million points, 55 trees as 28 and 27, not 32 and 23).
	maxPerBatch := max(4, forestBatchBytes/(8*max(1, g.n)))
	// The trees of a batch keep their leaves' distances when those fit
	// in leafDistBytes: computed as finish closes a leaf, with its rows
	// in cache, they cost a fraction of reading the rows again later.
	leafDists := leafDistBytes > 0 && 4*leafDLen(g.n, g.p.leafSize)*min(maxPerBatch, g.p.nTrees) <= leafDistBytes
	batches := (g.p.nTrees + maxPerBatch - 1) / maxPerBatch
	perBatch := (g.p.nTrees + batches - 1) / max(1, batches)
	for t0 := 0; t0 < g.p.nTrees; t0 += perBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		t1 := min(g.p.nTrees, t0+perBatch)
		seeds := make([]uint64, t1-t0)
		for t := t0; t < t1; t++ {
			seeds[t-t0] = treeSeed(g.p.seed, t)
		}
		trees, err := buildForest(ctx, g.s, g.n, g.p.leafSize, seeds, g.p.threads, &buf, leafDists)
		if err != nil {
			return err
		}
		var leaves []leaf
		treeRanges := make([][][2]int32, len(trees))
		if t0 == 0 {
			g.order = trees[0].perm
		}
		for i, tr := range trees {
			ranges = tr.leaves(ranges[:0])
			treeRanges[i] = slices.Clone(ranges)
			for _, r := range ranges {
				l := leaf{perm: tr.perm, lo: r[0], hi: r[1], t: t0 + i}
				if tr.leafDone != nil && tr.leafDone[r[0]] {
					l.d = tr.leafD[leafDOffset(int(r[0]), g.p.leafSize):]
				}
				leaves = append(leaves, l)
			}
		}
		// Trees t with the same t/4 share a word of the record: one task
		// per word.
		w0, w1 := t0/4, (t1+3)/4
		err = parallelFor(ctx, g.p.threads, w1-w0, func(w int) {
			for t := max(t0, 4*(w0+w)); t < min(t1, 4*(w0+w+1)); t++ {
				g.leaves.record(t, trees[t-t0].perm, treeRanges[t-t0])
			}
		})
		if err != nil {
			return err
		}
		for t := t0; t < t1; t++ {
			g.leaves.publish(t)
		}
		for len(leaves) > 0 {
			nb, pairs := 0, 0
			for nb < len(leaves) && pairs < leafBlockPairs {
				pairs += leaves[nb].pairs()
				nb++
			}
			if err := g.leafBlock(ctx, leaves[:nb]); err != nil {
				return err
			}
			leaves = leaves[nb:]
		}
		g.rep.report("rp-forest", t1, g.p.nTrees)
	}
	return nil
}

// forestBatchBytes bounds the working memory of a batch of trees (8 bytes a
// point and tree); a variable so that tests can split the forest into more
// batches.
var forestBatchBytes = 256 << 20

// leafDistBytes bounds the memory of the within-leaf distances a batch of
// trees keeps (4 bytes a pair); 0 turns keeping them off (a variable so
// that tests can compare).
var leafDistBytes = 256 << 20

// treeSeed is the seed of tree t of the forest grown from seed.
func treeSeed(seed uint64, t int) uint64 {
	return mix(seed ^ saltTree + uint64(t)*0x9e3779b97f4a7c15)
}

func (g *nnd) leafBlock(ctx context.Context, leaves []leaf) error {
	var chunks [][]leaf
	for len(leaves) > 0 {
		nl, pairs := 0, 0
		for nl < len(leaves) && pairs < leafChunkPairs {
			pairs += leaves[nl].pairs()
			nl++
		}
		chunks = append(chunks, leaves[:nl])
		leaves = leaves[nl:]
	}
	g.u.reset(len(chunks))
	err := parallelFor(ctx, g.p.threads, len(chunks), func(c int) {
		var qs []int32
		for _, l := range chunks[c] {
			pts := l.perm[l.lo:l.hi]
			before := g.leaves.before[l.t]
			check := slices.ContainsFunc(before, func(w uint64) bool { return w != 0 })
			w := 0 // the next pair's place in l.d
			for a, p := range pts {
				if l.d != nil {
					tp := g.threshold(p)
					for _, q := range pts[a+1:] {
						if !check || !g.leaves.shared(p, q, before) {
							g.offer(c, p, q, tp, l.d[w])
						}
						w++
					}
					continue
				}
				qs = qs[:0]
				for _, q := range pts[a+1:] {
					if !check || !g.leaves.shared(p, q, before) {
						qs = append(qs, q)
					}
				}
				g.compare(c, p, qs)
			}
		}
	})
	if err != nil {
		return err
	}
	_, err = g.apply(ctx, len(chunks))
	return err
}

// initRandom fills heaps that still have empty slots with random points
// (pynndescent's init_random), then, if the random draws were not enough,
// with the first points not yet present.
func (g *nnd) initRandom(ctx context.Context) error {
	return parallelFor(ctx, g.p.threads, (g.n+1023)/1024, func(c int) {
		for i := c * 1024; i < min(g.n, (c+1)*1024); i++ {
			d, ix, fl := g.heap(int32(i))
			if ix[0] >= 0 {
				continue
			}
			r := rng{s: mix(g.p.seed ^ saltFill ^ uint64(i)*0x9e3779b97f4a7c15)}
			for try := 0; try < 2*g.k && ix[0] < 0; try++ {
				j := int32(r.intn(g.n))
				heapPush(d, ix, fl, g.s.dist(int32(i), j), j, 1)
			}
			for j := int32(0); ix[0] < 0 && int(j) < g.n; j++ {
				heapPush(d, ix, fl, g.s.dist(int32(i), j), j, 1)
			}
		}
	})
}

// candidates are the sampled new and old candidates of every point, n rows
// of maxCandidates, each row's valid entries first and then −1s.
type candidates struct {
	mc       int
	newC     []int32
	oldC     []int32
	revStart []int32 // reverse neighbours: edges revEdge[revStart[v]:revStart[v+1]] point at v
	revEdge  []int32
	cursor   []int32
}

func (g *nnd) iterate(ctx context.Context) error {
	mc := g.p.maxCandidates
	cs := &candidates{
		mc:       mc,
		newC:     make([]int32, g.n*mc),
		oldC:     make([]int32, g.n*mc),
		revStart: make([]int32, g.n+1),
		revEdge:  make([]int32, g.n*g.k),
		cursor:   make([]int32, g.n),
	}
	for it := range g.p.nIters {
		if err := g.buildCandidates(ctx, cs, it); err != nil {
			return err
		}
		changes := 0
		for b0 := 0; b0 < g.n; b0 += descentBlock {
			b1 := min(g.n, b0+descentBlock)
			nChunks := (b1 - b0 + joinChunk - 1) / joinChunk
			g.u.reset(nChunks)
			err := parallelFor(ctx, g.p.threads, nChunks, func(c int) {
				js := joinScratch{cand: make([]int32, 0, 2*mc), ids: make([]uint64, 0, 2*mc*g.leaves.words), qs: make([]int32, 0, 2*mc)}
				for _, v := range g.order[b0+c*joinChunk : min(b1, b0+(c+1)*joinChunk)] {
					g.join(c, cs.newC[int(v)*mc:(int(v)+1)*mc], cs.oldC[int(v)*mc:(int(v)+1)*mc], &js)
				}
			})
			if err != nil {
				return err
			}
			c, err := g.apply(ctx, nChunks)
			if err != nil {
				return err
			}
			changes += c
		}
		g.rep.report("nn-descent", it+1, g.p.nIters)
		if float64(changes) <= g.p.delta*float64(g.k)*float64(g.n) {
			break
		}
	}
	return nil
}

// joinScratch is a local-join task's working memory.
type joinScratch struct {
	cand []int32  // the candidates, new ones then old ones
	ids  []uint64 // their leaf records, in the same order
	qs   []int32
}

// join compares one point's candidate pairs (new×new and new×old) and emits
// every distance that would improve a heap (pynndescent's
// generate_graph_update_array). Pairs that shared a leaf of the forest were
// compared then and are skipped (see leafid.go); the candidates' leaf
// records are copied side by side first, so that the pair checks read them
// from cache.
func (g *nnd) join(chunk int, newC, oldC []int32, js *joinScratch) {
	all := g.leaves.valid
	w := g.leaves.words
	nNew := index(newC, -1)
	cand := append(append(js.cand[:0], newC[:nNew]...), oldC[:index(oldC, -1)]...)
	js.cand = cand
	if cap(js.ids) < len(cand)*w {
		js.ids = make([]uint64, len(cand)*w)
	}
	ids := js.ids[:len(cand)*w]
	for i, c := range cand {
		// Word by word: a record is a few words, too short for copy.
		for j, x := range g.leaves.of(c) {
			ids[i*w+j] = x
		}
	}
	for a, p := range cand[:nNew] {
		qs := js.qs[:0]
		pid := ids[a*w : (a+1)*w]
		for b := a + 1; b < len(cand); b++ {
			if q := cand[b]; q != p && !sharedLeaf(pid, ids[b*w:(b+1)*w], all) {
				qs = append(qs, q)
			}
		}
		g.compare(chunk, p, qs)
		js.qs = qs
	}
}

// index returns the position of the first x in s, or len(s) if there is
// none.
func index(s []int32, x int32) int {
	if i := slices.Index(s, x); i >= 0 {
		return i
	}
	return len(s)
}

// offer emits the distance d between p and q to p's heap if it beats tp,
// p's threshold, and to q's if it beats q's.
func (g *nnd) offer(chunk int, p, q int32, tp, d float32) {
	if d < tp {
		g.u.emit(chunk, p, q, d)
	}
	if d < g.threshold(q) {
		g.u.emit(chunk, q, p, d)
	}
}

// compare computes the distances from p to each of qs, four at a time, and
// emits, in the order of qs, every one that beats p's or q's threshold.
func (g *nnd) compare(chunk int, p int32, qs []int32) {
	tp := g.threshold(p)
	offer := func(q int32, d float32) { g.offer(chunk, p, q, tp, d) }
	var d4 [4]float32
	i := 0
	for ; i+4 <= len(qs); i += 4 {
		q4 := (*[4]int32)(qs[i : i+4])
		g.s.dist4(&d4, p, q4)
		for j, q := range q4 {
			offer(q, d4[j])
		}
	}
	switch rest := qs[i:]; len(rest) {
	case 1:
		offer(rest[0], g.s.dist(p, rest[0]))
	case 2, 3:
		// One four-way product, repeating a point, is cheaper than two
		// or three single ones.
		q4 := [4]int32{rest[0], rest[0], rest[0], rest[0]}
		copy(q4[:], rest)
		g.s.dist4(&d4, p, &q4)
		for j, q := range rest {
			offer(q, d4[j])
		}
	}
}

// buildCandidates samples each point's candidates from its neighbours and
// reverse neighbours (pynndescent's new_build_candidates). Every edge i→j of
// the graph gets one random priority, from the seed, the iteration and the
// edge alone; j is a candidate of i and i of j, new if the edge is flagged
// new, and each list keeps the MaxCandidates lowest priorities. Sampled new
// neighbours are then flagged old.
func (g *nnd) buildCandidates(ctx context.Context, cs *candidates, it int) error {
	n, k, mc := g.n, g.k, cs.mc
	const chunk = 2048
	nChunks := (n + chunk - 1) / chunk
	// The reverse edges, by a counting sort in one pass of each kind: on
	// two cores, a serial pass costs less than atomic counters shared by
	// both, and leaves every point's reverse edges in increasing order.
	clear(cs.revStart)
	for e, j := range g.ix {
		if j >= 0 && int(j) != e/k {
			cs.revStart[j+1]++
		}
	}
	for v := range n {
		cs.revStart[v+1] += cs.revStart[v]
	}
	copy(cs.cursor, cs.revStart[:n])
	for e, j := range g.ix {
		if j >= 0 && int(j) != e/k {
			cs.revEdge[cs.cursor[j]] = int32(e)
			cs.cursor[j]++
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	iterSeed := mix(g.p.seed ^ saltCand ^ uint64(it+1)*0x9e3779b97f4a7c15)
	err := parallelFor(ctx, g.p.threads, nChunks, func(c int) {
		np := make([]uint64, mc)
		op := make([]uint64, mc)
		for v := c * chunk; v < min(n, (c+1)*chunk); v++ {
			rev := cs.revEdge[cs.revStart[v]:cs.revStart[v+1]]
			nc, oc := cs.newC[v*mc:(v+1)*mc], cs.oldC[v*mc:(v+1)*mc]
			for t := range mc {
				np[t], op[t] = math.MaxUint64, math.MaxUint64
				nc[t], oc[t] = -1, -1
			}
			// A candidate can already be in a list only if it is both a
			// neighbour and a reverse neighbour: v's neighbours are
			// distinct, and so are its reverse neighbours. Only then
			// must a push look for it.
			push := func(e int32, cand int32, check bool) {
				pr := mix(iterSeed ^ uint64(e))
				if g.fl[e] != 0 {
					candPush(np, nc, pr, cand, check)
				} else {
					candPush(op, oc, pr, cand, check)
				}
			}
			fwd := g.ix[v*k : (v+1)*k]
			for i, j := range fwd {
				if j >= 0 && int(j) != v {
					push(int32(v*k+i), j, false)
				}
			}
			for _, e := range rev {
				u := e / int32(k)
				push(e, u, slices.Contains(fwd, u))
			}
			compact(nc)
			compact(oc)
		}
	})
	if err != nil {
		return err
	}
	return parallelFor(ctx, g.p.threads, nChunks, func(c int) {
		for v := c * chunk; v < min(n, (c+1)*chunk); v++ {
			nc := cs.newC[v*mc : (v+1)*mc]
			for e := v * k; e < (v+1)*k; e++ {
				if g.fl[e] != 0 && slices.Contains(nc, g.ix[e]) {
					g.fl[e] = 0
				}
			}
		}
	})
}

// candPush is pynndescent's checked_heap_push on a max-heap of priorities:
// it keeps the lowest priorities, ignoring an index already present. The
// caller passes check = false when id cannot be present.
func candPush(pr []uint64, ix []int32, p uint64, id int32, check bool) {
	if p >= pr[0] {
		return
	}
	if check && slices.Contains(ix, id) {
		return
	}
	size := len(pr)
	i := 0
	for {
		c1 := 2*i + 1
		c2 := c1 + 1
		sw := -1
		switch {
		case c1 >= size:
		case c2 >= size:
			if pr[c1] > p {
				sw = c1
			}
		case pr[c1] >= pr[c2]:
			if p < pr[c1] {
				sw = c1
			}
		default:
			if p < pr[c2] {
				sw = c2
			}
		}
		if sw < 0 {
			break
		}
		pr[i], ix[i] = pr[sw], ix[sw]
		i = sw
	}
	pr[i], ix[i] = p, id
}

// compact moves the valid (non-negative) entries of ix to the front, keeping
// their order, and fills the rest with −1.
func compact(ix []int32) {
	w := 0
	for _, x := range ix {
		if x >= 0 {
			ix[w] = x
			w++
		}
	}
	for ; w < len(ix); w++ {
		ix[w] = -1
	}
}
