// Package hdbscan clusters points with HDBSCAN* (Campello, Moulavi and
// Sander 2013), following the semantics of scikit-learn-contrib/hdbscan
// 0.8 (McInnes, Healy and Astels 2017), the library the reference notebook
// uses: core distances count min_samples neighbours excluding the point
// itself, the mutual-reachability minimum spanning tree is turned into a
// single-linkage tree, condensed with min_cluster_size, and flat clusters are
// chosen by excess of mass (EOM) or as leaves. Labels, probabilities, GLOSH
// outlier scores, cluster persistence and relative validity are defined as in
// that library (release 0.8.43, whose GLOSH propagates death levels through
// the whole cluster tree; earlier 0.8 releases stopped that propagation
// early).
//
// The minimum spanning tree is exact in low dimensions (Borůvka over a
// KD-tree, pruned by core distances) and in high dimensions on request
// (Prim over dense distances); a fast option builds it from a
// k-nearest-neighbour graph.
//
// Ties. With min_samples > 1, mutual-reachability distances tie massively:
// every neighbour within a point's core distance is exactly that far from
// it. Edges of equal weight are ordered by the plain distance between their
// ends, then by the points' coordinates, never by their input order: the
// spanning tree is the unique minimum of the lexicographic distance
// (mutual reachability, distance), the single-linkage tree merges its edges
// in that order, and every output is unique; shuffling the input permutes
// them with the points. The order decides where a point lands whose core
// distance ties it to two clusters (both lie within it): it joins first the
// cluster its shortest tied edge (in plain distance) leads to, and belongs
// to that cluster, at the λ where the cluster is born. The library breaks such ties by its
// traversal order and NumPy's unstable argsort of the tree's weights, so
// its own algorithms, and the same algorithm on a shuffled input, put such
// points now in a cluster, now in noise; no order-independent rule can
// reproduce that. motif agrees with the library's Prim at least as well as
// the library's other algorithms and shuffled runs do (testdata/README.md
// gives the numbers).
//
// Exact duplicates are at distance 0 from each other, so by the rule above
// the copies of a point join one another before anything else (at their
// common core distance) and always share label, probability and outlier
// score. More than min_samples copies have core distance 0, so their
// λ = 1/distance is +Inf. As in the library, those points get probability
// 1 and GLOSH score 0, the other points of a cluster whose deepest λ is +Inf
// get probability 0 (λ/∞) and GLOSH score NaN ((∞ − λ)/∞), and the
// persistence of every cluster is 1.
package hdbscan

import (
	"fmt"
	"math"
	"runtime"

	"motif/internal/knn"
)

// Selection is the way flat clusters are chosen from the condensed tree.
type Selection int

const (
	// EOM selects the clusters of largest excess of mass (stability), the
	// library's default "eom".
	EOM Selection = iota
	// Leaf selects the leaves of the condensed cluster tree ("leaf").
	Leaf
)

func (s Selection) String() string {
	switch s {
	case EOM:
		return "eom"
	case Leaf:
		return "leaf"
	}
	return fmt.Sprintf("Selection(%d)", int(s))
}

// ParseSelection parses "eom" or "leaf".
func ParseSelection(s string) (Selection, error) {
	switch s {
	case "eom", "EOM", "":
		return EOM, nil
	case "leaf", "Leaf", "LEAF":
		return Leaf, nil
	}
	return 0, fmt.Errorf("unknown cluster selection %q; use eom or leaf", s)
}

// Metric is the distance between points.
type Metric int

const (
	// Euclidean is the L2 distance.
	Euclidean Metric = iota
	// Cosine is 1 − cos between rows; rows are L2-normalised once and the
	// distance is 1 − dot, clamped to [0, 2].
	Cosine
)

func (m Metric) String() string {
	switch m {
	case Euclidean:
		return "euclidean"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// ParseMetric parses "euclidean" or "cosine".
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "euclidean", "l2", "":
		return Euclidean, nil
	case "cosine":
		return Cosine, nil
	}
	return 0, fmt.Errorf("unknown metric %q; use euclidean or cosine", s)
}

