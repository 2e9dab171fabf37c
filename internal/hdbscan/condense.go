package hdbscan

import "math"

// linkage is a single-linkage tree in SciPy's format: row i merges nodes
// Left[i] and Right[i] (points are 0..n−1, row i creates node n+i) at
// distance Dist[i] into a node of Size[i] points.
type linkage struct {
	n     int
	Left  []int32
	Right []int32
	Dist  []float64
	Size  []int32
}

// newLinkage turns spanning-tree edges sorted by weight into the
// single-linkage tree, as hdbscan's label(): a union-find without union by
// rank, whose new node for each edge merges the components of its ends
// (the component of edge end A on the left).
func newLinkage(n int, edges []Edge) *linkage {
	l := &linkage{n: n,
		Left: make([]int32, n-1), Right: make([]int32, n-1),
		Dist: make([]float64, n-1), Size: make([]int32, n-1)}
	parent := make([]int32, 2*n-1)
	size := make([]int32, 2*n-1)
	for i := range parent {
		parent[i] = -1
	}
	for i := range n {
		size[i] = 1
	}
	find := func(x int32) int32 {
		r := x
		for parent[r] != -1 {
			r = parent[r]
		}
		for parent[x] != -1 && parent[x] != r {
			x, parent[x] = parent[x], r
		}
		return r
	}
	next := int32(n)
	for i, e := range edges {
		a, b := find(e.A), find(e.B)
		l.Left[i], l.Right[i], l.Dist[i] = a, b, e.W
		l.Size[i] = size[a] + size[b]
		size[next] = l.Size[i]
		parent[a], parent[b] = next, next
		next++
	}
	return l
}

// condensed is a condensed cluster tree, rows in the order hdbscan's
// condense_tree produces them: row r says that Child (a point < n, or a
// cluster ≥ n) leaves cluster Parent at λ = Lambda[r] with Size[r] points.
// The root cluster is n; clusters are numbered n, n+1, … in breadth-first
// order, so a child's number is larger than its parent's.
type condensed struct {
	n      int
	Parent []int32
	Child  []int32
	Lambda []float64
	Size   []int32
	// nClusters is the number of clusters, root included.
	nClusters int
}

// condense condenses the single-linkage tree with minClusterSize, as
// hdbscan's condense_tree: walking the tree breadth-first from the root, a
// split whose two sides both have at least minClusterSize points creates two
// new clusters; otherwise the points of each small side fall out of the
// current cluster at that λ = 1/distance (∞ at distance 0) and a large side
// carries the current cluster on.
func condense(l *linkage, minClusterSize int) *condensed {
	n := l.n
	c := &condensed{n: n,
		Parent: make([]int32, 0, n+n/minClusterSize*2),
		Child:  make([]int32, 0, n+n/minClusterSize*2),
		Lambda: make([]float64, 0, n+n/minClusterSize*2),
		Size:   make([]int32, 0, n+n/minClusterSize*2)}
	mcs := int32(minClusterSize)
	sizeOf := func(node int32) int32 {
		if int(node) < n {
			return 1
		}
		return l.Size[int(node)-n]
	}
	relabel := make([]int32, n-1) // by internal node − n
	root := int32(2*n - 2)
	relabel[root-int32(n)] = int32(n)
	next := int32(n + 1)
	queue := make([]int32, 0, 64)
	queue = append(queue, root)
	var sub []int32
	emit := func(parent, node int32, lambda float64) {
		sub = append(sub[:0], node)
		for i := 0; i < len(sub); i++ {
			x := sub[i]
			if int(x) < n {
				c.Parent = append(c.Parent, parent)
				c.Child = append(c.Child, x)
				c.Lambda = append(c.Lambda, lambda)
				c.Size = append(c.Size, 1)
				continue
			}
			sub = append(sub, l.Left[int(x)-n], l.Right[int(x)-n])
		}
	}
	row := func(parent, child int32, lambda float64, size int32) {
		c.Parent = append(c.Parent, parent)
		c.Child = append(c.Child, child)
		c.Lambda = append(c.Lambda, lambda)
		c.Size = append(c.Size, size)
	}
	for qi := 0; qi < len(queue); qi++ {
		node := queue[qi]
		r := int(node) - n
		left, right := l.Left[r], l.Right[r]
		lambda := math.Inf(1)
		if l.Dist[r] > 0 {
			lambda = 1 / l.Dist[r]
		}
		lc, rc := sizeOf(left), sizeOf(right)
		me := relabel[r]
		switch {
		case lc >= mcs && rc >= mcs:
			relabel[int(left)-n] = next
			row(me, next, lambda, lc)
			next++
			relabel[int(right)-n] = next
			row(me, next, lambda, rc)
			next++
			queue = append(queue, left, right)
		case lc < mcs && rc < mcs:
			emit(me, left, lambda)
			emit(me, right, lambda)
		case lc < mcs:
			relabel[int(right)-n] = me
			emit(me, left, lambda)
			queue = append(queue, right)
		default:
			relabel[int(left)-n] = me
			emit(me, right, lambda)
			queue = append(queue, left)
		}
	}
	c.nClusters = int(next) - n
	return c
}
