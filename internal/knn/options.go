package knn

import (
	"math"
	"runtime"
)

// Options tune Build, Exact and Descent. The zero value means the defaults of
// pynndescent 0.5 as umap-learn 0.5 calls it, under the Euclidean metric.
type Options struct {
	// Metric is the distance; default Euclidean.
	Metric Metric
	// Seed seeds every random choice (trees, candidate sampling, random
	// initialisation). The same seed gives the same graph for any Threads.
	// Default 0, which is a seed like any other.
	Seed int64
	// Threads is the number of goroutines doing the work; default (0) is
	// runtime.GOMAXPROCS(0). It changes speed only, never the result.
	Threads int
	// NTrees is the number of random-projection trees that initialise
	// NN-descent; default min(64, 5 + round(√n / 20)) as umap-learn chooses.
	NTrees int
	// NIters is the maximum number of NN-descent iterations; default
	// max(5, round(log₂ n)).
	NIters int
	// MaxCandidates bounds the new and the old candidate lists of each point
	// in an iteration; default 60.
	MaxCandidates int
	// Delta stops NN-descent early once an iteration makes at most
	// Delta·k·n heap updates; default 0.001.
	Delta float64
	// LeafSize is the largest leaf of the random-projection trees, in points;
	// default max(10, k), as in pynndescent 0.5.8's make_forest, which the
	// umap-learn 0.5 we compare with runs on. (Later pynndescent releases
	// use max(60, min(256, 5k)); on embedding-like data with 25 % scattered
	// background points that graph gave UMAP layouts 0.004 less
	// trustworthy than umap-learn's, see bench/RESULTS.md.)
	LeafSize int
	// ForceExact makes Build compute exact neighbours whatever n is. By
	// default Build is exact below 4,096 points (as umap-learn) and uses
	// NN-descent above.
	ForceExact bool
	// Progress, if not nil, is called as work advances with the phase
	// ("exact", "rp-forest", "nn-descent") and how many of total units are
	// done. Calls never overlap, but may come from any goroutine.
	Progress func(phase string, done, total int)
}

// smallData is umap-learn's threshold below which neighbours are exact.
const smallData = 4096

// params are Options with the defaults filled in for n points and k
// neighbours.
type params struct {
	seed          uint64
	threads       int
	nTrees        int
	nIters        int
	maxCandidates int
	delta         float64
	leafSize      int
}

func (o *Options) resolve(n, k int) params {
	p := params{
		seed:          uint64(o.Seed),
		threads:       o.Threads,
		nTrees:        o.NTrees,
		nIters:        o.NIters,
		maxCandidates: o.MaxCandidates,
		delta:         o.Delta,
		leafSize:      o.LeafSize,
	}
	if p.threads <= 0 {
		p.threads = runtime.GOMAXPROCS(0)
	}
	if p.nTrees <= 0 {
		p.nTrees = min(64, 5+int(math.Round(math.Sqrt(float64(n))/20)))
	}
	if p.nIters <= 0 {
		p.nIters = max(5, int(math.Round(math.Log2(float64(max(n, 1))))))
	}
	if p.maxCandidates <= 0 {
		p.maxCandidates = 60
	}
	if p.delta <= 0 {
		p.delta = 0.001
	}
	if p.leafSize <= 0 {
		p.leafSize = max(10, k)
	}
	return p
}
