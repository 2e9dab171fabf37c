package knn

import (
	"math"
	"sort"
)

// The graph under construction keeps, for each point, a bounded max-heap of
// its k best neighbours so far: distances, indices and a "new" flag in three
// parallel row-major arrays. Empty slots hold index −1 at distance +Inf, so
// the root (slot 0) is always the current worst distance: the threshold a
// candidate must beat.

// heapInit fills a heap row with empty slots.
func heapInit(d []float32, ix []int32, fl []uint8) {
	for j := range d {
		d[j] = float32(math.Inf(1))
		ix[j] = -1
		fl[j] = 0
	}
}

// heapPush inserts (dist, id, flag) into the max-heap row unless dist is not
// below the root or id is already present; it reports whether the row
// changed. This is pynndescent's checked_flagged_heap_push.
func heapPush(d []float32, ix []int32, fl []uint8, dist float32, id int32, flag uint8) bool {
	if !(dist < d[0]) {
		return false
	}
	for _, x := range ix {
		if x == id {
			return false
		}
	}
	size := len(d)
	i := 0
	for {
		c1 := 2*i + 1
		c2 := c1 + 1
		sw := -1
		switch {
		case c1 >= size:
		case c2 >= size:
			if d[c1] > dist {
				sw = c1
			}
		case d[c1] >= d[c2]:
			if dist < d[c1] {
				sw = c1
			}
		default:
			if dist < d[c2] {
				sw = c2
			}
		}
		if sw < 0 {
			break
		}
		d[i], ix[i], fl[i] = d[sw], ix[sw], fl[sw]
		i = sw
	}
	d[i], ix[i], fl[i] = dist, id, flag
	return true
}

// rowSorter orders one row of the result: by distance, then by index, except
// that the point itself comes first among the neighbours at distance 0.
type rowSorter struct {
	self int32
	d    []float32
	ix   []int32
}

func (r rowSorter) Len() int { return len(r.d) }
func (r rowSorter) Swap(a, b int) {
	r.d[a], r.d[b] = r.d[b], r.d[a]
	r.ix[a], r.ix[b] = r.ix[b], r.ix[a]
}
func (r rowSorter) Less(a, b int) bool {
	if r.d[a] != r.d[b] {
		return r.d[a] < r.d[b]
	}
	if (r.ix[a] == r.self) != (r.ix[b] == r.self) {
		return r.ix[a] == r.self
	}
	return r.ix[a] < r.ix[b]
}

// finishRow sorts heap row i of a graph into its final order and converts
// its search distances with s.final.
func finishRow(s *space, i int32, d []float32, ix []int32) {
	sort.Sort(rowSorter{self: i, d: d, ix: ix})
	for j := range d {
		d[j] = s.final(d[j])
	}
}
