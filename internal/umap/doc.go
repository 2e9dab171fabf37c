// Package umap lays out a k-nearest-neighbour graph in a few dimensions with
// UMAP (McInnes, Healy & Melville, "UMAP: Uniform Manifold Approximation and
// Projection for Dimension Reduction", 2018), following umap-learn 0.5
// (umap/umap_.py, umap/layouts.py, umap/spectral.py) step by step:
//
//   - FindAB fits the low-dimensional membership curve 1/(1 + a·d^(2b)) to
//     MinDist and Spread (find_ab_params).
//   - smooth_knn_dist finds ρ_i and σ_i per point (64-step binary search to
//     log2 k, local connectivity with interpolation, σ floored at 1e-3 of the
//     mean distance); memberships exp(−(d − ρ)/σ) form a sparse directed graph
//     that is symmetrised by the fuzzy union A + Aᵀ − A∘Aᵀ (or a mix with the
//     intersection, SetOpMixRatio). The graph is kept in CSR form; nothing is
//     ever n×n.
//   - Edges lighter than max/NEpochs are dropped, and the layout starts from
//     the eigenvectors 2..dim+1 of the normalised Laplacian, computed with a
//     thick-restart Lanczos solver (sparse, full reorthogonalisation, the
//     trivial √degree eigenvector locked), or from uniform noise.
//     Disconnected graphs are laid out per component and the components
//     placed by multi_component_layout's meta-embedding. The start is scaled
//     to max |coordinate| 10, jittered with N(0, 10⁻⁴) noise and rescaled to
//     [0, 10] per dimension.
//   - Stochastic gradient descent (optimize_layout_euclidean): each edge is
//     sampled every max(w)/w epochs with (n − next)/period negative samples
//     at rate NegativeSampleRate, gradients clipped to ±4, learning rate
//     decaying linearly to 0.
//
// # Deterministic parallel optimisation
//
// umap-learn runs its SGD single-threaded when a seed is given (so that the
// result is reproducible) and as Hogwild (racy, unreproducible) otherwise.
// This package is reproducible AND parallel, with results that depend on the
// seed only, not on the thread count or the scheduling:
//
//   - Edges are grouped by their head vertex (the rows of the symmetric CSR
//     graph). In an epoch, the goroutines take blocks of head vertices; the
//     per-edge sampling state belongs to the head, so no two goroutines share
//     it.
//   - Each vertex is written only while its own edges are processed, and
//     reads of every other vertex come from a snapshot of the layout taken at
//     the start of the epoch. A vertex's own updates compound within the
//     epoch, in the fixed order of its edges, as in the sequential algorithm.
//   - umap-learn moves both ends of a sampled edge (move_other). The graph
//     is symmetric, so (j, k) and (k, j) are due in the same epochs; here
//     vertex j takes both of its pulls, as head of (j, k) and as tail of
//     (k, j), while processing (j, k), and k likewise while processing
//     (k, j). Each vertex gets the same number of attractive and repulsive
//     steps per epoch as in umap-learn.
//   - Negative samples of vertex j in epoch e are drawn from a SplitMix64
//     stream keyed by (seed, e, j).
//
// The difference from the sequential algorithm is that, within an epoch, a
// vertex sees its neighbours where they were at the start of the epoch
// rather than partly updated — the same staleness Hogwild has, but fixed.
// The layout quality (trustworthiness) matches umap-learn's; see the tests
// and bench/RESULTS.md.
//
// Other deliberate differences from umap-learn: the eigensolver is a
// thick-restart Lanczos rather than ARPACK (same operator, start vector and
// tolerance; if it has not converged after 300 restarts its Ritz vectors are
// used rather than falling back to noise); the gradients are computed in
// float32 (umap-learn mixes float32 coordinates with float64 scalars), with
// the power d^(2(b−1)) from polynomial log2 and exp2 to a few 10⁻⁷
// relative error (pow32), d^(2b) as d²·d^(2(b−1)); and a point left without
// any edge (possible only when all its neighbours are at the cosine
// disconnection distance 2) keeps its initial position instead of NaN.
//
// # Speed of the optimisation
//
// Each goroutine turns the due edges and negative samples of its blocks of
// vertices into sequences of steps (a load of the vertex's position, then
// attractions and negative samples against point indices), filling 32
// lanes one after another in runs of 256 steps; a vertex cut off at the
// end of a run goes on in the same lane in the next run. sgdKernel runs the
// lanes side by side (sgdkernel_amd64.s): with AVX-512 16 lanes per
// instruction (with a loop for 2-d layouts that keeps both coordinates in
// registers), with AVX2 8, the groups interleaved so that the processor
// overlaps their dependency chains (each step of a vertex waits on the
// previous one), the other points gathered from the snapshot. The portable
// kernel performs the same float32 operations in the same order, without
// fused multiply-adds, so every processor gives the same bits
// (TestSGDKernel). Which edges are due is found from each edge's
// epoch_of_next_sample, eight edges at a time with AVX-512; an edge keeps
// 16 bytes of schedule, its sampling periods being recomputed from its
// weight when it is due. Negative samples take two indices from each
// 64-bit random number, drawn 16 at a time with AVX-512. Renumbering the
// vertices so that graph neighbours sit close in memory was measured and
// did not pay: at a million points the negative samples, uniform over all
// points, make most of the memory traffic, and the gathers overlap it.
//
// Random streams are Go's, not NumPy's, so layouts are not bit-identical to
// umap-learn's; the deterministic parts (a, b, σ, ρ, the fuzzy graph, the
// spectral initialisation up to sign) agree with it to float32 precision.
package umap
