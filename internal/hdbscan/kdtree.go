package hdbscan

import "math"

// kdLeafSize is the largest number of points in a KD-tree leaf.
const kdLeafSize = 24

// kdTree is a static KD-tree over n points of dim coordinates for the
// Euclidean metric, in the manner of scikit-learn's KDTree: nodes split the
// widest bounding-box dimension at the median, and every node keeps its
// bounding box. Coordinates are stored as float64, in tree order.
type kdTree struct {
	n, dim int
	// pts holds the coordinates of the points in tree order, row-major.
	pts []float64
	// idx maps a tree position to the input index of the point.
	idx []int32
	// start, end delimit a node's points; left, right are its children
	// (−1 for a leaf).
	start, end  []int32
	left, right []int32
	// lo, hi hold each node's bounding box, dim values per node.
	lo, hi []float64
}

// newKDTree builds a KD-tree of data (n rows of dim float32 values).
func newKDTree(data []float32, n, dim int) *kdTree {
	t := &kdTree{n: n, dim: dim, idx: make([]int32, n)}
	for i := range t.idx {
		t.idx[i] = int32(i)
	}
	nodes := 2*(n/kdLeafSize+1) + 1
	t.start = make([]int32, 0, nodes)
	t.end = make([]int32, 0, nodes)
	t.left = make([]int32, 0, nodes)
	t.right = make([]int32, 0, nodes)
	t.lo = make([]float64, 0, nodes*dim)
	t.hi = make([]float64, 0, nodes*dim)
	src := make([]float64, n*dim)
	for i, v := range data[:n*dim] {
		src[i] = float64(v)
	}
	t.build(src, 0, n)
	t.pts = make([]float64, n*dim)
	for p, i := range t.idx {
		copy(t.pts[p*dim:(p+1)*dim], src[int(i)*dim:(int(i)+1)*dim])
	}
	return t
}

// build adds the node for positions [s, e) and its subtree; it returns the
// node's number.
func (t *kdTree) build(src []float64, s, e int) int32 {
	dim := t.dim
	node := int32(len(t.start))
	t.start = append(t.start, int32(s))
	t.end = append(t.end, int32(e))
	t.left = append(t.left, -1)
	t.right = append(t.right, -1)
	base := len(t.lo)
	for range dim {
		t.lo = append(t.lo, math.Inf(1))
		t.hi = append(t.hi, math.Inf(-1))
	}
	lo, hi := t.lo[base:base+dim], t.hi[base:base+dim]
	for _, i := range t.idx[s:e] {
		row := src[int(i)*dim : (int(i)+1)*dim]
		for d, v := range row {
			lo[d] = min(lo[d], v)
			hi[d] = max(hi[d], v)
		}
	}
	if e-s <= kdLeafSize {
		return node
	}
	split, spread := 0, -1.0
	for d := range dim {
		if w := hi[d] - lo[d]; w > spread {
			split, spread = d, w
		}
	}
	if spread <= 0 {
		return node // all points identical: keep one leaf
	}
	mid := s + (e-s)/2
	t.selectNth(src, split, s, e, mid)
	l := t.build(src, s, mid)
	r := t.build(src, mid, e)
	t.left[node], t.right[node] = l, r
	return node
}

// selectNth reorders idx[s:e] so that position k holds the point whose
// coordinate d would be there in sorted order, smaller-or-equal before it and
// greater-or-equal after it (Hoare's quickselect; ties broken by index so
// the tree does not depend on the input order of equal coordinates beyond
// that).
func (t *kdTree) selectNth(src []float64, d, s, e, k int) {
	idx := t.idx
	key := func(p int) float64 { return src[int(idx[p])*t.dim+d] }
	less := func(a, b int) bool {
		ka, kb := key(a), key(b)
		return ka < kb || (ka == kb && idx[a] < idx[b])
	}
	lo, hi := s, e-1
	for lo < hi {
		m := lo + (hi-lo)/2
		// median of three into position hi
		if less(m, lo) {
			idx[m], idx[lo] = idx[lo], idx[m]
		}
		if less(hi, lo) {
			idx[hi], idx[lo] = idx[lo], idx[hi]
		}
		if less(m, hi) {
			idx[m], idx[hi] = idx[hi], idx[m]
		}
		store := lo
		for i := lo; i < hi; i++ {
			if less(i, hi) {
				idx[i], idx[store] = idx[store], idx[i]
				store++
			}
		}
		idx[store], idx[hi] = idx[hi], idx[store]
		switch {
		case store == k:
			return
		case store < k:
			lo = store + 1
		default:
			hi = store - 1
		}
	}
}

