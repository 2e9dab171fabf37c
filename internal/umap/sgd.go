package umap

import (
	"context"
	"math"
	"sync"
)

// layout holds the state of the stochastic gradient descent of
// umap-learn's optimize_layout_euclidean (umap/layouts.py) over the edges of
// the symmetric fuzzy graph, organised by head vertex (see the package
// documentation for the deterministic parallel scheme).
type layout struct {
	g                   *sparseGraph // edges to sample, symmetric, rows sorted
	dim                 int
	a, b, gamma         float64
	alpha0              float64
	negRate             float64
	nEpochs             int
	seed                uint64
	threads             int
	epochsPerSample     []float64
	epochsPerNegSample  []float64
	epochOfNextSample   []float64
	dueEpoch            []int32 // ⌈epochOfNextSample⌉: the edge is due in epochs ≥ dueEpoch
	epochOfNextNegative []float64
	consts              *sgdConsts
	batchSteps          int       // the lanes' capacity in steps: batchSteps, or less in tests
	batches             sync.Pool // of *sgdBatch
}

func newLayout(g *sparseGraph, dim int, a, b, gamma, alpha0, negRate float64, nEpochs int, seed uint64, threads int) *layout {
	if g.n*dim >= maxPoints {
		panic("umap: newLayout: n·dim ≥ 2³⁰")
	}
	l := &layout{g: g, dim: dim, a: a, b: b, gamma: gamma, alpha0: alpha0, negRate: negRate,
		nEpochs: nEpochs, seed: seed, threads: threads, consts: newSGDConsts(dim, a, b, gamma),
		batchSteps: batchSteps}
	// make_epochs_per_sample: n_epochs / (n_epochs · w / max w).
	var wmax float32
	for _, w := range g.weights {
		wmax = max(wmax, w)
	}
	m := g.nnz()
	l.epochsPerSample = make([]float64, m)
	l.epochsPerNegSample = make([]float64, m)
	l.epochOfNextSample = make([]float64, m)
	l.dueEpoch = make([]int32, m)
	l.epochOfNextNegative = make([]float64, m)
	for e, w := range g.weights {
		ns := float64(nEpochs) * float64(w/wmax)
		eps := -1.0
		if ns > 0 {
			eps = float64(nEpochs) / ns
		}
		l.epochsPerSample[e] = eps
		l.epochsPerNegSample[e] = eps / negRate
		l.epochOfNextSample[e] = eps
		l.dueEpoch[e] = int32(math.Ceil(eps))
		l.epochOfNextNegative[e] = eps / negRate
	}
	return l
}

// run optimises the n×dim embedding y in place for all epochs, calling
// progress after each, and stops early (returning ctx's error) when ctx is
// cancelled between epochs.
func (l *layout) run(ctx context.Context, y []float32, progress func(done, total int)) error {
	snap := make([]float32, len(y))
	for epoch := range l.nEpochs {
		if err := ctx.Err(); err != nil {
			return err
		}
		alpha := l.alpha0 * (1 - float64(epoch)/float64(l.nEpochs))
		c := *l.consts
		c.set(kAlpha, float32(alpha))
		copy(snap, y)
		parallelFor(l.threads, l.g.n, sgdGrain, func(lo, hi int) {
			bt, _ := l.batches.Get().(*sgdBatch)
			if bt == nil {
				bt = newSGDBatch(l.dim, l.batchSteps)
			}
			for j := lo; j < hi; j++ {
				l.plan(j, epoch, bt, snap, y, &c)
			}
			bt.flush(y, snap, &c)
			l.batches.Put(bt)
		})
		if progress != nil {
			progress(epoch+1, l.nEpochs)
		}
	}
	return nil
}

// sgdGrain is the number of vertices a goroutine takes at a time: 32 per
// lane, so that the lanes end a batch at nearly the same step.
const sgdGrain = 32 * sgdLanes

// sgdBatch collects the update sequences of vertices, one vertex after
// another in each of sgdLanes lanes, for sgdKernel.
type sgdBatch struct {
	dim    int
	stride int           // capacity of a lane in steps
	pos    []float32     // see sgdKernel
	ops    []uint32      // see sgdKernel
	next   [sgdLanes]int // next free step of each lane
	verts  []batchVertex // vertices in the batch
	due    []dueEdge     // scratch of plan
}

// batchVertex is a vertex whose final position is that of lane at step end.
type batchVertex struct {
	j, lane, end int
}

// dueEdge is an edge sampled in the current epoch and its number of
// negative samples.
type dueEdge struct {
	k    int32
	nNeg int32
}

// batchSteps is the number of steps of a batch's lane, unless a vertex
// needs more.
const batchSteps = 1024

func newSGDBatch(dim, steps int) *sgdBatch {
	bt := &sgdBatch{dim: dim}
	bt.resize(steps)
	return bt
}

func (bt *sgdBatch) resize(stride int) {
	bt.stride = stride
	bt.pos = make([]float32, stride*bt.dim*sgdLanes)
	bt.ops = make([]uint32, stride*sgdLanes)
	bt.reset()
}

