package umap

import "math"

// sgdLanes is the number of vertices whose updates sgdKernel runs side by
// side (in SIMD lanes where the processor has them).
const sgdLanes = 32

// sgdGroup is the number of lanes whose data are interleaved in memory, a
// 512-bit vector of float32.
const sgdGroup = 16

// Kinds of a kernel step, in the top two bits of an op (the other 30 are
// the index of the other point).
const (
	opNone    uint32 = iota << 30 // the lane idles: its position is carried over
	opAttract                     // an attractive step towards the other point
	opRepel                       // a negative-sample step away from the other point
	opLoad                        // the lane starts a vertex at the other point's position

	opKind  = 3 << 30
	opIndex = 1<<30 - 1
	// maxPoints is the number of points ops can index.
	maxPoints = 1 << 30
)

// Indices of the broadcast constants of sgdKernel.
const (
	kA            = iota       // a
	kBm1                       // b − 1
	kAB2                       // −2ab
	kG2B                       // 2γb
	kAlpha                     // α
	kMinNorm                   // 2⁻¹²⁶
	kSqrt2                     // √2
	kHalf                      // ½
	kOne                       // 1
	kLog2E                     // log2(e)
	kEps                       // 0.001
	kClip                      // 4
	kNegClip                   // −4
	kLo                        // −126
	kHi                        // 126
	kMagic                     // 1.5·2²³
	kLogP0                     // logP0 … logP8
	kExp2Q0       = kLogP0 + 9 // exp2Q0 … exp2Q5
	nConsts       = kExp2Q0 + 6
	kMantMask     = nConsts     // integer constants: 0x7fffff
	kOneBits      = nConsts + 1 // 0x3f800000
	kBias         = nConsts + 2 // 127
	kOpAttract    = nConsts + 3 // opAttract, opRepel, opLoad shifted right by 30
	kOpRepel      = nConsts + 4
	kOpLoad       = nConsts + 5
	kOpIndex      = nConsts + 6 // opIndex
	kDim          = nConsts + 7 // the layout's dimension
	nKernelConsts = nConsts + 8
)

// sgdConsts holds the kernel's constants, each repeated in 8 lanes so that
// the SIMD kernel reads them as vectors (sgdkernel_amd64.s has their
// offsets: index × 32 bytes).
type sgdConsts [nKernelConsts][8]uint32

func (c *sgdConsts) set(i int, v float32) {
	for l := range c[i] {
		c[i][l] = math.Float32bits(v)
	}
}

func (c *sgdConsts) f(i int) float32 { return math.Float32frombits(c[i][0]) }

func newSGDConsts(dim int, a, b, gamma float64) *sgdConsts {
	c := new(sgdConsts)
	c.set(kA, float32(a))
	c.set(kBm1, float32(b-1))
	c.set(kAB2, float32(-2*a*b))
	c.set(kG2B, float32(2*gamma*b))
	c.set(kMinNorm, minNormal32)
	c.set(kSqrt2, math.Sqrt2)
	c.set(kHalf, 0.5)
	c.set(kOne, 1)
	c.set(kLog2E, math.Log2E)
	c.set(kEps, 0.001)
	c.set(kClip, 4)
	c.set(kNegClip, -4)
	c.set(kLo, -126)
	c.set(kHi, 126)
	c.set(kMagic, roundMagic)
	for i, p := range []float32{logP0, logP1, logP2, logP3, logP4, logP5, logP6, logP7, logP8} {
		c.set(kLogP0+i, p)
	}
	for i, q := range []float32{exp2Q0, exp2Q1, exp2Q2, exp2Q3, exp2Q4, exp2Q5} {
		c.set(kExp2Q0+i, q)
	}
	for l := range 8 {
		c[kMantMask][l] = 0x7fffff
		c[kOneBits][l] = 0x3f800000
		c[kBias][l] = 127
		c[kOpAttract][l] = opAttract >> 30
		c[kOpRepel][l] = opRepel >> 30
		c[kOpLoad][l] = opLoad >> 30
		c[kOpIndex][l] = opIndex
		c[kDim][l] = uint32(dim)
	}
	return c
}

