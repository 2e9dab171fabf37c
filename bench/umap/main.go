// Command umap-bench lays out a float32 .npy matrix with motif's kNN graph
// and UMAP, with the reference notebook's parameters by default, and writes
// the layout as a float32 .npy file. It is the motif side of bench.py, which
// times it against umap-learn.
//
//	go run ./bench/umap -in X.npy -out layout.npy
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"motif/internal/knn"
	"motif/internal/tabular"
	"motif/internal/umap"
)

func main() {
	in := flag.String("in", "", "input .npy file: float32, C order, shape (n, dim)")
	out := flag.String("out", "", "output .npy file for the float32 (n, 2) layout (optional)")
	k := flag.Int("k", 20, "n_neighbors, the point itself included")
	metric := flag.String("metric", "cosine", "euclidean or cosine")
	minDist := flag.Float64("min-dist", 0, "min_dist")
	seed := flag.Int64("seed", 42, "random seed")
	threads := flag.Int("threads", 0, "goroutines (0 = all cores)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "umap-bench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "umap-bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*in, *out, *k, *metric, *minDist, *seed, *threads); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "umap-bench:", err)
		os.Exit(1)
	}
}

func run(in, out string, k int, metric string, minDist float64, seed int64, threads int) error {
	m, err := knn.ParseMetric(metric)
	if err != nil {
		return err
	}
	t0 := time.Now()
	data, n, dim, err := tabular.ReadNPY(in)
	if err != nil {
		return err
	}
	load := time.Since(t0)
	// A phase runs from the end of the previous one to its last
	// done == total report; its wall time is phase_s, its CPU time (user +
	// system, all threads) phase_cpu_s.
	phases := map[string]float64{}
	current, phaseStart, lastEnd := "", time.Now(), time.Now()
	cpuStart, cpuEnd := cpuSeconds(), cpuSeconds()
	opts := umap.Options{
		NNeighbors: k, Metric: m, MinDist: minDist, Spread: 1, Seed: seed, Threads: threads,
		Progress: func(phase string, done, total int) {
			if phase != current {
				current, phaseStart, cpuStart = phase, lastEnd, cpuEnd
			}
			if done == total {
				lastEnd, cpuEnd = time.Now(), cpuSeconds()
				phases[phase+"_s"] = lastEnd.Sub(phaseStart).Seconds()
				phases[phase+"_cpu_s"] = cpuEnd - cpuStart
			}
		},
	}
	t1 := time.Now()
	res, err := umap.Fit(context.Background(), data, n, dim, opts)
	if err != nil {
		return err
	}
	fit := time.Since(t1)
	if out != "" {
		if err := tabular.WriteNPY(out, res.Embedding, n, res.Dim); err != nil {
			return err
		}
	}
	report := map[string]any{
		"n": n, "dim": dim, "k": k, "metric": m.String(), "min_dist": minDist,
		"load_s": load.Seconds(), "fit_s": fit.Seconds(), "epochs": res.NEpochs,
		"edges": res.Edges, "components": res.Components, "init": res.Init,
	}
	for p, s := range phases {
		report[p] = s
	}
	return json.NewEncoder(os.Stdout).Encode(report)
}

// cpuSeconds returns the process's user + system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
