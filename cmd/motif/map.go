package main

import (
	"context"
	"flag"
	"fmt"

	"motif/internal/knn"
	"motif/internal/pipeline"
	"motif/internal/umap"
)

// umapFlags registers the UMAP flags, with the reference notebook's values
// as defaults.
type umapFlags struct {
	metric, init string
	mixRatio     float64
	opts         umap.Options
}

func (u *umapFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&u.opts.NNeighbors, "neighbors", 20, "neighbourhood size `k`, counting the point itself (n_neighbors)")
	fs.Float64Var(&u.opts.MinDist, "min-dist", 0, "smallest `distance` between points of the map (min_dist)")
	fs.Float64Var(&u.opts.Spread, "spread", 1, "scale of the map (spread)")
	fs.StringVar(&u.metric, "metric", "cosine", "input distance: cosine or euclidean")
	fs.IntVar(&u.opts.NComponents, "dims", 2, "layout `dimensions`: 2 for the map, 5–10 for a clustering layout")
	fs.Int64Var(&u.opts.Seed, "seed", 42, "random `seed`; the same seed and thread count give identical layouts")
	fs.IntVar(&u.opts.NEpochs, "epochs", 0, "optimisation epochs (0: 500 up to 10,000 points, else 200)")
	fs.Float64Var(&u.opts.LearningRate, "learning-rate", 1, "initial SGD step")
	fs.Float64Var(&u.opts.NegativeSampleRate, "negative-sample-rate", 5, "negative samples per positive sample")
	fs.Float64Var(&u.opts.LocalConnectivity, "local-connectivity", 1, "neighbours assumed fully connected")
	fs.Float64Var(&u.mixRatio, "set-op-mix-ratio", 1, "1: fuzzy union, 0: fuzzy intersection, or in between")
	fs.StringVar(&u.init, "init", "spectral", "initial layout: spectral or random")
	fs.IntVar(&u.opts.Threads, "threads", 0, "worker `goroutines` (0: all cores)")
}

func (u *umapFlags) resolve() (umap.Options, error) {
	o := u.opts
	var err error
	if o.Metric, err = knn.ParseMetric(u.metric); err != nil {
		return o, usagef("--metric: %v", err)
	}
	switch u.init {
	case "spectral":
		o.Init = umap.InitSpectral
	case "random":
		o.Init = umap.InitRandom
	default:
		return o, usagef("--init %q: use spectral or random", u.init)
	}
	switch {
	case u.mixRatio < 0 || u.mixRatio > 1:
		return o, usagef("--set-op-mix-ratio %g: must be between 0 and 1", u.mixRatio)
	case u.mixRatio == 0:
		o.SetOpMixRatio = -1 // umap.Options: negative asks for the pure intersection
	default:
		o.SetOpMixRatio = u.mixRatio
	}
	if o.NNeighbors < 2 {
		return o, usagef("--neighbors %d: must be at least 2", o.NNeighbors)
	}
	if o.NComponents < 1 {
		return o, usagef("--dims %d: must be at least 1", o.NComponents)
	}
	return o, nil
}

func init() {
	register(&command{
		name:  "map",
		args:  "",
		short: "lay out an embedding set with UMAP (the map, or a clustering layout)",
		long: `Computes the k-nearest-neighbour graph (exact below 4,096 points, NN-descent
above) and the UMAP layout with the semantics of umap-learn 0.5, on all
cores, reproducibly. The defaults are the reference notebook's. Writes
runs/<id>/layout.parquet (id, x, y; x0…xN with --dims N) and records the run
with its parameters. Ctrl-C stops it without leaving a broken run.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var u umapFlags
			u.register(fs)
			set := fs.String("set", "", "embedding set `name` (default: the newest)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("map takes no arguments, got %q", args)
				}
				o, err := u.resolve()
				if err != nil {
					return err
				}
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				run, err := pipeline.Map(ctx, p, pipeline.MapOptions{Set: *set, UMAP: o, Progress: g.progress.fn()})
				if err != nil {
					return err
				}
				g.progress.finish()
				g.log.Info("mapped", "run", run.ID, "seconds", run.Metrics["seconds"])
				fmt.Fprintf(g.stdout, "run %d: %d-D layout in %s/%s/%s (%.1f s)\n", run.ID, o.NComponents, p.Dir, run.Dir, pipeline.LayoutFile, run.Metrics["seconds"])
				return nil
			}
		},
	})
}
