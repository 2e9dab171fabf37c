package pipeline

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motif/internal/catalog"
	"motif/internal/hdbscan"
	"motif/internal/tabular"
)

// ClusterOptions say what to cluster and how.
type ClusterOptions struct {
	Set string // embedding set name; default: the newest (or the layout run's)
	// On is what to cluster: "layout" (the newest 2-D map of the set, as the
	// notebook does), "layout:RUN" (a given map run, of any dimension) or
	// "embedding" (the vectors themselves).
	On string
	// Metric is "euclidean" or "cosine"; "" means euclidean on layouts and
	// cosine on embeddings.
	Metric  string
	HDBSCAN hdbscan.Options
	// Reuse returns the newest finished cluster run with the same input and
	// parameters (and a nil *hdbscan.Result) instead of clustering again.
	Reuse    bool
	Progress Progress
}

// clusterInput is the matrix a cluster or sweep run works on.
type clusterInput struct {
	set    catalog.EmbeddingSet
	ids    []string
	data   []float32
	n, dim int
	parent int64 // the layout run, or 0 for embeddings
	on     string
	metric hdbscan.Metric
}

func loadClusterInput(ctx context.Context, p *Project, setName, on, metric string) (*clusterInput, error) {
	in := &clusterInput{on: on}
	switch {
	case on == "" || on == "layout":
		in.on = "layout"
		set, err := p.Set(ctx, setName)
		if err != nil {
			return nil, err
		}
		run, err := latest2D(ctx, p, set.ID)
		if err != nil {
			return nil, fmt.Errorf("embedding set %q has no finished 2-D map yet: run `motif map` first, or cluster with --on embedding: %w", set.Name, err)
		}
		if err := in.fromLayout(ctx, p, run); err != nil {
			return nil, err
		}
	case strings.HasPrefix(on, "layout:"):
		id, err := strconv.ParseInt(strings.TrimPrefix(on, "layout:"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--on %q: want layout:RUN with a map run's number", on)
		}
		run, err := p.Catalog.RunByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if run.Kind != catalog.KindMap || run.Status != catalog.StatusDone {
			return nil, fmt.Errorf("--on %q: run %d is a %s %s run, not a finished map run", on, id, run.Status, run.Kind)
		}
		if err := in.fromLayout(ctx, p, run); err != nil {
			return nil, err
		}
	case on == "embedding":
		set, err := p.Set(ctx, setName)
		if err != nil {
			return nil, err
		}
		emb, err := LoadEmbeddings(ctx, p, set)
		if err != nil {
			return nil, err
		}
		in.set, in.ids, in.data, in.n, in.dim = set, emb.IDs, emb.Vectors.Vectors, set.Rows, set.Dims
	default:
		return nil, fmt.Errorf("--on %q: use layout, layout:RUN or embedding", on)
	}
	switch metric {
	case "":
		in.metric = hdbscan.Euclidean
		if in.on == "embedding" {
			in.metric = hdbscan.Cosine
		}
	case "euclidean":
		in.metric = hdbscan.Euclidean
	case "cosine":
		in.metric = hdbscan.Cosine
	default:
		return nil, fmt.Errorf("--metric %q: use euclidean or cosine", metric)
	}
	return in, nil
}

func (in *clusterInput) fromLayout(ctx context.Context, p *Project, run catalog.Run) error {
	set, err := p.Catalog.EmbeddingSetByID(ctx, run.EmbeddingSet)
	if err != nil {
		return err
	}
	l, err := LoadLayout(p, run)
	if err != nil {
		return err
	}
	emb, err := LoadEmbeddings(ctx, p, set)
	if err != nil {
		return err
	}
	if len(l.Coords) != set.Rows*l.Dim {
		return fmt.Errorf("layout of run %d has %d rows but its set has %d", run.ID, len(l.Coords)/l.Dim, set.Rows)
	}
	in.set, in.ids, in.data, in.n, in.dim, in.parent = set, emb.IDs, l.Coords, set.Rows, l.Dim, run.ID
	return nil
}

func (in *clusterInput) params(o hdbscan.Options) map[string]any {
	return map[string]any{
		"set": in.set.Name, "on": in.on, "metric": metricName(in.metric),
		"min_cluster_size": o.MinClusterSize, "min_samples": o.MinSamples,
		"selection": o.Selection.String(), "epsilon": o.Epsilon, "alpha": o.Alpha,
		"allow_single_cluster": o.AllowSingleCluster, "max_cluster_size": o.MaxClusterSize,
	}
}

func metricName(m hdbscan.Metric) string {
	if m == hdbscan.Cosine {
		return "cosine"
	}
	return "euclidean"
}

// Cluster runs HDBSCAN and records the run (unless opts.Reuse finds it
// done already, when the result is nil): runs/<id>/clusters.parquet (id,
// cluster, probability, outlier_score per row) and the per-cluster table
// (size, persistence, exemplars) in the catalog.
func Cluster(ctx context.Context, p *Project, opts ClusterOptions) (catalog.Run, *hdbscan.Result, error) {
	opts.Progress.report("load", 0, 0)
	in, err := loadClusterInput(ctx, p, opts.Set, opts.On, opts.Metric)
	if err != nil {
		return catalog.Run{}, nil, err
	}
	h := opts.HDBSCAN
	h.Metric = in.metric
	h.Progress = opts.Progress
	if opts.Reuse {
		if run, ok := findDone(ctx, p, catalog.KindCluster, in.set.ID, in.parent, in.params(h)); ok {
			return run, nil, nil
		}
	}
	var res *hdbscan.Result
	run, err := runStage(ctx, p, catalog.Run{Kind: catalog.KindCluster, EmbeddingSet: in.set.ID, Parent: in.parent, Params: in.params(h)},
		func(run catalog.Run) (map[string]any, error) {
			start := time.Now()
			res, err = hdbscan.Cluster(ctx, in.data, in.n, in.dim, h)
			if err != nil {
				return nil, err
			}
			if err := writeClusters(p, run, in.ids, res); err != nil {
				return nil, err
			}
			return clusterMetrics(res, time.Since(start)), nil
		})
	return run, res, err
}

func clusterMetrics(res *hdbscan.Result, took time.Duration) map[string]any {
	noise := 0
	for _, l := range res.Labels {
		if l < 0 {
			noise++
		}
	}
	mean := 0.0
	for _, c := range res.Clusters {
		mean += c.Persistence
	}
	if len(res.Clusters) > 0 {
		mean /= float64(len(res.Clusters))
	}
	return map[string]any{
		"seconds": took.Seconds(), "clusters": len(res.Clusters),
		"noise_fraction":    float64(noise) / float64(max(len(res.Labels), 1)),
		"mean_persistence":  mean,
		"relative_validity": res.RelativeValidity,
	}
}

func writeClusters(p *Project, run catalog.Run, ids []string, res *hdbscan.Result) error {
	n := len(res.Labels)
	labels := make([]int64, n)
	for i, l := range res.Labels {
		labels[i] = int64(l)
	}
	t := &tabular.Table{Rows: n, Columns: []*tabular.Column{
		{Name: ColID, Type: tabular.String, Strings: ids},
		{Name: "cluster", Type: tabular.Int64, Ints: labels},
		{Name: "probability", Type: tabular.Float64, Floats: res.Probabilities},
		{Name: "outlier_score", Type: tabular.Float64, Floats: res.OutlierScores},
	}}
	if err := tabular.WriteParquet(p.Path(run.Dir+"/"+ClustersFile), t); err != nil {
		return err
	}
	cs := make([]catalog.Cluster, len(res.Clusters))
	for i, c := range res.Clusters {
		ex := make([]int, len(c.Exemplars))
		for j, e := range c.Exemplars {
			ex[j] = int(e)
		}
		cs[i] = catalog.Cluster{Label: i, Size: c.Size, Persistence: c.Persistence, Exemplars: ex}
	}
	return p.Catalog.PutClusters(context.Background(), run.ID, cs)
}
