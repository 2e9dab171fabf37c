package umap

import (
	"context"
	"iter"
)

// layout holds the state of the stochastic gradient descent of
// umap-learn's optimize_layout_euclidean (umap/layouts.py) over the edges of
// the symmetric fuzzy graph, organised by head vertex (see the package
// documentation for the deterministic parallel scheme).
type layout struct {
	g           *sparseGraph // edges to sample, symmetric, rows sorted
	dim         int
	a, b, gamma float64
	alpha0      float64
	negRate     float64
	nEpochs     int
	seed        uint64
	threads     int
	clocks      []edgeClock // of each edge
	wmax        float32     // the largest weight
	consts      *sgdConsts
	batchSteps  int // the steps of a kernel run: batchSteps, or fewer in tests
}

// edgeClock is the sampling schedule of an edge that changes: umap-learn's
// epoch_of_next_sample and epoch_of_next_negative_sample, side by side.
// epochs_per_sample and epochs_per_negative_sample are recomputed from the
// edge's weight when it is due, as newLayout computes them: plan reads the
// clock of every edge every epoch, bound by memory bandwidth, and three
// divisions per due edge cost no more than reading 16 more bytes per edge
// (and the schedule takes 16 bytes an edge instead of 36).
type edgeClock struct {
	next, nextNeg float64
}

func newLayout(g *sparseGraph, dim int, a, b, gamma, alpha0, negRate float64, nEpochs int, seed uint64, threads int) *layout {
	if g.n*dim >= maxPoints {
		panic("umap: newLayout: n·dim ≥ 2³⁰")
	}
	l := &layout{g: g, dim: dim, a: a, b: b, gamma: gamma, alpha0: alpha0, negRate: negRate,
		nEpochs: nEpochs, seed: seed, threads: threads, consts: newSGDConsts(dim, a, b, gamma),
		batchSteps: batchSteps}
	for _, w := range g.weights {
		l.wmax = max(l.wmax, w)
	}
	l.clocks = make([]edgeClock, g.nnz())
	for e := range l.clocks {
		eps := l.perSample(int32(e))
		l.clocks[e] = edgeClock{next: eps, nextNeg: eps / negRate}
	}
	return l
}

// run optimises the n×dim embedding y in place for all epochs, calling
// progress after each, and stops early (returning ctx's error) when ctx is
// cancelled between epochs.
func (l *layout) run(ctx context.Context, y []float32, progress func(done, total int)) error {
	snap := make([]float32, len(y))
	batches := make([]*sgdBatch, max(1, l.threads))
	for epoch := range l.nEpochs {
		if err := ctx.Err(); err != nil {
			return err
		}
		alpha := l.alpha0 * (1 - float64(epoch)/float64(l.nEpochs))
		c := *l.consts
		c.set(kAlpha, float32(alpha))
		copy(snap, y)
		// The random stream of vertex j is keyed by (seed, epoch, j), as
		// newStream keys it; the first two keys are the same for all.
		key := splitmix64(splitmix64(l.seed) ^ uint64(epoch))
		parallelWorkers(l.threads, l.g.n, sgdGrain, func(w int, blocks iter.Seq2[int, int]) {
			bt := batches[w]
			if bt == nil {
				bt = newSGDBatch(l.dim, l.batchSteps)
				batches[w] = bt
			}
			for lo, hi := range blocks {
				for j := lo; j < hi; j++ {
					l.plan(j, epoch, key, bt, snap, y, &c)
				}
			}
			bt.finish(y, snap, &c)
		})
		if progress != nil {
			progress(epoch+1, l.nEpochs)
		}
	}
	return nil
}

// negBlock is the number of negative-sample ops plan writes per due edge in
// one go, above the usual 4 to 6 (plan's stores are written out for 8).
const negBlock = 8

// sgdGrain is the number of vertices a goroutine takes at a time.
const sgdGrain = 1024

// sgdBatch collects the update sequences of vertices, one vertex after
// another in each of sgdLanes lanes, for sgdKernel. The lanes are filled
// one after the other; once every lane holds at least steps − 1 steps the
// kernel runs those, and what lies beyond (the end of a vertex's sequence)
// moves to the front of its lane, the lane's position becoming the initial
// state of the next run. The kernel so never idles except in the last run
// of an epoch.
type sgdBatch struct {
	dim    int
	steps  int           // steps of a full run, the initial state included
	stride int           // capacity of a lane in steps, ≥ steps
	pos    []float32     // see sgdKernel
	ops    []uint32      // see sgdKernel
	next   [sgdLanes]int // next free step of each lane
	cur    int           // the lane being filled
	verts  []batchVertex // vertices in the batch
	due    []int32       // scratch of plan: the due edges of a vertex
	nNeg   []int32       // scratch of plan: their numbers of negative samples
	neg    []uint32      // scratch of plan: the negative-sample ops of a vertex
}

