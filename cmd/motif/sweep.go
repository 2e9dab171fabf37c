package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"motif/internal/pipeline"
)

func init() {
	register(&command{
		name:  "sweep",
		args:  "",
		short: "run HDBSCAN over a range of settings and recommend one",
		long: `The reference notebook's parameter sweep, reusing the single-linkage tree
across min_cluster_size: for every setting, the number of clusters, the noise
share, the mean cluster persistence, the silhouette (on clustered points, a
sample of --silhouette-sample drawn with --seed) and the relative validity.
Prints the table, writes runs/<id>/sweep.csv and a chart, sweep.svg, and
recommends a setting with the rule that chose it.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var h hdbscanFlags
			h.register(fs)
			sizes := fs.String("min-cluster-size", "2:200:5", "min_cluster_size `values`: A:B:STEP (B excluded, as Python's range), or a list")
			samples := fs.String("min-samples", "5", "min_samples `values`, as --min-cluster-size")
			silSample := fs.Int("silhouette-sample", 20000, "clustered `points` the silhouette is computed on (0 or less: all)")
			seed := fs.Int64("seed", 42, "random `seed` for the silhouette sample")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("sweep takes no arguments, got %q", args)
				}
				if err := h.resolve(); err != nil {
					return err
				}
				mcs, err := pipeline.ParseIntRange(*sizes)
				if err != nil {
					return usagef("--min-cluster-size %v", err)
				}
				ms, err := pipeline.ParseIntRange(*samples)
				if err != nil {
					return usagef("--min-samples %v", err)
				}
				sample := *silSample
				if sample <= 0 {
					sample = -1
				}
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				res, err := pipeline.Sweep(ctx, p, pipeline.SweepOptions{
					Set: h.set, On: h.on, Metric: h.metric, MinClusterSizes: mcs, MinSamples: ms,
					HDBSCAN: h.opts, SilhouetteSample: sample, SilhouetteSeed: *seed, Progress: g.progress.fn(),
				})
				if err != nil {
					return err
				}
				g.progress.finish()
				printSweep(g.stdout, res)
				fmt.Fprintf(g.stdout, "table: %s\nchart: %s\n",
					filepath.Join(p.Dir, res.Run.Dir, pipeline.SweepFile), filepath.Join(p.Dir, res.Run.Dir, pipeline.SweepChart))
				return nil
			}
		},
	})
}

func printSweep(w io.Writer, res pipeline.SweepResult) {
	fmt.Fprintf(w, "%6s %6s %9s %8s %12s %11s %10s\n", "mcs", "ms", "clusters", "noise%", "persistence", "silhouette", "validity")
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "-"
		}
		return fmt.Sprintf("%.4f", v)
	}
	for i, r := range res.Rows {
		mark := ""
		if i == res.Recommended {
			mark = "  <- recommended"
		}
		fmt.Fprintf(w, "%6d %6d %9d %8.1f %12s %11s %10s%s\n", r.MinClusterSize, r.MinSamples, r.Clusters,
			100*r.NoiseFraction, f(r.MeanPersistence), f(r.Silhouette), f(r.RelativeValidity), mark)
	}
	if res.Recommended >= 0 {
		r := res.Rows[res.Recommended]
		fmt.Fprintf(w, "recommended: --min-cluster-size %d --min-samples %d (%s)\n", r.MinClusterSize, r.MinSamples, res.Rule)
	} else {
		fmt.Fprintf(w, "no recommendation: %s\n", res.Rule)
	}
}
