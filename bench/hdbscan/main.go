// Command hdbscan-bench times motif's HDBSCAN as a whole process, for
// side-by-side comparison with scikit-learn-contrib/hdbscan (bench.py); see
// run.sh.
//
//	go run ./bench/hdbscan cluster -in layout.f32            # one clustering
//	go run ./bench/hdbscan sweep -in layout.f32              # the notebook's sweep
//	go run ./bench/hdbscan cosine -n 40000 -dim 1280         # kNN vs exact MST
//
// Input files are raw little-endian float32, -dim values per point.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"motif/internal/hdbscan"
	"motif/internal/quality"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hdbscan-bench cluster|sweep|cosine [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "cluster":
		err = runCluster(os.Args[2:])
	case "sweep":
		err = runSweep(os.Args[2:])
	case "cosine":
		err = runCosine(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q; use cluster, sweep or cosine", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hdbscan-bench:", err)
		os.Exit(1)
	}
}

func readF32(path string, dim int) ([]float32, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if len(b)%(4*dim) != 0 {
		return nil, 0, fmt.Errorf("%s: %d bytes is not a whole number of %d-float32 rows", path, len(b), dim)
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x, len(x) / dim, nil
}

func emit(v any) error {
	return json.NewEncoder(os.Stdout).Encode(v)
}

func runCluster(args []string) error {
	fs := flag.NewFlagSet("cluster", flag.ExitOnError)
	in := fs.String("in", "", "raw float32 input")
	dim := fs.Int("dim", 2, "values per point")
	mcs := fs.Int("mcs", 177, "min_cluster_size")
	ms := fs.Int("ms", 5, "min_samples")
	labels := fs.String("labels", "", "write labels, one per line, to this file")
	fs.Parse(args)
	data, n, err := readF32(*in, *dim)
	if err != nil {
		return err
	}
	t0 := time.Now()
	res, err := hdbscan.Cluster(context.Background(), data, n, *dim, hdbscan.Options{MinClusterSize: *mcs, MinSamples: *ms})
	if err != nil {
		return err
	}
	el := time.Since(t0)
	noise := 0
	for _, l := range res.Labels {
		if l < 0 {
			noise++
		}
	}
	if *labels != "" {
		f, err := os.Create(*labels)
		if err != nil {
			return err
		}
		for _, l := range res.Labels {
			fmt.Fprintln(f, l)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return emit(map[string]any{"n": n, "clusters": len(res.Clusters), "noise": noise,
		"mst_weight": res.MSTWeight, "relative_validity": res.RelativeValidity, "cluster_s": el.Seconds()})
}

func runSweep(args []string) error {
	fs := flag.NewFlagSet("sweep", flag.ExitOnError)
	in := fs.String("in", "", "raw float32 input")
	dim := fs.Int("dim", 2, "values per point")
	ms := fs.Int("ms", 5, "min_samples")
	sample := fs.Int("silhouette", 20000, "silhouette sample size on clustered points (0: skip)")
	f32 := fs.Bool("float32", true, "silhouette with float32 SIMD distances, the pipeline's setting (false: the exact float64 path)")
	fs.Parse(args)
	data, n, err := readF32(*in, *dim)
	if err != nil {
		return err
	}
	var sizes []int
	for m := 2; m < 200; m += 5 {
		sizes = append(sizes, m)
	}
	t0 := time.Now()
	rows, err := hdbscan.Sweep(context.Background(), data, n, *dim, sizes, []int{*ms}, hdbscan.Options{})
	if err != nil {
		return err
	}
	tSweep := time.Since(t0)
	type out struct {
		MCS        int     `json:"min_cluster_size"`
		Clusters   int     `json:"clusters"`
		Noise      float64 `json:"noise_fraction"`
		Persist    float64 `json:"mean_persistence"`
		Silhouette float64 `json:"silhouette"`
	}
	var table []out
	for _, r := range rows {
		o := out{MCS: r.MinClusterSize, Clusters: r.Clusters, Noise: r.NoiseFraction, Persist: r.MeanPersistence, Silhouette: math.NaN()}
		if *sample > 0 && r.Clusters >= 2 {
			// Silhouette of the clustered points, sampled as the notebook's
			// silhouette_score(..., sample_size=20000).
			var sub []float32
			var lab []int32
			for i, l := range r.Labels {
				if l >= 0 {
					sub = append(sub, data[i*(*dim):(i+1)*(*dim)]...)
					lab = append(lab, l)
				}
			}
			s, err := quality.Silhouette(context.Background(), sub, len(lab), *dim, lab, quality.Euclidean,
				quality.SilhouetteOptions{SampleSize: *sample, Seed: 42, Float32: *f32})
			if err != nil {
				return err
			}
			o.Silhouette = s
		}
		table = append(table, o)
	}
	el := time.Since(t0)
	for i := range table {
		if math.IsNaN(table[i].Silhouette) {
			table[i].Silhouette = -2 // JSON has no NaN: -2 marks "not computed"
		}
	}
	return emit(map[string]any{"n": n, "settings": len(rows), "sweep_s": tSweep.Seconds(), "total_s": el.Seconds(), "rows": table})
}

// runCosine clusters synthetic high-dimensional embeddings (Gaussian
// clusters around random directions, plus background) under the cosine
// metric with the kNN and the exact minimum spanning tree.
func runCosine(args []string) error {
	fs := flag.NewFlagSet("cosine", flag.ExitOnError)
	n := fs.Int("n", 40000, "points")
	dim := fs.Int("dim", 1280, "dimensions")
	k := fs.Int("clusters", 60, "clusters in the synthetic data")
	mcs := fs.Int("mcs", 50, "min_cluster_size")
	ms := fs.Int("ms", 5, "min_samples")
	exact := fs.Bool("exact", true, "also run the exact MST and compare")
	fs.Parse(args)
	r := rand.New(rand.NewPCG(1, 2))
	centres := make([]float32, *k**dim)
	for i := range centres {
		centres[i] = float32(r.NormFloat64())
	}
	data := make([]float32, *n**dim)
	truth := make([]int32, *n)
	for i := range *n {
		c := r.IntN(*k + 1)
		spread := 0.6 + 0.8*r.Float64()
		row := data[i**dim : (i+1)**dim]
		for d := range row {
			if c == *k { // background
				row[d] = float32(r.NormFloat64() * 1.5)
			} else {
				row[d] = centres[c**dim+d] + float32(r.NormFloat64()*spread)
			}
		}
		truth[i] = int32(c)
		if c == *k {
			truth[i] = -1
		}
	}
	report := map[string]any{"n": *n, "dim": *dim}
	t0 := time.Now()
	approx, err := hdbscan.Cluster(context.Background(), data, *n, *dim, hdbscan.Options{MinClusterSize: *mcs, MinSamples: *ms, Metric: hdbscan.Cosine, MST: hdbscan.KNN})
	if err != nil {
		return err
	}
	report["knn_s"] = time.Since(t0).Seconds()
	report["knn_clusters"] = len(approx.Clusters)
	report["knn_mst_weight"] = approx.MSTWeight
	report["knn_ari_truth"] = quality.AdjustedRand(approx.Labels, truth)
	if *exact {
		t0 = time.Now()
		ex, err := hdbscan.Cluster(context.Background(), data, *n, *dim, hdbscan.Options{MinClusterSize: *mcs, MinSamples: *ms, Metric: hdbscan.Cosine, MST: hdbscan.Exact})
		if err != nil {
			return err
		}
		report["exact_s"] = time.Since(t0).Seconds()
		report["exact_clusters"] = len(ex.Clusters)
		report["exact_mst_weight"] = ex.MSTWeight
		report["exact_ari_truth"] = quality.AdjustedRand(ex.Labels, truth)
		report["knn_vs_exact_ari"] = quality.AdjustedRand(approx.Labels, ex.Labels)
	}
	return emit(report)
}