// batchVertex is a vertex whose final position is that of lane at step end.
type batchVertex struct {
	j, lane, end int
}

// batchSteps is the number of steps of a kernel run (step 0 being the
// lanes' initial state): 256 keeps a run's ops and positions in the level-2
// cache next to the layout.
const batchSteps = 256

func newSGDBatch(dim, steps int) *sgdBatch {
	steps = max(steps, 2)
	bt := &sgdBatch{dim: dim, steps: steps}
	bt.stride = steps + 256 // room for the rest of a vertex cut by a run; grow makes more
	bt.pos = make([]float32, bt.stride*dim*sgdLanes)
	bt.ops = make([]uint32, bt.stride*sgdLanes)
	bt.reset()
	return bt
}

func (bt *sgdBatch) reset() {
	for l := range bt.next {
		bt.next[l] = 1 // step 0 is the kernel's initial state
	}
	bt.cur = 0
	bt.verts = bt.verts[:0]
}

// grow makes the lanes at least need steps long, keeping their contents.
func (bt *sgdBatch) grow(need int) {
	stride := max(need, bt.stride+bt.stride/2)
	pos := make([]float32, stride*bt.dim*sgdLanes)
	ops := make([]uint32, stride*sgdLanes)
	used := 0
	for _, t := range bt.next {
		used = max(used, t)
	}
	rowF := bt.dim * sgdGroup
	for g := range sgdLanes / sgdGroup {
		copy(pos[g*stride*rowF:g*stride*rowF+rowF], bt.pos[g*bt.stride*rowF:])
		copy(ops[g*stride*sgdGroup:(g*stride+used)*sgdGroup], bt.ops[g*bt.stride*sgdGroup:])
	}
	bt.stride, bt.pos, bt.ops = stride, pos, ops
}

// lane returns the lane to which a sequence of m steps goes: the lane being
// filled, or the next one when that holds a full run, after running the
// batch once every lane does.
func (bt *sgdBatch) lane(m int, y, snap []float32, c *sgdConsts) int {
	for bt.next[bt.cur] >= bt.steps {
		bt.cur++
		if bt.cur == sgdLanes {
			bt.run(y, snap, c)
			bt.cur = 0
		}
	}
	if need := bt.next[bt.cur] + m; need > bt.stride {
		bt.grow(need)
	}
	return bt.cur
}

// run runs the kernel on the first steps steps of the full batch, writes
// the positions of the vertices that ended to y and moves the rest of
// every lane to its front.
func (bt *sgdBatch) run(y, snap []float32, c *sgdConsts) {
	dim, stride, steps := bt.dim, bt.stride, bt.steps
	sgdKernel(bt.pos, bt.ops, snap, stride, steps, dim, c)
	keep := bt.verts[:0]
	for _, v := range bt.verts {
		if v.end < steps {
			bt.store(y, v)
			continue
		}
		v.end -= steps - 1
		keep = append(keep, v)
	}
	bt.verts = keep
	rowF := dim * sgdGroup
	for g := range sgdLanes / sgdGroup {
		at := g * stride * rowF
		copy(bt.pos[at:at+rowF], bt.pos[at+(steps-1)*rowF:])
	}
	for l, t := range bt.next {
		ops := bt.ops[(l/sgdGroup)*stride*sgdGroup+l%sgdGroup:]
		for s := steps; s < t; s++ {
			ops[(s-steps+1)*sgdGroup] = ops[s*sgdGroup]
		}
		bt.next[l] = t - steps + 1
	}
}

// finish runs the kernel on what the batch holds, writes the vertices' new
// positions to y and empties the batch.
func (bt *sgdBatch) finish(y, snap []float32, c *sgdConsts) {
	if len(bt.verts) == 0 {
		bt.reset()
		return
	}
	stride := bt.stride
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
	sgdKernel(bt.pos, bt.ops, snap, stride, steps, bt.dim, c)
	for _, v := range bt.verts {
		bt.store(y, v)
	}
	bt.reset()
}

// store writes the position of v after its last step to y.
func (bt *sgdBatch) store(y []float32, v batchVertex) {
	dim := bt.dim
	at := ((v.lane/sgdGroup)*bt.stride+v.end)*dim*sgdGroup + v.lane%sgdGroup
	row := y[v.j*dim : v.j*dim+dim]
	for d := range row {
		row[d] = bt.pos[at+d*sgdGroup]
	}
}

