package knn

// Most distance evaluations of NN-descent repeat ones already made: two
// points close enough to be compared share a leaf in several trees of the
// forest, and the local joins of the first iterations mostly compare pairs of
// neighbours that the forest already compared (on Fashion-MNIST and on a
// 40,000×1,280 embedding-like set, 72–79 % of the local-join pairs and a
// third of the within-leaf pairs of later trees). A distance computed once is
// never useful again: its offer to both heaps was made then (pushed, or
// rejected because it did not beat the heap's root), and since a heap's root
// only decreases and a heap refuses an index it holds, offering it again
// cannot change a heap. Skipping those pairs therefore leaves the graph
// bit for bit as it was; it only saves the dot products.
//
// leafIDs records, for every point, its leaf in each tree: a 16-bit leaf
// number per tree, four trees to a 64-bit word, so that "did p and q share a
// leaf in any of these trees" is a few word comparisons. A tree with more
// than 65,535 leaves (only possible beyond ~4 million points) is left out of
// the record, and its pairs are simply not recognised as repeats.

// skipRepeats turns the skipping on (a variable so that tests can compare
// with the graph built without it).
var skipRepeats = true

const (
	lanes16 = 0x0001_0001_0001_0001
	highs16 = 0x8000_8000_8000_8000
)

type leafIDs struct {
	words int      // 64-bit words per point
	ids   []uint64 // n rows of words; lane t%4 of word t/4 is the leaf in tree t
	// valid has the 16 bits of lane t set once tree t is recorded;
	// before[t] is valid restricted to the trees before t.
	valid    []uint64
	before   [][]uint64
	recorded []bool
}

func newLeafIDs(n, nTrees int) *leafIDs {
	w := (nTrees + 3) / 4
	l := &leafIDs{words: w, ids: make([]uint64, n*w), valid: make([]uint64, w), before: make([][]uint64, nTrees), recorded: make([]bool, nTrees)}
	for t := range l.before {
		l.before[t] = make([]uint64, w)
	}
	return l
}

// record stores the leaves of tree t, given as [lo, hi) ranges of perm,
// unless the tree has too many leaves. It must not run concurrently with
// another record touching the same word (trees t with the same t/4).
func (l *leafIDs) record(t int, perm []int32, ranges [][2]int32) {
	if len(ranges) > 0xffff {
		return
	}
	l.recorded[t] = true
	w, shift := t/4, uint(16*(t%4))
	keep := ^(uint64(0xffff) << shift)
	for li, r := range ranges {
		v := uint64(li) << shift
		for _, p := range perm[r[0]:r[1]] {
			x := &l.ids[int(p)*l.words+w]
			*x = *x&keep | v
		}
	}
}

// publish makes tree t, if recorded, count for the leaves of later trees
// and for the local joins. Call it after record, before any shared query.
func (l *leafIDs) publish(t int) {
	if !l.recorded[t] || !skipRepeats {
		return
	}
	l.valid[t/4] |= uint64(0xffff) << uint(16*(t%4))
	for u := t + 1; u < len(l.before); u++ {
		copy(l.before[u], l.valid)
	}
}

// of returns p's record: its leaf in every tree, four trees to a word.
func (l *leafIDs) of(p int32) []uint64 {
	return l.ids[int(p)*l.words : (int(p)+1)*l.words]
}

// shared reports whether p and q lie in one leaf of some tree whose lane is
// set in mask.
func (l *leafIDs) shared(p, q int32, mask []uint64) bool {
	return sharedLeaf(l.of(p), l.of(q), mask)
}

// sharedLeaf reports whether the records a and b (see leafIDs.of) name one
// leaf for some tree whose lane is set in mask.
func sharedLeaf(a, b, mask []uint64) bool {
	b = b[:len(a)]
	mask = mask[:len(a)]
	for w, x := range a {
		// A lane of z is zero where p and q share the leaf of a masked
		// tree; the expression below is non-zero exactly when some lane
		// of z is zero (the classic "has a zero byte" test, in 16 bits).
		z := x ^ b[w] | ^mask[w]
		if (z-lanes16)&^z&highs16 != 0 {
			return true
		}
	}
	return false
}