func (bt *sgdBatch) reset() {
	for l := range bt.next {
		bt.next[l] = 1 // step 0 is the kernel's initial state
	}
	bt.verts = bt.verts[:0]
}

// lane returns the lane to which a sequence of m steps goes, the least
// filled one, running the batch first if that one has no room.
func (bt *sgdBatch) lane(m int, y, snap []float32, c *sgdConsts) int {
	key := math.MaxInt
	for l, t := range bt.next {
		key = min(key, t*sgdLanes+l) // branch-free
	}
	best := key % sgdLanes
	if bt.next[best]+m <= bt.stride {
		return best
	}
	bt.flush(y, snap, c)
	if 1+m > bt.stride {
		bt.resize(1 + m)
	}
	return 0
}

// flush runs the kernel on the batch, writes the vertices' new positions
// to y and empties the batch.
func (bt *sgdBatch) flush(y, snap []float32, c *sgdConsts) {
	if len(bt.verts) == 0 {
		return
	}
	dim, stride := bt.dim, bt.stride
	steps := 0
	for _, t := range bt.next {
		steps = max(steps, t)
	}
	for l, t := range bt.next {
		ops := bt.ops[(l/sgdGroup)*stride*sgdGroup+l%sgdGroup:]
		for ; t < steps; t++ {
			ops[t*sgdGroup] = opNone
		}
	}
	sgdKernel(bt.pos, bt.ops, snap, stride, steps, dim, c)
	for _, v := range bt.verts {
		at := ((v.lane/sgdGroup)*stride+v.end)*dim*sgdGroup + v.lane%sgdGroup
		for d := range dim {
			y[v.j*dim+d] = bt.pos[at+d*sgdGroup]
		}
	}
	bt.reset()
}

// plan advances the sampling state of the edges whose head is j by one
// epoch and adds to the batch, in umap-learn's order, the updates vertex j
// makes: for each due edge (j, k) two attractive steps towards k
// (umap-learn moves both ends of a sampled edge, and the graph is
// symmetric: j is pulled once as the head of (j, k) and once as the tail
// of (k, j)), then its negative samples, drawn from the stream keyed by
// (seed, epoch, j); samples of j itself are skipped as umap-learn does.
// Other vertices are read from snap, the layout at the start of the epoch.
func (l *layout) plan(j, epoch int, bt *sgdBatch, snap, y []float32, c *sgdConsts) {
	g := l.g
	n := float64(epoch)
	lo, hi := g.indptr[j], g.indptr[j+1]
	if cap(bt.due) < hi-lo {
		bt.due = make([]dueEdge, hi-lo)
	}
	due := bt.due[:hi-lo]
	// The due edges, without branches: whether an edge is due is close to
	// a coin toss, too costly to predict. An edge is due when
	// epochOfNextSample ≤ epoch, that is when dueEpoch ≤ epoch.
	cnt := 0
	for e := lo; e < hi; e++ {
		due[cnt].k = int32(e) // the edge for now; its column below
		cnt += int(uint32(l.dueEpoch[e]-int32(epoch)-1) >> 31)
	}
	m := 1 // steps: the load of j's position, then two per due edge and the negative samples
	for i := range due[:cnt] {
		e := int(due[i].k)
		l.epochOfNextSample[e] += l.epochsPerSample[e]
		l.dueEpoch[e] = int32(math.Ceil(l.epochOfNextSample[e]))
		nNeg := max(0, int((n-l.epochOfNextNegative[e])/l.epochsPerNegSample[e]))
		l.epochOfNextNegative[e] += float64(nNeg) * l.epochsPerNegSample[e]
		due[i] = dueEdge{g.indices[e], int32(nNeg)}
		m += 2 + nNeg
	}
	due = due[:cnt]
	if cnt == 0 {
		return
	}
	lane := bt.lane(m, y, snap, c)
	t := bt.next[lane]
	ops := bt.ops[(lane/sgdGroup)*bt.stride*sgdGroup+lane%sgdGroup:]
	ops[t*sgdGroup] = opLoad | uint32(j)
	t++
	// Negative samples: k = ⌊r·n / 2³²⌋ for 32-bit halves r of the
	// stream's numbers (Lemire's multiply-shift; the bias, below n / 2³²,
	// is that of umap-learn's own modulo).
	var rng stream
	var r uint64
	seeded, half := false, false
	for _, de := range due {
		ops[t*sgdGroup] = opAttract | uint32(de.k)
		ops[t*sgdGroup+sgdGroup] = opAttract | uint32(de.k)
		t += 2
		if de.nNeg > 0 && !seeded {
			rng = newStream(l.seed, uint64(epoch), uint64(j))
			seeded = true
		}
		for range de.nNeg {
			if half {
				r >>= 32
			} else {
				r = rng.next()
			}
			half = !half
			if kk := int((r & (1<<32 - 1) * uint64(g.n)) >> 32); kk != j {
				ops[t*sgdGroup] = opRepel | uint32(kk)
				t++
			}
		}
	}
	bt.next[lane] = t
	bt.verts = append(bt.verts, batchVertex{j, lane, t - 1})
}
