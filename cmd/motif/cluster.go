package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"

	"motif/internal/hdbscan"
	"motif/internal/pipeline"
)

// hdbscanFlags registers the HDBSCAN flags shared by cluster and sweep.
type hdbscanFlags struct {
	set, on, metric, selection, mst string
	opts                            hdbscan.Options
}

func (h *hdbscanFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&h.set, "set", "", "embedding set `name` (default: the newest)")
	fs.StringVar(&h.on, "on", "layout", "what to cluster: layout (the newest 2-D map), layout:RUN (a map run, any dimension) or embedding")
	fs.StringVar(&h.metric, "metric", "", "euclidean or cosine (default: euclidean on layouts, cosine on embeddings)")
	fs.StringVar(&h.selection, "selection", "eom", "cluster selection: eom (excess of mass) or leaf")
	fs.Float64Var(&h.opts.Epsilon, "epsilon", 0, "cluster_selection_epsilon: merge clusters born below this `distance`")
	fs.Float64Var(&h.opts.Alpha, "alpha", 1, "divide distances by `alpha` in mutual reachability")
	fs.BoolVar(&h.opts.AllowSingleCluster, "allow-single-cluster", false, "let EOM select one cluster of everything")
	fs.IntVar(&h.opts.MaxClusterSize, "max-cluster-size", 0, "never select clusters larger than `N` points (0: no limit)")
	fs.StringVar(&h.mst, "mst", "auto", "spanning tree: exact, knn (fast, approximate; for raw embeddings) or auto")
	fs.IntVar(&h.opts.Threads, "threads", 0, "worker `goroutines` (0: all cores)")
}

func (h *hdbscanFlags) resolve() error {
	var err error
	if h.opts.Selection, err = hdbscan.ParseSelection(h.selection); err != nil {
		return usagef("--selection: %v", err)
	}
	if h.opts.MST, err = hdbscan.ParseMSTMethod(h.mst); err != nil {
		return usagef("--mst: %v", err)
	}
	if h.metric != "" && h.metric != "euclidean" && h.metric != "cosine" {
		return usagef("--metric %q: use euclidean or cosine", h.metric)
	}
	return nil
}

func init() {
	register(&command{
		name:  "cluster",
		args:  "",
		short: "group the map (or the embeddings) into clusters with HDBSCAN",
		long: `Runs HDBSCAN with the semantics of scikit-learn-contrib/hdbscan 0.8 on the
newest 2-D map (as the notebook does), on a chosen map run, or on the
embeddings themselves. Writes runs/<id>/clusters.parquet (id, cluster,
probability, outlier_score; cluster -1 is noise) and the cluster table (size,
persistence, exemplars) into the catalog, and prints that table.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var h hdbscanFlags
			h.register(fs)
			fs.IntVar(&h.opts.MinClusterSize, "min-cluster-size", 5, "smallest `N` points that count as a cluster")
			fs.IntVar(&h.opts.MinSamples, "min-samples", 5, "`neighbours` (excluding the point) that set its core distance; 0: the min cluster size")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("cluster takes no arguments, got %q", args)
				}
				if err := h.resolve(); err != nil {
					return err
				}
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				run, res, err := pipeline.Cluster(ctx, p, pipeline.ClusterOptions{
					Set: h.set, On: h.on, Metric: h.metric, HDBSCAN: h.opts, Progress: g.progress.fn(),
				})
				if err != nil {
					return err
				}
				g.progress.finish()
				g.log.Info("clustered", "run", run.ID, "clusters", len(res.Clusters), "noise_fraction", run.Metrics["noise_fraction"])
				printClusters(g.stdout, run.ID, res)
				return nil
			}
		},
	})
}

func printClusters(w io.Writer, run int64, res *hdbscan.Result) {
	noise := 0
	for _, l := range res.Labels {
		if l < 0 {
			noise++
		}
	}
	fmt.Fprintf(w, "run %d: %d clusters, %d of %d points noise (%.1f%%), relative validity %.4f\n",
		run, len(res.Clusters), noise, len(res.Labels), 100*float64(noise)/float64(max(len(res.Labels), 1)), res.RelativeValidity)
	order := make([]int, len(res.Clusters))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return res.Clusters[order[a]].Size > res.Clusters[order[b]].Size })
	fmt.Fprintf(w, "%8s %8s %12s\n", "cluster", "size", "persistence")
	for i, c := range order {
		if i == 20 {
			fmt.Fprintf(w, "… and %d smaller clusters\n", len(order)-20)
			break
		}
		fmt.Fprintf(w, "%8d %8d %12.4f\n", c, res.Clusters[c].Size, res.Clusters[c].Persistence)
	}
}
