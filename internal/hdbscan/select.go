package hdbscan

import (
	"math"
)

// selectOptions are the parameters that only affect cluster selection.
type selectOptions struct {
	selection          Selection
	epsilon            float64
	allowSingleCluster bool
	maxClusterSize     int
}

// treeInfo holds the per-cluster facts of a condensed tree, indexed by
// cluster number − n.
type treeInfo struct {
	parent   []int32   // parent cluster index, −1 for the root
	birth    []float64 // λ of the cluster's own row (0 for the root)
	size     []int32   // the child_size of its row
	children [][2]int32
	nChild   []int8
	death    []float64 // max λ of the rows whose parent is the cluster
	stab     []float64
}

func newTreeInfo(c *condensed) *treeInfo {
	k := c.nClusters
	n := int32(c.n)
	ci := &treeInfo{
		parent: make([]int32, k), birth: make([]float64, k), size: make([]int32, k),
		children: make([][2]int32, k), nChild: make([]int8, k),
		death: make([]float64, k), stab: make([]float64, k),
	}
	ci.parent[0] = -1
	for r, ch := range c.Child {
		p := c.Parent[r] - n
		ci.death[p] = max(ci.death[p], c.Lambda[r])
		if ch < n {
			continue
		}
		x := ch - n
		ci.parent[x] = p
		ci.birth[x] = c.Lambda[r]
		ci.size[x] = c.Size[r]
		ci.children[p][ci.nChild[p]] = x
		ci.nChild[p]++
	}
	// Stability, summed in row order as compute_stability does.
	for r := range c.Child {
		p := c.Parent[r] - n
		ci.stab[p] += (c.Lambda[r] - ci.birth[p]) * float64(c.Size[r])
	}
	return ci
}

// selectClusters returns the selected cluster indices in increasing order,
// following hdbscan's get_clusters.
func selectClusters(c *condensed, ci *treeInfo, o selectOptions) []int32 {
	k := c.nClusters
	selected := make([]bool, k)
	hasTree := k > 1 // the cluster tree has at least one row
	switch o.selection {
	case EOM:
		maxSize := o.maxClusterSize
		if maxSize <= 0 {
			maxSize = c.n + 1
		}
		sizes := ci.size
		if o.allowSingleCluster {
			sizes = append([]int32(nil), ci.size...)
			var s int32
			for i := range ci.nChild[0] {
				s += ci.size[ci.children[0][i]]
			}
			sizes[0] = s
		}
		last := 1
		if o.allowSingleCluster {
			last = 0
		}
		tentative := make([]bool, k)
		for x := k - 1; x >= last; x-- {
			var sum float64
			for i := range ci.nChild[x] {
				sum += ci.stab[ci.children[x][i]]
			}
			// get_clusters keeps the children's total in a C float.
			sub := float64(float32(sum))
			if sub > ci.stab[x] || int(sizes[x]) > maxSize {
				ci.stab[x] = sub
			} else {
				tentative[x] = true
			}
		}
		// A selected cluster deselects everything below it.
		covered := make([]bool, k)
		for x := range k {
			if p := ci.parent[x]; p >= 0 && (covered[p] || tentative[p]) {
				covered[x] = true
			}
			selected[x] = tentative[x] && !covered[x]
		}
		if o.epsilon != 0 && hasTree {
			var eom []int32
			for x := range k {
				if selected[x] {
					eom = append(eom, int32(x))
				}
			}
			for x := range selected {
				selected[x] = false
			}
			if len(eom) == 1 && eom[0] == 0 {
				if o.allowSingleCluster {
					selected[0] = true
				}
			} else {
				epsilonSearch(ci, eom, o, selected)
			}
		}
	case Leaf:
		var leaves []int32
		if hasTree {
			for x := 1; x < k; x++ {
				if ci.nChild[x] == 0 {
					leaves = append(leaves, int32(x))
				}
			}
		}
		if o.epsilon != 0 {
			epsilonSearch(ci, leaves, o, selected)
		} else {
			for _, x := range leaves {
				selected[x] = true
			}
		}
	}
	var out []int32
	for x, s := range selected {
		if s {
			out = append(out, int32(x))
		}
	}
	return out
}