// MSTMethod chooses how the mutual-reachability minimum spanning tree is
// built.
type MSTMethod int

const (
	// Auto uses Exact in low dimensions (dim ≤ 16), Exact in high dimensions
	// up to 4,096 points, and KNN above.
	Auto MSTMethod = iota
	// Exact builds the true minimum spanning tree: Borůvka over a KD-tree in
	// low dimensions, Prim over dense distances (O(n²·dim) time, O(n)
	// memory) in high dimensions.
	Exact
	// KNN builds the minimum spanning tree of the k-nearest-neighbour graph
	// (Options.Graph, or one from knn.Build with max(MinSamples+1, 16)
	// neighbours: exact below 4,096 points, NN-descent above) under mutual
	// reachability and joins its components with their shortest mutual-
	// reachability edges. It is an approximation: the tree can be heavier
	// than the exact one.
	KNN
)

func (m MSTMethod) String() string {
	switch m {
	case Auto:
		return "auto"
	case Exact:
		return "exact"
	case KNN:
		return "knn"
	}
	return fmt.Sprintf("MSTMethod(%d)", int(m))
}

// ParseMSTMethod parses "auto", "exact" or "knn".
func ParseMSTMethod(s string) (MSTMethod, error) {
	switch s {
	case "auto", "":
		return Auto, nil
	case "exact":
		return Exact, nil
	case "knn":
		return KNN, nil
	}
	return 0, fmt.Errorf("unknown MST method %q; use auto, exact or knn", s)
}

// Options are the parameters of HDBSCAN. The zero value means the library's
// defaults (min_cluster_size 5, min_samples = min_cluster_size, alpha 1,
// EOM, no epsilon, Euclidean).
type Options struct {
	// MinClusterSize is the smallest group of points that counts as a
	// cluster (min_cluster_size); default 5; must be at least 2.
	MinClusterSize int
	// MinSamples is the number of neighbours, excluding the point itself,
	// whose distance is the point's core distance (min_samples); default
	// (0) is MinClusterSize.
	MinSamples int
	// Alpha divides distances in the mutual reachability max(core_a,
	// core_b, d/alpha); default (0) is 1.
	Alpha float64
	// Selection chooses flat clusters; default EOM.
	Selection Selection
	// Epsilon is cluster_selection_epsilon, a distance (in the metric's
	// unit): selected clusters born below it are replaced by their nearest
	// ancestor born above it. Default 0 (off).
	Epsilon float64
	// AllowSingleCluster lets EOM select the root, one cluster of
	// everything (allow_single_cluster). Default false.
	AllowSingleCluster bool
	// MaxClusterSize stops EOM from selecting clusters larger than this
	// many points (max_cluster_size); default 0, no limit.
	MaxClusterSize int
	// Metric is the distance; default Euclidean.
	Metric Metric
	// MST chooses the spanning-tree algorithm; default Auto.
	MST MSTMethod
	// Graph is an optional k-nearest-neighbour graph of the same points
	// under the same metric, with each point as its own neighbour 0 (as
	// knn.Build returns it). The KNN method uses it instead of computing
	// one; it must have K > MinSamples. Exact ignores it.
	Graph *knn.Graph
	// Seed seeds the approximate kNN graph that the KNN method builds when
	// Graph is nil (see knn.Build); default 0.
	Seed int64
	// Threads is the number of goroutines; default (0) is
	// runtime.GOMAXPROCS(0). It changes speed only, never the result.
	Threads int
	// Progress, if not nil, is called as work advances with the phase
	// ("core", "mst", "tree", "select", "sweep", and knn.Build's phases for
	// the KNN method) and how many of total units are done. Calls never
	// overlap.
	Progress func(phase string, done, total int)
}

