// Package quality scores clusterings and embeddings: the silhouette
// coefficient, adjusted Rand index, adjusted and normalised mutual
// information, trustworthiness and k-nearest-neighbour recall of a
// low-dimensional layout, and the density-based clustering validation index
// (DBCV).
//
// Every score follows a reference implementation, cited in its doc comment,
// and is checked against that implementation's outputs: scikit-learn 1.2 for
// silhouette, ARI, AMI, NMI and trustworthiness, and
// scikit-learn-contrib/hdbscan 0.8 for DBCV.
//
// Data is flat row-major []float32 with an explicit number of points n and
// dimension dim; all arithmetic is carried out in float64, which makes the
// scores agree with the references to about 1e-15, unless an Options struct's
// Float32 field asks for motif's float32 SIMD distance kernels (several times
// faster on high-dimensional embeddings, agreeing to about 1e-6). Labels are int32;
// HDBSCAN's noise label −1 is an ordinary label to the functions here unless a
// doc comment says otherwise. Drop noise first with [WithoutNoise] when it
// should not count.
package quality