// plan advances the sampling state of the edges whose head is j by one
// epoch and adds to the batch, in umap-learn's order, the updates vertex j
// makes: for each due edge (j, k) two attractive steps towards k
// (umap-learn moves both ends of a sampled edge, and the graph is
// symmetric: j is pulled once as the head of (j, k) and once as the tail
// of (k, j)), then its negative samples, drawn from the stream keyed by
// (seed, epoch, j) (key being the first two mixed); samples of j itself are
// skipped as umap-learn does. Other vertices are read from snap, the layout
// at the start of the epoch.
func (l *layout) plan(j, epoch int, key uint64, bt *sgdBatch, snap, y []float32, c *sgdConsts) {
	g := l.g
	n := float64(epoch)
	lo, hi := g.indptr[j], g.indptr[j+1]
	if cap(bt.due) < hi-lo+8 {
		bt.due = make([]int32, hi-lo+8)
		bt.nNeg = make([]int32, hi-lo)
	}
	// The due edges, those with epochOfNextSample ≤ epoch (found without
	// branches: whether an edge is due is close to a coin toss, too costly
	// to predict).
	due := bt.due[:hi-lo+8]
	cnt := dueEdges(due, l.clocks[lo:hi], lo, n)
	if cnt == 0 {
		return
	}
	due = due[:cnt]
	nNegs := bt.nNeg[:cnt]
	total := 0
	for i, e := range due {
		s := &l.clocks[e]
		perSample := l.perSample(e)
		s.next += perSample
		perNeg := perSample / l.negRate
		nNeg := max(0, int((n-s.nextNeg)/perNeg))
		s.nextNeg += float64(nNeg) * perNeg
		nNegs[i] = int32(nNeg)
		total += nNeg
	}
	// Negative samples, from the stream keyed by (seed, epoch, j), 16 at a
	// time (see negSamples).
	count := (total + 15) &^ 15
	if cap(bt.neg) < count+negBlock {
		bt.neg = make([]uint32, count+negBlock+count/2)
	}
	neg := bt.neg[:count+negBlock]
	self := opRepel | uint32(j)
	hit := negSamples(neg[:count], splitmix64(key^uint64(j)), g.n, self)
	lane := bt.lane(1+2*cnt+total+negBlock, y, snap, c)
	t := bt.next[lane]
	ops := bt.ops[(lane/sgdGroup)*bt.stride*sgdGroup+lane%sgdGroup:]
	ops[t*sgdGroup] = opLoad | uint32(j)
	t++
	p := 0
	if hit {
		// Some samples are j itself: skip them, one at a time.
		for i, e := range due {
			k := opAttract | uint32(g.indices[e])
			ops[t*sgdGroup] = k
			ops[t*sgdGroup+sgdGroup] = k
			t += 2
			for _, op := range neg[p : p+int(nNegs[i])] {
				ops[t*sgdGroup] = op
				if op != self {
					t++
				}
			}
			p += int(nNegs[i])
		}
	} else {
		// Each edge's two attractions and negBlock samples, of which the
		// next edge overwrites those beyond its own: a fixed number of
		// stores instead of a loop whose end the processor mispredicts.
		for i, e := range due {
			k := opAttract | uint32(g.indices[e])
			nb := (*[negBlock]uint32)(neg[p : p+negBlock])
			w := ops[t*sgdGroup : (t+2+negBlock-1)*sgdGroup+1]
			w[0] = k
			w[sgdGroup] = k
			w[2*sgdGroup], w[3*sgdGroup], w[4*sgdGroup], w[5*sgdGroup] = nb[0], nb[1], nb[2], nb[3]
			w[6*sgdGroup], w[7*sgdGroup], w[8*sgdGroup], w[9*sgdGroup] = nb[4], nb[5], nb[6], nb[7]
			nNeg := int(nNegs[i])
			t += 2 + min(nNeg, negBlock)
			for _, op := range neg[p+negBlock : max(p+negBlock, p+nNeg)] {
				ops[t*sgdGroup] = op
				t++
			}
			p += nNeg
		}
	}
	bt.next[lane] = t
	bt.verts = append(bt.verts, batchVertex{j, lane, t - 1})
}

// b2i is 1 for true and 0 for false, compiled without a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// perSample is epochs_per_sample of edge e, from umap-learn's
// make_epochs_per_sample: n_epochs / (n_epochs · w / max w), or −1 for a
// weight of 0.
func (l *layout) perSample(e int32) float64 {
	ns := float64(l.nEpochs) * float64(l.g.weights[e]/l.wmax)
	if ns > 0 {
		return float64(l.nEpochs) / ns
	}
	return -1
}