// Result is a flat clustering with the library's per-point and per-cluster
// scores.
type Result struct {
	// Labels holds each point's cluster, 0..len(Clusters)−1, or −1 for
	// noise (labels_). Clusters are numbered in the order of the condensed
	// tree's cluster ids, as the library numbers them.
	Labels []int32
	// Probabilities holds each point's membership strength in its cluster,
	// in [0, 1], 0 for noise (probabilities_).
	Probabilities []float64
	// OutlierScores holds each point's GLOSH score (outlier_scores_): 0 for
	// the most inlying points, towards 1 for outliers. It is NaN where the
	// library's formula gives ∞/∞ (a point of finite λ under a cluster
	// whose deepest point has λ = ∞, i.e. exact duplicates).
	OutlierScores []float64
	// Clusters describes each label.
	Clusters []ClusterInfo
	// RelativeValidity is the library's relative_validity_ (a fast DBCV
	// approximation from the minimum spanning tree), only meaningful for
	// comparing settings on the same data; 0 when there are no clusters.
	RelativeValidity float64
	// MSTWeight is the total mutual-reachability weight of the minimum
	// spanning tree (in the metric's unit, divided by Alpha).
	MSTWeight float64
}

// ClusterInfo describes one selected cluster.
type ClusterInfo struct {
	// Size is the number of points labelled with the cluster.
	Size int
	// Persistence is the library's cluster_persistence_: the cluster's
	// stability divided by Size times the largest λ of the tree; 1 when
	// that λ is 0 or ∞ (exact duplicates).
	Persistence float64
	// Stability is the cluster's excess of mass as the selection saw it.
	Stability float64
	// BirthDistance is the mutual-reachability distance at which the
	// cluster appears in the condensed tree (1/λ_birth).
	BirthDistance float64
	// Exemplars are the cluster's most central points, as the library's
	// exemplars_: for each leaf of the condensed tree under the cluster,
	// the points that stay in it up to its largest λ. Indices into the
	// input, leaves in depth-first order.
	Exemplars []int32
}

// params are Options with defaults resolved.
type params struct {
	minClusterSize int
	minSamples     int
	alpha          float64
	threads        int
}

func (o *Options) resolve() params {
	p := params{minClusterSize: o.MinClusterSize, minSamples: o.MinSamples, alpha: o.Alpha, threads: o.Threads}
	if p.minClusterSize == 0 {
		p.minClusterSize = 5
	}
	if p.minSamples == 0 {
		p.minSamples = p.minClusterSize
	}
	if p.alpha == 0 {
		p.alpha = 1
	}
	if p.threads <= 0 {
		p.threads = runtime.GOMAXPROCS(0)
	}
	return p
}

func (o *Options) validate(n int) error {
	p := o.resolve()
	if p.minClusterSize < 2 {
		return fmt.Errorf("min cluster size %d must be at least 2", o.MinClusterSize)
	}
	if p.minSamples < 0 {
		return fmt.Errorf("min samples %d must be positive", o.MinSamples)
	}
	if !(p.alpha > 0) || math.IsInf(p.alpha, 0) {
		return fmt.Errorf("alpha %g must be a positive number", o.Alpha)
	}
	if o.Epsilon < 0 || math.IsNaN(o.Epsilon) {
		return fmt.Errorf("cluster selection epsilon %g must be at least 0", o.Epsilon)
	}
	if o.MaxClusterSize < 0 {
		return fmt.Errorf("max cluster size %d must be at least 0", o.MaxClusterSize)
	}
	if o.Selection != EOM && o.Selection != Leaf {
		return fmt.Errorf("unknown cluster selection %d", int(o.Selection))
	}
	if o.Metric != Euclidean && o.Metric != Cosine {
		return fmt.Errorf("unknown metric %d", int(o.Metric))
	}
	if o.MST < Auto || o.MST > KNN {
		return fmt.Errorf("unknown MST method %d", int(o.MST))
	}
	if n >= 0 && p.minSamples >= n {
		return fmt.Errorf("min samples %d needs more than %d points (the point itself is not counted)", p.minSamples, p.minSamples)
	}
	return nil
}

func (o *Options) progress(phase string, done, total int) {
	if o.Progress != nil {
		o.Progress(phase, done, total)
	}
}
