package knn

// Graph is a k-nearest-neighbour graph of n points stored row-major: the
// neighbours of point i are Indices[i*K:(i+1)*K], in increasing distance,
// with Dists holding the matching distances. As in umap-learn, the point
// itself is neighbour 0, at distance 0; Build, Exact and Descent keep it
// there even when the data holds exact duplicates of it, which follow it at
// distance 0.
type Graph struct {
	N, K    int
	Indices []int32
	Dists   []float32
}

// NewGraph returns an empty graph with room for n points of k neighbours.
func NewGraph(n, k int) *Graph {
	return &Graph{N: n, K: k, Indices: make([]int32, n*k), Dists: make([]float32, n*k)}
}

// Row returns the neighbour indices and distances of point i.
func (g *Graph) Row(i int) ([]int32, []float32) {
	return g.Indices[i*g.K : (i+1)*g.K], g.Dists[i*g.K : (i+1)*g.K]
}