// sgdKernel runs steps 1 … steps−1 of a batch of sgdLanes interleaved
// update sequences against the n×dim layout snap. Lane l = 16g + i (g a
// group of sgdGroup = 16 lanes) keeps its data in group g's part of the
// buffers, stride steps long: ops holds its step t at (g·stride + t)·16 +
// i, and pos its coordinate d after step t at ((g·stride + t)·dim + d)·16 +
// i, so that a lane's consecutive steps are adjacent in memory. pos[0] is the lane's
// state before step 1. An op is a kind (its top two bits) and the index k
// of a point of snap, o = snap[k·dim : (k+1)·dim]; step t sets the lane's
// position y (that after step t − 1) to o (opLoad), leaves it (opNone), or
// moves it against o as umap-learn's optimize_layout_euclidean does, in
// float32:
//
//	d² = Σ (y − o)², p = pow32(max(d², 2⁻¹²⁶), b − 1), s = a·p·d² + 1
//	attraction: c = −2ab·p / s (0 if d² = 0)
//	negative sample: c = 2γb / ((d² + 0.001)·s); every coordinate moves by
//	  +4α instead if d² = 0
//	y += α·clip(c·(y − o), ±4)
//
// Every index must be below n: the SIMD kernel does not check. It panics
// if the buffers are shorter than the layout needs or dim is not c's.
func sgdKernel(pos []float32, ops []uint32, snap []float32, stride, steps, dim int, c *sgdConsts) {
	if steps < 2 {
		return
	}
	if dim < 1 || int(c[kDim][0]) != dim || steps > stride || len(snap) < dim {
		panic("umap: sgdKernel: bad dim or stride")
	}
	_ = pos[stride*dim*sgdLanes-1]
	_ = ops[stride*sgdLanes-1]
	if useSGDAsm {
		sgdKernelAsm(pos, ops, snap, stride, steps, dim, c)
		return
	}
	sgdKernelGeneric(pos, ops, snap, stride, steps, dim, c)
}

// sgdKernelGeneric is sgdKernel in portable Go, lane by lane, with the
// SIMD kernel's operations in the same order.
func sgdKernelGeneric(pos []float32, ops []uint32, snap []float32, stride, steps, dim int, c *sgdConsts) {
	a, bm1, ab2, g2b, alpha := c.f(kA), c.f(kBm1), c.f(kAB2), c.f(kG2B), c.f(kAlpha)
	for l := range sgdLanes {
		g, i := l/sgdGroup, l%sgdGroup
		ps := pos[g*stride*dim*sgdGroup : (g+1)*stride*dim*sgdGroup]
		os := ops[g*stride*sgdGroup : (g+1)*stride*sgdGroup]
		for t := 1; t < steps; t++ {
			prev := ps[(t-1)*dim*sgdGroup+i : t*dim*sgdGroup]
			row := ps[t*dim*sgdGroup+i : (t+1)*dim*sgdGroup]
			op := os[t*sgdGroup+i]
			k := int(op & opIndex)
			o := snap[k*dim : k*dim+dim]
			switch kind := op & opKind; kind {
			case opLoad:
				for d := range dim {
					row[d*sgdGroup] = o[d]
				}
			case opAttract, opRepel:
				var d2 float32
				for d := range dim {
					u := prev[d*sgdGroup] - o[d]
					d2 = d2 + float32(u*u)
				}
				p := pow32(max(d2, minNormal32), bm1)
				s := float32(float32(a*p)*d2) + 1
				var coeff float32
				if kind == opAttract {
					coeff = float32(ab2*p) / s
					if d2 == 0 {
						coeff = 0
					}
				} else {
					coeff = g2b / float32((d2+0.001)*s)
				}
				for d := range dim {
					y := prev[d*sgdGroup]
					g := min(max(float32(coeff*(y-o[d])), -4), 4)
					if kind == opRepel && d2 == 0 {
						g = 4
					}
					row[d*sgdGroup] = y + float32(g*alpha)
				}
			default:
				for d := range dim {
					row[d*sgdGroup] = prev[d*sgdGroup]
				}
			}
		}
	}
}

// sgdKernelVariant is a kernel with sgdKernelGeneric's arguments (and
// preconditions) and whether the processor runs it.
type sgdKernelVariant struct {
	name string
	ok   bool
	f    func(pos []float32, ops []uint32, snap []float32, stride, steps, dim int, c *sgdConsts)
}

// negSamplesGeneric fills dst, whose length must be even, with
// negative-sample ops opRepel | k drawn from the stream whose state is s:
// k = ⌊r·n / 2³²⌋ for the 32-bit halves r of the stream's numbers, low half
// first (Lemire's multiply-shift; the bias, below n / 2³², is that of
// umap-learn's own modulo). It reports whether some op is self.
func negSamplesGeneric(dst []uint32, s uint64, n int, self uint32) bool {
	rng := stream{s}
	nn := uint64(n)
	hit := false
	for i := 0; i+1 < len(dst); i += 2 {
		r := rng.next()
		k0 := opRepel | uint32((r&(1<<32-1))*nn>>32)
		k1 := opRepel | uint32((r>>32)*nn>>32)
		dst[i], dst[i+1] = k0, k1
		if k0 == self || k1 == self {
			hit = true
		}
	}
	return hit
}

// dueEdgesGeneric writes to due, in order, lo + i for the clocks[i] whose
// next is at most n (the edges due in epoch n), without branches, and
// returns their number. due must be as long as clocks.
func dueEdgesGeneric(due []int32, clocks []edgeClock, lo int, n float64) int {
	cnt := 0
	for i := range clocks {
		due[cnt] = int32(lo + i)
		cnt += b2i(clocks[i].next <= n)
	}
	return cnt
}
