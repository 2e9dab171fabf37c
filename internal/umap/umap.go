package umap

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"motif/internal/knn"
)

// Init chooses the initial layout.
type Init int

const (
	// InitSpectral starts from the spectral embedding of the fuzzy graph,
	// umap-learn's default.
	InitSpectral Init = iota
	// InitRandom starts from points uniform on [−10, 10] in each dimension.
	InitRandom
)

// String returns "spectral" or "random".
func (i Init) String() string {
	switch i {
	case InitSpectral:
		return "spectral"
	case InitRandom:
		return "random"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// Options tune Fit and FitGraph. The zero value means umap-learn 0.5's
// defaults except where noted (MinDist, Metric).
type Options struct {
	// NNeighbors is the neighbourhood size k, counting the point itself as
	// umap-learn does; default 15. FitGraph's default is the graph's K.
	NNeighbors int
	// NComponents is the dimension of the layout; default 2. Any value ≥ 1.
	NComponents int
	// MinDist is the smallest distance between points of the layout, in
	// layout units. The zero value is 0, motif's default (the reference
	// notebook's); note that umap-learn's default is 0.1.
	MinDist float64
	// Spread is the scale of the layout, in layout units; default 1.
	Spread float64
	// NEpochs is the number of optimisation epochs; default (0) 500 for at
	// most 10,000 points and 200 above, as umap-learn.
	NEpochs int
	// LearningRate is the initial SGD step α, decaying linearly to 0;
	// default 1.
	LearningRate float64
	// NegativeSampleRate is the number of negative samples per positive
	// edge sample; default 5.
	NegativeSampleRate float64
	// SetOpMixRatio mixes fuzzy union (1) and fuzzy intersection (0) when
	// the directed membership graph is symmetrised; default (0) 1, the pure
	// union. Because 0 means the default, a pure intersection is asked for
	// with any negative value; values above 1 are an error.
	SetOpMixRatio float64
	// LocalConnectivity is the number of nearest neighbours assumed
	// connected at full strength (fractional values interpolate); default 1.
	LocalConnectivity float64
	// RepulsionStrength is γ, the weight of negative samples; default 1.
	RepulsionStrength float64
	// Metric is the input distance used by Fit for the kNN graph and, for
	// both Fit and FitGraph, to place disconnected components; default
	// knn.Euclidean (umap-learn's default; the notebook uses knn.Cosine).
	Metric knn.Metric
	// Seed seeds every random choice (kNN search, initialisation, negative
	// sampling). The same seed gives the same bytes for any Threads; 0 is a
	// seed like any other.
	Seed int64
	// Threads is the number of goroutines; default (0) runtime.GOMAXPROCS(0).
	// It changes speed only, never the result.
	Threads int
	// Init is the initial layout; default InitSpectral.
	Init Init
	// KNN tunes the kNN search of Fit; its Metric, Seed, Threads and
	// Progress are taken from these Options.
	KNN knn.Options
	// Progress, if not nil, is called as work advances with the phase
	// ("knn", "graph", "init", "epochs") and how many of total units are
	// done; each phase ends with a call where done == total (for "knn",
	// (1, 1) after the search's own sub-phase counts). Calls never overlap.
	Progress func(phase string, done, total int)
}

// Result is a UMAP layout and the settings that produced it.
type Result struct {
	// Embedding is the n×Dim layout, row-major.
	Embedding []float32
	// N and Dim are the number of points and of layout dimensions.
	N, Dim int
	// A and B are the parameters of the low-dimensional membership curve
	// 1/(1 + a·d^(2b)) fitted from MinDist and Spread.
	A, B float64
	// NEpochs is the number of epochs run.
	NEpochs int
	// NNeighbors is the number of neighbours used per point (smaller than
	// asked when there are too few points).
	NNeighbors int
	// Edges is the number of directed edges optimised (the symmetric fuzzy
	// graph after pruning weights below max/NEpochs).
	Edges int
	// Components is the number of connected components of the fuzzy graph.
	Components int
	// Init is how the layout started: "spectral", "random", or
	// "random (spectral failed)" when the eigensolver broke down or a
	// connected graph had no more points than NComponents + 1 (umap-learn's
	// fallback to uniform noise on [−10, 10]).
	Init string
}

type params struct {
	nNeighbors        int
	nComponents       int
	minDist, spread   float64
	nEpochs           int
	learningRate      float64
	negRate           float64
	setOpMix          float32
	localConnectivity float64
	gamma             float64
	seed              int64
	threads           int
	init              Init
}

func (o *Options) resolve() (params, error) {
	p := params{
		nNeighbors:        o.NNeighbors,
		nComponents:       o.NComponents,
		minDist:           o.MinDist,
		spread:            o.Spread,
		nEpochs:           o.NEpochs,
		learningRate:      o.LearningRate,
		negRate:           o.NegativeSampleRate,
		localConnectivity: o.LocalConnectivity,
		gamma:             o.RepulsionStrength,
		seed:              o.Seed,
		threads:           o.Threads,
		init:              o.Init,
	}
	switch {
	case p.nNeighbors < 0:
		return p, fmt.Errorf("umap: NNeighbors = %d; it must be at least 2 (0 for the default 15)", p.nNeighbors)
	case p.nNeighbors == 1:
		return p, errors.New("umap: NNeighbors = 1 leaves each point without neighbours; use at least 2")
	case p.nComponents < 0:
		return p, fmt.Errorf("umap: NComponents = %d; it must be positive (0 for the default 2)", p.nComponents)
	case p.minDist < 0 || math.IsNaN(p.minDist):
		return p, fmt.Errorf("umap: MinDist = %g; it must be at least 0", p.minDist)
	case p.spread < 0 || math.IsNaN(p.spread):
		return p, fmt.Errorf("umap: Spread = %g; it must be positive (0 for the default 1)", p.spread)
	case p.nEpochs < 0:
		return p, fmt.Errorf("umap: NEpochs = %d; it must be positive (0 for the automatic choice)", p.nEpochs)
	case p.learningRate < 0 || math.IsNaN(p.learningRate):
		return p, fmt.Errorf("umap: LearningRate = %g; it must be positive (0 for the default 1)", p.learningRate)
	case p.negRate < 0 || math.IsNaN(p.negRate):
		return p, fmt.Errorf("umap: NegativeSampleRate = %g; it must be positive (0 for the default 5)", p.negRate)
	case o.SetOpMixRatio > 1 || math.IsNaN(o.SetOpMixRatio):
		return p, fmt.Errorf("umap: SetOpMixRatio = %g; it must be at most 1", o.SetOpMixRatio)
	case p.localConnectivity < 0 || math.IsNaN(p.localConnectivity):
		return p, fmt.Errorf("umap: LocalConnectivity = %g; it must be positive (0 for the default 1)", p.localConnectivity)
	case p.gamma < 0 || math.IsNaN(p.gamma):
		return p, fmt.Errorf("umap: RepulsionStrength = %g; it must be positive (0 for the default 1)", p.gamma)
	case p.init != InitSpectral && p.init != InitRandom:
		return p, fmt.Errorf("umap: unknown Init %d", int(p.init))
	}
	if p.nNeighbors == 0 {
		p.nNeighbors = 15
	}
	if p.nComponents == 0 {
		p.nComponents = 2
	}
	if p.spread == 0 {
		p.spread = 1
	}
	if p.learningRate == 0 {
		p.learningRate = 1
	}
	if p.negRate == 0 {
		p.negRate = 5
	}
	switch {
	case o.SetOpMixRatio == 0:
		p.setOpMix = 1
	case o.SetOpMixRatio < 0:
		p.setOpMix = 0
	default:
		p.setOpMix = float32(o.SetOpMixRatio)
	}
	if p.localConnectivity == 0 {
		p.localConnectivity = 1
	}
	if p.gamma == 0 {
		p.gamma = 1
	}
	if p.threads <= 0 {
		p.threads = runtime.GOMAXPROCS(0)
	}
	return p, nil
}

func (o *Options) progress(phase string, done, total int) {
	if o.Progress != nil {
		o.Progress(phase, done, total)
	}
}

// Fit computes the kNN graph of the n×dim row-major matrix data under
// opts.Metric with knn.Build and lays it out with UMAP (see FitGraph).
//
// As umap-learn, when n ≤ NNeighbors the neighbourhood shrinks to n − 1
// points (the point itself included) while the target entropy stays
// log2(NNeighbors); n < 2 is an error. Non-finite values are an error, and
// so are all-zero rows under knn.Cosine. Exact duplicates are allowed: they
// sit at distance 0 from each other, which smooth_knn_dist handles, and end
// up at (almost) the same place. It panics if len(data) != n·dim.
func Fit(ctx context.Context, data []float32, n, dim int, opts Options) (*Result, error) {
	if len(data) != n*dim {
		panic(fmt.Sprintf("umap.Fit: len(data) = %d, want n·dim = %d·%d", len(data), n, dim))
	}
	p, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("umap: %d points; UMAP needs at least 2", n)
	}
	// knn.Build rejects non-finite values, naming the first one, as it
	// checks the rows on all cores.
	k := p.nNeighbors
	if n <= k {
		k = n - 1
	}
	ko := opts.KNN
	ko.Metric = opts.Metric
	ko.Seed = opts.Seed
	ko.Threads = p.threads
	ko.Progress = func(_ string, done, total int) { opts.progress("knn", done, total) }
	g, err := knn.Build(ctx, data, n, dim, k, ko)
	if err != nil {
		return nil, fmt.Errorf("umap: knn: %w", err)
	}
	// knn's own phases may end early (NN-descent stops when it converges);
	// mark the end of the whole search.
	opts.progress("knn", 1, 1)
	in := spectralInput{data: data, dim: dim, cosine: opts.Metric == knn.Cosine}
	return fit(ctx, g, k, p, in, &opts)
}

// FitGraph lays out the points of the kNN graph g (neighbour 0 being the
// point itself, as knn.Build returns) with UMAP, following umap-learn 0.5:
// smooth_knn_dist and the fuzzy union of the membership graph, spectral (or
// random) initialisation scaled to [0, 10], and the SGD of
// optimize_layout_euclidean with the deterministic parallel scheme of the
// package documentation. The first NNeighbors columns of g are used; the
// default is all of them. Without the input data, disconnected components
// are placed at random (umap-learn's behaviour without data) instead of by
// the spectral embedding of their centroids; Fit has the data and does the
// latter.
//
// Neighbours with index −1 are missing and skipped; under knn.Cosine,
// neighbours at distance ≥ 2 are disconnected as umap-learn does. Negative
// or NaN distances and out-of-range indices are an error.
func FitGraph(ctx context.Context, g *knn.Graph, opts Options) (*Result, error) {
	noK := opts.NNeighbors == 0
	p, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if g == nil || g.N < 2 {
		return nil, errors.New("umap: the graph has fewer than 2 points; UMAP needs at least 2")
	}
	if len(g.Indices) != g.N*g.K || len(g.Dists) != g.N*g.K {
		return nil, fmt.Errorf("umap: malformed graph: %d indices and %d distances for %d×%d", len(g.Indices), len(g.Dists), g.N, g.K)
	}
	k := p.nNeighbors
	if noK {
		k = g.K
		p.nNeighbors = k
	}
	if k > g.K {
		if g.K < g.N-1 {
			return nil, fmt.Errorf("umap: NNeighbors = %d but the graph has %d neighbours per point; build it with k ≥ %d", k, g.K, k)
		}
		k = g.K
	}
	return fit(ctx, g, k, p, spectralInput{cosine: opts.Metric == knn.Cosine}, &opts)
}

func fit(ctx context.Context, kg *knn.Graph, k int, p params, in spectralInput, opts *Options) (*Result, error) {
	opts.progress("graph", 0, 1)
	graph, err := fuzzyGraph(kg, k, p, opts.Metric == knn.Cosine)
	if err != nil {
		return nil, err
	}
	opts.progress("graph", 1, 1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := embed(ctx, graph, p, in, opts)
	if err != nil {
		return nil, err
	}
	res.NNeighbors = k
	return res, nil
}

// fuzzyGraph returns the fuzzy simplicial set of the first k columns of
// the kNN graph kg, as umap-learn's fuzzy_simplicial_set: smooth_knn_dist,
// the membership strengths, and their fuzzy union, all on p.threads
// goroutines. Under cosine, neighbours at distance ≥ 2 are disconnected.
func fuzzyGraph(kg *knn.Graph, k int, p params, cosine bool) (*sparseGraph, error) {
	n := kg.N
	indices := make([]int32, n*k)
	dists := make([]float32, n*k)
	// Each block of rows keeps its first error; the first block's with one
	// is the error of a serial scan.
	errs := make([]error, (n+graphGrain-1)/graphGrain)
	parallelFor(p.threads, n, graphGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			idx, ds := kg.Row(i)
			for c := range k {
				j, d := idx[c], ds[c]
				if int(j) >= n || j < -1 {
					errs[lo/graphGrain] = fmt.Errorf("umap: neighbour %d of point %d is %d, outside [0, %d)", c, i, j, n)
					return
				}
				if d < 0 || math.IsNaN(float64(d)) {
					errs[lo/graphGrain] = fmt.Errorf("umap: distance %g from point %d to neighbour %d; distances must be non-negative", d, i, j)
					return
				}
				if j < 0 || (cosine && d >= 2) {
					// Missing, or disconnected (umap-learn's disconnection
					// distance for cosine).
					j, d = -1, float32(math.Inf(1))
				}
				indices[i*k+c], dists[i*k+c] = j, d
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	sigmas, rhos := smoothKNNDist(dists, n, k, float64(p.nNeighbors), p.localConnectivity, p.threads)
	return fuzzyUnion(membershipGraph(indices, dists, n, k, sigmas, rhos, p.threads), p.setOpMix, p.threads), nil
}

// embed is umap-learn's simplicial_set_embedding for Euclidean output.
func embed(ctx context.Context, graph *sparseGraph, p params, in spectralInput, opts *Options) (*Result, error) {
	n, dim := graph.n, p.nComponents
	a, b := FindAB(p.spread, p.minDist)
	defaultEpochs := 500
	if n > 10000 {
		defaultEpochs = 200
	}
	nEpochs := p.nEpochs
	if nEpochs == 0 {
		nEpochs = defaultEpochs
	}
	wmax := maxWeight(graph, p.threads)
	cut := float64(wmax) / float64(nEpochs)
	if nEpochs <= 10 {
		cut = float64(wmax) / float64(defaultEpochs)
	}
	pruned := prune(graph, cut, p.threads)

	if n*dim >= maxPoints {
		return nil, fmt.Errorf("umap: %d points × %d components; the layout holds at most 2³⁰ coordinates", n, dim)
	}
	opts.progress("init", 0, 1)
	rng := rand.New(rand.NewPCG(uint64(p.seed), 0x756d6170)) // "umap"
	res := &Result{N: n, Dim: dim, A: a, B: b, NEpochs: nEpochs, Edges: pruned.nnz()}
	order, labels, nc := pruned.bfs()
	res.Components = nc
	y := make([]float32, n*dim)
	if p.init == InitRandom {
		res.Init = "random"
		for i := range y {
			y[i] = float32(-10 + 20*rng.Float64())
		}
	} else {
		start, ok, err := spectralLayoutBFS(ctx, pruned, order, labels, nc, dim, in, rng, p.threads)
		if err != nil {
			return nil, err
		}
		res.Init = "spectral"
		if !ok {
			res.Init = "random (spectral failed)"
			for i := range y {
				y[i] = float32(start[i])
			}
		} else {
			var mx float64
			for _, x := range start {
				mx = math.Max(mx, math.Abs(x))
			}
			expansion := 10 / mx
			for i := range y {
				y[i] = float32(start[i]*expansion) + float32(rng.NormFloat64()*1e-4)
			}
		}
	}
	for d := range dim {
		lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
		for i := range n {
			lo = min(lo, y[i*dim+d])
			hi = max(hi, y[i*dim+d])
		}
		for i := range n {
			if hi > lo {
				y[i*dim+d] = float32(10 * float64(y[i*dim+d]-lo) / float64(hi-lo))
			} else {
				y[i*dim+d] = 0
			}
		}
	}
	opts.progress("init", 1, 1)

	l := newLayout(pruned, dim, a, b, p.gamma, p.learningRate, p.negRate, nEpochs,
		splitmix64(uint64(p.seed)^0x736764), p.threads) // "sgd"
	err := l.run(ctx, y, func(done, total int) { opts.progress("epochs", done, total) })
	if err != nil {
		return nil, err
	}
	res.Embedding = y
	return res, nil
}
