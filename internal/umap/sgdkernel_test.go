package umap

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// at is the index of lane l's coordinate d at step t in a kernel batch of
// the given stride (see sgdKernel); opAt that of its op.
func at(l, t, d, stride, dim int) int { return (((l/sgdGroup)*stride+t)*dim+d)*sgdGroup + l%sgdGroup }
func opAt(l, t, stride int) int       { return ((l/sgdGroup)*stride+t)*sgdGroup + l%sgdGroup }

// randomBatch returns a kernel batch of random steps of every kind, each
// against its own point of snap, at distances from 0 (the lane's own
// position) to 10⁴, and the lanes' expected positions after each step,
// computed with refStep.
func randomBatch(rng *rand.Rand, stride, steps, dim int, c *sgdConsts) (pos []float32, ops []uint32, snap, want []float32) {
	pos = make([]float32, stride*dim*sgdLanes)
	ops = make([]uint32, stride*sgdLanes)
	want = make([]float32, len(pos))
	snap = make([]float32, 0, stride*sgdLanes*dim)
	for l := range sgdLanes {
		cur := make([]float32, dim)
		for d := range dim {
			cur[d] = float32(10 * rng.Float64())
			pos[at(l, 0, d, stride, dim)] = cur[d]
			want[at(l, 0, d, stride, dim)] = cur[d]
		}
		o := make([]float32, dim)
		for t := 1; t < steps; t++ {
			kind := uint32(rng.IntN(4)) << 30
			scale := math.Exp(rng.Float64()*24 - 14)
			switch rng.IntN(10) {
			case 0:
				scale = 0 // d² = 0
			case 1:
				scale = 1e-25 // d² underflows to 0 while y ≠ o
			}
			for d := range dim {
				o[d] = cur[d] + float32(scale*rng.NormFloat64())
			}
			ops[opAt(l, t, stride)] = kind | uint32(len(snap)/dim)
			snap = append(snap, o...)
			switch kind {
			case opLoad:
				copy(cur, o)
			case opAttract, opRepel:
				refStep(cur, o, kind == opAttract, c)
			}
			for d := range dim {
				want[at(l, t, d, stride, dim)] = cur[d]
			}
		}
	}
	return pos, ops, append(snap, make([]float32, dim)...), want
}

// TestSGDKernel checks the portable kernel against refStep, and the SIMD
// kernel against the portable one, bit for bit, for every dimension they
// meet, with steps at d² = 0.
func TestSGDKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for _, dim := range []int{1, 2, 3, 4, 5, 8, 10} {
		for _, steps := range []int{2, 3, 17, 300} {
			t.Run(fmt.Sprintf("dim %d steps %d", dim, steps), func(t *testing.T) {
				for _, ab := range [][2]float64{{1.9328, 0.7905}, {0.583, 1.3342}} {
					c := newSGDConsts(dim, ab[0], ab[1], 1)
					c.set(kAlpha, 0.61)
					stride := steps + 5
					pos, ops, snap, want := randomBatch(rng, stride, steps, dim, c)
					kernels := append([]sgdKernelVariant{{"sgdKernelGeneric", true, sgdKernelGeneric}}, sgdKernelVariants()...)
					for _, k := range kernels {
						if !k.ok {
							t.Logf("%s: not supported by this processor", k.name)
							continue
						}
						got := append([]float32(nil), pos...)
						k.f(got, ops, snap, stride, steps, dim, c)
						for l := range sgdLanes {
							for s := range steps {
								for d := range dim {
									i := at(l, s, d, stride, dim)
									if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
										t.Fatalf("%s(...) lane %d step %d coordinate %d = %v, want %v (op %#x, from %v)",
											k.name, l, s, d, got[i], want[i], ops[opAt(l, s, stride)], want[at(l, s-1, d, stride, dim)])
									}
								}
							}
						}
					}
				}
			})
		}
	}
}

