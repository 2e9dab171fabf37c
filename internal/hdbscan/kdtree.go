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
	t.pts = make([]float64, n*dim)
	for i, v := range data[:n*dim] {
		t.pts[i] = float64(v)
	}
	t.build(0, n)
	return t
}

// build adds the node for positions [s, e) and its subtree, reordering
// pts and idx together; it returns the node's number.
func (t *kdTree) build(s, e int) int32 {
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
	for p := s; p < e; p++ {
		for d, v := range t.pts[p*dim : (p+1)*dim] {
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
	mid := t.partition(split, (lo[split]+hi[split])/2, s, e)
	l := t.build(s, mid)
	r := t.build(mid, e)
	t.left[node], t.right[node] = l, r
	return node
}

// swap exchanges tree positions a and b.
func (t *kdTree) swap(a, b int) {
	if a == b {
		return
	}
	t.idx[a], t.idx[b] = t.idx[b], t.idx[a]
	dim := t.dim
	pa, pb := t.pts[a*dim:(a+1)*dim], t.pts[b*dim:(b+1)*dim]
	for d := range pa {
		pa[d], pb[d] = pb[d], pa[d]
	}
}

// partition reorders positions [s, e) so that those whose coordinate d is
// below v come first, and returns where the others start: the sliding
// midpoint rule of Maneewongvatana and Mount, which moves the cut to keep
// both sides non-empty.
func (t *kdTree) partition(d int, v float64, s, e int) int {
	dim := t.dim
	i, j := s, e-1
	for i <= j {
		if t.pts[i*dim+d] < v {
			i++
		} else {
			t.swap(i, j)
			j--
		}
	}
	if i == s || i == e {
		// One side is empty: cut next to the extreme point instead.
		m := s
		for p := s; p < e; p++ {
			if (i == s && t.pts[p*dim+d] < t.pts[m*dim+d]) || (i == e && t.pts[p*dim+d] > t.pts[m*dim+d]) {
				m = p
			}
		}
		if i == s {
			t.swap(s, m)
			return s + 1
		}
		t.swap(e-1, m)
		return e - 1
	}
	return i
}

// boxDist2 is the squared distance from x to node's bounding box.
func (t *kdTree) boxDist2(node int32, x []float64) float64 {
	dim := t.dim
	if dim == 2 {
		lo := t.lo[2*node : 2*node+2 : 2*node+2]
		hi := t.hi[2*node : 2*node+2 : 2*node+2]
		var u, v float64
		if x[0] < lo[0] {
			u = lo[0] - x[0]
		} else if x[0] > hi[0] {
			u = x[0] - hi[0]
		}
		if x[1] < lo[1] {
			v = lo[1] - x[1]
		} else if x[1] > hi[1] {
			v = x[1] - hi[1]
		}
		return u*u + v*v
	}
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