// epsilonSearch replaces each cluster of from born below the distance
// o.epsilon by its nearest ancestor born above it (hdbscan's
// epsilon_search and traverse_upwards), marking the result in selected.
func epsilonSearch(ci *treeInfo, from []int32, o selectOptions, selected []bool) {
	processed := make([]bool, len(ci.parent))
	for _, leaf := range from {
		eps := 1 / ci.birth[leaf]
		if !(eps < o.epsilon) {
			selected[leaf] = true
			continue
		}
		if processed[leaf] {
			continue
		}
		x := leaf
		for {
			p := ci.parent[x]
			if p == 0 {
				if o.allowSingleCluster {
					x = p
				}
				break
			}
			if 1/ci.birth[p] > o.epsilon {
				x = p
				break
			}
			x = p
		}
		selected[x] = true
		markDescendants(ci, x, processed)
	}
}

func markDescendants(ci *treeInfo, x int32, mark []bool) {
	stack := []int32{x}
	for len(stack) > 0 {
		y := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for i := range ci.nChild[y] {
			ch := ci.children[y][i]
			mark[ch] = true
			stack = append(stack, ch)
		}
	}
}

// flat computes labels, probabilities, GLOSH outlier scores and the
// per-cluster description of a selection, as hdbscan's do_labelling,
// get_probabilities, outlier_scores, get_stability_scores and the
// exemplars of its prediction data.
func flat(c *condensed, ci *treeInfo, sel []int32, o selectOptions) *Result {
	n := c.n
	n32 := int32(n)
	k := c.nClusters
	labelOf := make([]int32, k) // cluster index → label, −1 none, −2 root
	isSel := make([]int32, k)
	for x := range isSel {
		isSel[x] = -1
	}
	for l, x := range sel {
		isSel[x] = int32(l)
	}
	for x := range k {
		switch {
		case x != 0 && isSel[x] >= 0:
			labelOf[x] = isSel[x]
		case x == 0:
			labelOf[x] = -2
		default:
			labelOf[x] = labelOf[ci.parent[x]]
		}
	}
	res := &Result{
		Labels:        make([]int32, n),
		Probabilities: make([]float64, n),
		OutlierScores: make([]float64, n),
		Clusters:      make([]ClusterInfo, len(sel)),
	}
	// The root is labelled only as a single selected cluster, and then
	// only the points that stay to its end (or beyond 1/epsilon).
	rootOnly := len(sel) == 1 && sel[0] == 0 && o.allowSingleCluster
	for r, ch := range c.Child {
		if ch >= n32 {
			continue
		}
		p := c.Parent[r] - n32
		lab := labelOf[p]
		if lab == -2 {
			lab = -1
			if rootOnly {
				lam := c.Lambda[r]
				if o.epsilon != 0 {
					if lam >= 1/o.epsilon {
						lab = 0
					}
				} else if lam >= ci.death[0] {
					lab = 0
				}
			}
		}
		res.Labels[ch] = lab
	}
	// Probabilities: λ of the point capped by the death of its cluster.
	for r, ch := range c.Child {
		if ch >= n32 || res.Labels[ch] < 0 {
			continue
		}
		x := sel[res.Labels[ch]]
		ml := ci.death[x]
		lam := c.Lambda[r]
		if ml == 0 || math.IsInf(lam, 0) || math.IsNaN(lam) {
			res.Probabilities[ch] = 1
		} else {
			res.Probabilities[ch] = min(lam, ml) / ml
		}
	}
	// GLOSH: deaths propagated from the leaves up.
	deaths := append([]float64(nil), ci.death...)
	for x := k - 1; x >= 1; x-- {
		if p := ci.parent[x]; deaths[x] > deaths[p] {
			deaths[p] = deaths[x]
		}
	}
	for r, ch := range c.Child {
		if ch >= n32 {
			continue
		}
		lm := deaths[c.Parent[r]-n32]
		lam := c.Lambda[r]
		if lm == 0 || math.IsInf(lam, 0) || math.IsNaN(lam) {
			res.OutlierScores[ch] = 0
		} else {
			res.OutlierScores[ch] = (lm - lam) / lm
		}
	}
	// Persistence.
	maxLambda := math.Inf(-1)
	for _, lam := range c.Lambda {
		maxLambda = max(maxLambda, lam)
	}
	for _, lab := range res.Labels {
		if lab >= 0 {
			res.Clusters[lab].Size++
		}
	}
	for l, x := range sel {
		cl := &res.Clusters[l]
		cl.Stability = ci.stab[x]
		if x == 0 {
			cl.BirthDistance = math.Inf(1)
		} else {
			cl.BirthDistance = 1 / ci.birth[x]
		}
		if math.IsInf(maxLambda, 0) || maxLambda == 0 || cl.Size == 0 {
			cl.Persistence = 1
		} else {
			cl.Persistence = ci.stab[x] / (float64(cl.Size) * maxLambda)
		}
	}
	// Exemplars: in each leaf below a selected cluster, the points that stay
	// to the leaf's largest λ.
	if len(sel) > 0 {
		leafOf := make([]int32, k) // leaf index → label
		for x := range leafOf {
			leafOf[x] = -1
		}
		order := make([][]int32, len(sel))
		for l, x := range sel {
			order[l] = leavesDFS(ci, x, order[l])
			for _, leaf := range order[l] {
				leafOf[leaf] = int32(l)
			}
		}
		pts := make([][]int32, k)
		for r, ch := range c.Child {
			if ch >= n32 {
				continue
			}
			p := c.Parent[r] - n32
			if leafOf[p] >= 0 && c.Lambda[r] == ci.death[p] {
				pts[p] = append(pts[p], ch)
			}
		}
		for l := range sel {
			for _, leaf := range order[l] {
				res.Clusters[l].Exemplars = append(res.Clusters[l].Exemplars, pts[leaf]...)
			}
		}
	}
	return res
}