func BenchmarkSGDKernel(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 8))
	const steps, dim = 1024, 2
	c := newSGDConsts(dim, 1.9328, 0.7905, 1)
	c.set(kAlpha, 0.5)
	pos, ops, snap, _ := randomBatch(rng, steps, steps, dim, c)
	for _, k := range append([]sgdKernelVariant{{"sgdKernelGeneric", true, sgdKernelGeneric}}, sgdKernelVariants()...) {
		if !k.ok {
			continue
		}
		b.Run(k.name, func(b *testing.B) {
			work := make([]float32, len(pos))
			cpu0 := cpuTime()
			for b.Loop() {
				copy(work, pos)
				k.f(work, ops, snap, steps, steps, dim, c)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64((steps-1)*sgdLanes), "ns/step")
			b.ReportMetric((cpuTime()-cpu0)/float64(b.N)/float64((steps-1)*sgdLanes), "cpu-ns/step")
		})
	}
}

// TestNegSamples checks negSamples (the SIMD version where the processor
// has one) against negSamplesGeneric and against the stream drawn one
// number at a time, and that both report a sample of self.
func TestNegSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for _, n := range []int{1, 2, 3, 1000, 70000, 1 << 20, maxPoints - 1} {
		for _, length := range []int{0, 16, 48, 256} {
			s := rng.Uint64()
			want := make([]uint32, length)
			st := stream{s}
			for i := 0; i < length; i += 2 {
				r := st.next()
				want[i] = opRepel | uint32(uint64(uint32(r))*uint64(n)>>32)
				want[i+1] = opRepel | uint32(uint64(uint32(r>>32))*uint64(n)>>32)
			}
			for _, self := range []uint32{opRepel | uint32(n), opRepel | uint32(rng.IntN(n))} {
				wantHit := false
				for _, op := range want {
					wantHit = wantHit || op == self
				}
				for _, f := range []struct {
					name string
					f    func([]uint32, uint64, int, uint32) bool
				}{{"negSamples", negSamples}, {"negSamplesGeneric", negSamplesGeneric}} {
					got := make([]uint32, length)
					hit := f.f(got, s, n, self)
					if !slices.Equal(got, want) || hit != wantHit {
						t.Fatalf("%s(len %d, %#x, %d, %#x) = %v, %v, want %v, %v", f.name, length, s, n, self, got, hit, want, wantHit)
					}
				}
			}
		}
	}
}

// TestDueEdges checks dueEdges (eight clocks at a time where the processor
// can) against a plain loop, with epochs equal to the clocks, NaN and ±0
// among them, and lengths around multiples of 8.
func TestDueEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	for _, m := range []int{0, 1, 7, 8, 9, 16, 31, 64, 203} {
		clocks := make([]edgeClock, m)
		for i := range clocks {
			switch rng.IntN(8) {
			case 0:
				clocks[i].next = math.NaN()
			case 1:
				clocks[i].next = math.Copysign(0, -1)
			case 2:
				clocks[i].next = 3 // equal to an epoch below
			default:
				clocks[i].next = 10*rng.Float64() - 1
			}
			clocks[i].nextNeg = rng.Float64()
		}
		for _, n := range []float64{0, 3, 4.5, 9} {
			lo := rng.IntN(1000)
			var want []int32
			for i, c := range clocks {
				if c.next <= n {
					want = append(want, int32(lo+i))
				}
			}
			due := make([]int32, m+8)
			cnt := dueEdges(due, clocks, lo, n)
			if !slices.Equal(due[:cnt], want) {
				t.Fatalf("dueEdges(%d clocks, lo %d, epoch %g) = %v, want %v", m, lo, n, due[:cnt], want)
			}
		}
	}
}

// BenchmarkNegSamples times drawing a vertex's negative samples, 48 of
// them (about what a vertex of the Fashion-MNIST graph draws per epoch).
func BenchmarkNegSamples(b *testing.B) {
	dst := make([]uint32, 48)
	s := uint64(1)
	for b.Loop() {
		negSamples(dst, s, 70000, opRepel)
		s++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(dst)), "ns/sample")
}

// BenchmarkDueEdges times finding the due edges of a vertex of 32 edges,
// about a quarter of them due.
func BenchmarkDueEdges(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	clocks := make([]edgeClock, 32*1024)
	for i := range clocks {
		clocks[i].next = 4 * rng.Float64()
	}
	due := make([]int32, 32+8)
	v := 0
	for b.Loop() {
		dueEdges(due, clocks[v*32:(v+1)*32], v*32, 1)
		v = (v + 1) % 1024
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*32), "ns/edge")
}
