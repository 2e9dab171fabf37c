package server

import (
	"encoding/binary"
	"math"
	"sync"
)

// The map's spatial index, built here so that the browser need not.
//
// The UI draws with regl-scatterplot, which finds the points under the
// pointer, in a lasso or in view with a KDBush index (github.com/mourner/
// kdbush, format version 1). Built in the browser it costs a million-point
// map about half a second of the page's main thread; the library also
// accepts a ready index as an ArrayBuffer, which /api/points/index serves.
// The page reads the points' coordinates out of the index as well.
//
// The format: an 8-byte header (byte 0xdb; version 1 in the high nibble
// and the coordinate array type in the low one, 7 for Float32Array; uint16
// node size; uint32 number of items), then the item ids (uint16 below 65,536
// items, else uint32), zero padding to a multiple of 8 bytes, then x, y
// pairs, all little-endian. Ids and pairs are in kd-sorted order: for every
// range [left, right] longer than the node size, the item at m = (left +
// right) / 2 splits it on one axis (x at the root, then alternating) so that
// the items before m are not greater and those after it not smaller; ranges
// of at most node-size items are scanned linearly.

const (
	kdMagic      = 0xdb
	kdVersion    = 1
	kdFloat32    = 7 // index of Float32Array in KDBush's list of array types
	kdHeaderSize = 8
	// kdNodeSize is the longest range searched linearly: KDBush's default.
	kdNodeSize = 64
)

// mapCoords returns the coordinates the UI draws: x and y centred on the
// middle of their bounding box and scaled so that its longer side spans 1.9
// (the map's square runs from −1 to 1), in float64 rounded once to
// float32; a zero or undefined span counts as 1. The UI's fallback without
// an index (mapCoords in web/src/api.ts) computes the same.
func mapCoords(x, y []float32) (nx, ny []float32) {
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range x {
		minX, maxX = jsMin(minX, float64(x[i])), jsMax(maxX, float64(x[i]))
		minY, maxY = jsMin(minY, float64(y[i])), jsMax(maxY, float64(y[i]))
	}
	span := jsMax(maxX-minX, maxY-minY)
	if span == 0 || math.IsNaN(span) {
		span = 1
	}
	cx, cy, sc := (minX+maxX)/2, (minY+maxY)/2, 1.9/span
	nx, ny = make([]float32, len(x)), make([]float32, len(y))
	for i := range x {
		nx[i] = float32((float64(x[i]) - cx) * sc)
		ny[i] = float32((float64(y[i]) - cy) * sc)
	}
	return nx, ny
}

// jsMin and jsMax are JavaScript's Math.min and Math.max of two numbers:
// NaN if either is NaN.
func jsMin(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return math.Min(a, b)
}

func jsMax(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return math.Max(a, b)
}

// kdIndex returns the KDBush index of the points (x[i], y[i]), whose ids are
// their row numbers. It panics if x and y differ in length.
func kdIndex(x, y []float32) []byte {
	if len(x) != len(y) {
		panic("server: kdIndex of x and y of different lengths")
	}
	n := len(x)
	ids := make([]uint32, n)
	xy := make([]float32, 2*n)
	for i := range n {
		ids[i] = uint32(i)
		xy[2*i], xy[2*i+1] = x[i], y[i]
	}
	kdSort(ids, xy, 0, n-1, 0)

	idBytes := 4
	if n < 65536 {
		idBytes = 2
	}
	pad := (8 - n*idBytes%8) % 8
	buf := make([]byte, kdHeaderSize+n*idBytes+pad+8*n)
	buf[0], buf[1] = kdMagic, kdVersion<<4|kdFloat32
	le := binary.LittleEndian
	le.PutUint16(buf[2:], kdNodeSize)
	le.PutUint32(buf[4:], uint32(n))
	off := kdHeaderSize
	for _, id := range ids {
		if idBytes == 2 {
			le.PutUint16(buf[off:], uint16(id))
		} else {
			le.PutUint32(buf[off:], id)
		}
		off += idBytes
	}
	off += pad
	for _, c := range xy {
		le.PutUint32(buf[off:], math.Float32bits(c))
		off += 4
	}
	return buf
}

// kdParallel is the smallest range whose halves kdSort sorts concurrently.
const kdParallel = 1 << 16

// kdSort kd-sorts the items in [left, right], splitting on axis (0: x,
// 1: y) first. The halves of a split are disjoint, so large ones are
// sorted concurrently; the result does not depend on the schedule.
func kdSort(ids []uint32, xy []float32, left, right, axis int) {
	var wg sync.WaitGroup
	for right-left > kdNodeSize {
		m := (left + right) >> 1
		kdSelect(ids, xy, m, left, right, axis)
		if m-left > kdParallel {
			wg.Go(func() { kdSort(ids, xy, left, m-1, 1-axis) })
		} else {
			kdSort(ids, xy, left, m-1, 1-axis)
		}
		left, axis = m+1, 1-axis
	}
	wg.Wait()
}

// kdSelect reorders [left, right] so that the item at k has, on axis, no
// greater item before it and no smaller one after it: a quickselect with
// a median-of-three pivot and Hoare's partition, linear on average.
func kdSelect(ids []uint32, xy []float32, k, left, right, axis int) {
	c := func(i int) float32 { return xy[2*i+axis] }
	swap := func(i, j int) {
		ids[i], ids[j] = ids[j], ids[i]
		xy[2*i], xy[2*j] = xy[2*j], xy[2*i]
		xy[2*i+1], xy[2*j+1] = xy[2*j+1], xy[2*i+1]
	}
	for right > left {
		mid := (left + right) >> 1
		if c(mid) < c(left) {
			swap(mid, left)
		}
		if c(right) < c(left) {
			swap(right, left)
		}
		if c(right) < c(mid) {
			swap(right, mid)
		}
		p := c(mid)
		i, j := left, right
		for i <= j {
			for i < right && c(i) < p {
				i++
			}
			for j > left && c(j) > p {
				j--
			}
			if i <= j {
				swap(i, j)
				i++
				j--
			}
		}
		// Now [left, j] ≤ p ≤ [i, right], and items strictly between j
		// and i equal p.
		switch {
		case k <= j:
			right = j
		case k >= i:
			left = i
		default:
			return
		}
	}
}
