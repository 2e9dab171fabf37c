package knn

import (
	"fmt"
	"strings"
)

// Metric is the distance a kNN graph is built under.
type Metric int

const (
	// Euclidean is the L2 distance √Σ(x−y)². The search ranks by its square,
	// as pynndescent does, and the graph holds true distances.
	Euclidean Metric = iota
	// Cosine is 1 − x·y/(‖x‖‖y‖), clamped to [0, 2], as umap-learn receives
	// it from pynndescent. Rows are L2-normalised once (on a copy) and the
	// distance is 1 − x̂·ŷ, computed so that exact duplicates are at exactly
	// 0. All-zero rows are an error.
	Cosine
)

// String returns the metric's name as ParseMetric accepts it.
func (m Metric) String() string {
	switch m {
	case Euclidean:
		return "euclidean"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// ParseMetric returns the metric named s: "euclidean" (or "l2") or "cosine",
// in any case.
func ParseMetric(s string) (Metric, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "euclidean", "l2":
		return Euclidean, nil
	case "cosine":
		return Cosine, nil
	}
	return 0, fmt.Errorf("unknown metric %q; metrics are: euclidean, cosine", s)
}