// leavesDFS appends the leaves of the cluster tree below x (x itself if it
// is a leaf) in depth-first order, children in row order.
func leavesDFS(ci *treeInfo, x int32, dst []int32) []int32 {
	if ci.nChild[x] == 0 {
		return append(dst, x)
	}
	for i := range ci.nChild[x] {
		dst = leavesDFS(ci, ci.children[x][i], dst)
	}
	return dst
}

// relativeValidity is hdbscan's relative_validity_: from the minimum
// spanning tree, per cluster the largest internal edge (density
// sparseness) and the smallest edge to another cluster (density
// separation), V = (DSPC − DSC)/max(DSPC, DSC), weighted by cluster size
// over all points.
func relativeValidity(edges []Edge, labels []int32, nClusters int) float64 {
	if nClusters == 0 {
		return 0
	}
	size := make([]int, nClusters)
	total := 0
	for _, l := range labels {
		if l >= 0 {
			size[l]++
		}
		total++
	}
	dsc := make([]float64, nClusters)
	dspc := make([]float64, nClusters)
	for i := range dspc {
		dspc[i] = math.Inf(1)
	}
	minOutlierSep := math.Inf(1)
	maxDist := 0.0
	for _, e := range edges {
		l1, l2 := labels[e.A], labels[e.B]
		maxDist = max(maxDist, e.W)
		switch {
		case l1 == -1 && l2 == -1:
		case l1 == -1 || l2 == -1:
			minOutlierSep = min(minOutlierSep, e.W)
		case l1 == l2:
			dsc[l1] = max(dsc[l1], e.W)
		default:
			dspc[l1] = min(dspc[l1], e.W)
			dspc[l2] = min(dspc[l2], e.W)
		}
	}
	if math.IsInf(minOutlierSep, 1) {
		minOutlierSep = maxDist
	}
	correction := 2 * minOutlierSep
	if nClusters > 1 {
		correction = 2 * maxDist
	}
	var score float64
	for i := range nClusters {
		if math.IsInf(dspc[i], 1) {
			dspc[i] = correction
		}
		v := (dspc[i] - dsc[i]) / max(dspc[i], dsc[i])
		score += float64(size[i]) * v / float64(total)
	}
	return score
}