// boxDist2 is the squared distance from x to node's bounding box.
func (t *kdTree) boxDist2(node int32, x []float64) float64 {
	dim := t.dim
	lo := t.lo[int(node)*dim : int(node+1)*dim]
	hi := t.hi[int(node)*dim : int(node+1)*dim]
	var s float64
	for d, v := range x {
		if v < lo[d] {
			u := lo[d] - v
			s += u * u
		} else if v > hi[d] {
			u := v - hi[d]
			s += u * u
		}
	}
	return s
}

// boxBoxDist2 is the squared distance between the bounding boxes of nodes
// a and b.
func (t *kdTree) boxBoxDist2(a, b int32) float64 {
	dim := t.dim
	alo, ahi := t.lo[int(a)*dim:int(a+1)*dim], t.hi[int(a)*dim:int(a+1)*dim]
	blo, bhi := t.lo[int(b)*dim:int(b+1)*dim], t.hi[int(b)*dim:int(b+1)*dim]
	var s float64
	for d := range alo {
		if u := blo[d] - ahi[d]; u > 0 {
			s += u * u
		} else if u := alo[d] - bhi[d]; u > 0 {
			s += u * u
		}
	}
	return s
}

// dist2 is the squared distance between tree positions p and q, summed over
// dimensions in order (as scikit-learn's rdist).
func (t *kdTree) dist2(p, q int) float64 {
	dim := t.dim
	a := t.pts[p*dim : (p+1)*dim]
	b := t.pts[q*dim : (q+1)*dim]
	var s float64
	for d := range a {
		u := a[d] - b[d]
		s += u * u
	}
	return s
}

// knnQuery fills dist2 and pos (both of length k, ascending) with the k
// nearest tree positions to tree position p, p itself included. It reports
// whether some point left out is exactly as far as the k-th (a tie at the
// boundary, so that the list does not hold every point within that
// distance).
func (t *kdTree) knnQuery(p int, dist2 []float64, pos []int32) (tie bool) {
	for i := range dist2 {
		dist2[i] = math.Inf(1)
		pos[i] = -1
	}
	x := t.pts[p*t.dim : (p+1)*t.dim]
	tieD2 := math.Inf(-1)
	t.knnNode(0, x, dist2, pos, &tieD2)
	return tieD2 == dist2[len(dist2)-1]
}

func (t *kdTree) knnNode(node int32, x []float64, dist2 []float64, pos []int32, tieD2 *float64) {
	k := len(dist2)
	if t.left[node] < 0 {
		dim := t.dim
		for q := int(t.start[node]); q < int(t.end[node]); q++ {
			b := t.pts[q*dim : (q+1)*dim]
			var s float64
			for d := range x {
				u := x[d] - b[d]
				s += u * u
			}
			if s >= dist2[k-1] {
				if s == dist2[k-1] {
					*tieD2 = s
				}
				continue
			}
			if k > 1 && dist2[k-1] == dist2[k-2] {
				// the current k-th is displaced but ties with the
				// (k−1)-th, which stays: a tie at the boundary
				*tieD2 = dist2[k-1]
			}
			i := k - 1
			for i > 0 && dist2[i-1] > s {
				dist2[i] = dist2[i-1]
				pos[i] = pos[i-1]
				i--
			}
			dist2[i] = s
			pos[i] = int32(q)
		}
		return
	}
	l, r := t.left[node], t.right[node]
	dl, dr := t.boxDist2(l, x), t.boxDist2(r, x)
	if dr < dl {
		l, r = r, l
		dl, dr = dr, dl
	}
	if dl <= dist2[k-1] {
		t.knnNode(l, x, dist2, pos, tieD2)
	}
	if dr <= dist2[k-1] {
		t.knnNode(r, x, dist2, pos, tieD2)
	}
}
