package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"motif/internal/embed"
	"motif/internal/hdbscan"
	"motif/internal/pipeline"
)

func init() {
	register(&command{
		name:  "run",
		args:  "FILE",
		short: "posts or embeddings → map → sweep → cluster in one command, skipping what is done",
		long: `Chains the stages. With --model, FILE is a posts export (CSV, JSONL or
Parquet): its posts are ingested, their images fetched and embedded with the
model. Without it, FILE holds embeddings (the notebook's Parquet, CSV, JSONL
or .npy) and is imported (or the set already imported from it reused). Then
run maps the set with the UMAP flags (the notebook's defaults) and clusters
the map — with --min-cluster-size, or, when it is 0, with the setting a
sweep over --sweep recommends. A stage whose result the project already has with the
same parameters is skipped, so an interrupted run is resumed by running the
same command again.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var u umapFlags
			u.register(fs)
			var o pipeline.RunOptions
			fs.StringVar(&o.Import.EmbeddingColumn, "embedding-column", "", "`column` holding the vectors")
			fs.StringVar(&o.Import.IDColumn, "id-column", "", "`column` holding unique row ids")
			fs.StringVar(&o.Import.FilenameColumn, "filename-column", "", "`column` of image file names for --images")
			fs.StringVar(&o.Import.ImagesDir, "images", "", "`directory` where the file name column's images are")
			fs.StringVar(&o.Import.MetadataPath, "metadata", "", "for a .npy input: a metadata `file` with one row per vector")
			fs.StringVar(&o.Import.Name, "name", "", "embedding set `name` (default: the file's base name)")
			fs.IntVar(&o.Cluster.HDBSCAN.MinClusterSize, "min-cluster-size", 0, "HDBSCAN min_cluster_size (0: sweep and use the recommended one)")
			fs.IntVar(&o.Cluster.HDBSCAN.MinSamples, "min-samples", 5, "HDBSCAN min_samples")
			var posts pipeline.PostsOptions
			var pooling string
			fs.StringVar(&posts.Embed.Model.Model, "model", "", "ONNX image model `file`: FILE is then a posts export, ingested, fetched and embedded")
			fs.StringVar(&posts.Embed.Model.Library, "ort-lib", "", "ONNX Runtime shared library `file` (default: $MOTIF_ORT_LIB, then standard locations)")
			fs.StringVar(&posts.Embed.Model.Device, "device", "cpu", "cpu or cuda, for the model")
			fs.StringVar(&pooling, "pooling", "auto", "token pooling for the model: auto, cls, mean or cls+mean")
			fs.IntVar(&posts.Embed.Batch, "batch", 32, "pictures per model run")
			fs.StringVar(&posts.Ingest.Mapping.URL, "url-column", "", "posts: `column` of image URLs (default: guessed)")
			fs.StringVar(&posts.Ingest.Mapping.Text, "text-column", "", "posts: `column` of post text (default: guessed)")
			fs.StringVar(&posts.Ingest.Mapping.Time, "time-column", "", "posts: `column` of post times (default: guessed)")
			fs.StringVar(&posts.Ingest.Mapping.Author, "author-column", "", "posts: `column` of authors (default: guessed)")
			fs.BoolVar(&posts.Fetch.HTTP.AllowPrivate, "allow-private", false, "fetch: allow loopback, private and link-local addresses (local testing)")
			fs.IntVar(&posts.Fetch.HTTP.Concurrency, "concurrency", 16, "fetch: downloads in flight at once")
			fs.IntVar(&posts.Fetch.HTTP.PerHost, "per-host", 4, "fetch: downloads in flight to one host")
			selection := fs.String("selection", "eom", "cluster selection: eom or leaf")
			sweep := fs.String("sweep", "2:200:5", "min_cluster_size `values` to sweep when --min-cluster-size is 0")
			return func(ctx context.Context, args []string) error {
				if len(args) != 1 {
					return usagef("run takes one FILE, got %d arguments", len(args))
				}
				var err error
				if o.Map.UMAP, err = u.resolve(); err != nil {
					return err
				}
				if o.Cluster.HDBSCAN.Selection, err = hdbscan.ParseSelection(*selection); err != nil {
					return usagef("--selection: %v", err)
				}
				if o.Sweep.MinClusterSizes, err = pipeline.ParseIntRange(*sweep); err != nil {
					return usagef("--sweep %v", err)
				}
				o.Sweep.MinSamples = []int{o.Cluster.HDBSCAN.MinSamples}
				o.Sweep.HDBSCAN.Selection = o.Cluster.HDBSCAN.Selection
				o.Sweep.SilhouetteSeed = u.opts.Seed
				o.Import.Path = args[0]
				if posts.Embed.Model.Model != "" {
					if o.Import.ImagesDir != "" || o.Import.MetadataPath != "" || o.Import.EmbeddingColumn != "" {
						return usagef("--model makes FILE a posts export; --images, --metadata and --embedding-column are for embedding files")
					}
					if posts.Embed.Model.Pooling, err = embed.ParsePooling(pooling); err != nil {
						return usagef("--pooling: %v", err)
					}
					posts.Ingest.Path = args[0]
					posts.Ingest.Mapping.ID = o.Import.IDColumn
					posts.Embed.Name = o.Import.Name
					posts.Embed.Model.Threads = u.opts.Threads
					o.Posts = &posts
				}
				o.Progress = g.progress.fn()
				p, err := g.createProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				res, err := pipeline.Run(ctx, p, o)
				if err != nil {
					return err
				}
				g.progress.finish()
				if res.Sweep != nil {
					printSweep(g.stdout, *res.Sweep)
				}
				if len(res.Reused) > 0 {
					fmt.Fprintf(g.stdout, "reused: %s\n", strings.Join(res.Reused, ", "))
				}
				fmt.Fprintf(g.stdout, "set %q: map run %d, cluster run %d (%v clusters, %.1f%% noise)\n",
					res.Set.Name, res.Map.ID, res.Cluster.ID, res.Cluster.Metrics["clusters"], 100*asFloat(res.Cluster.Metrics["noise_fraction"]))
				fmt.Fprintf(g.stdout, "layout: %s\nclusters: %s\n",
					filepath.Join(p.Dir, res.Map.Dir, pipeline.LayoutFile), filepath.Join(p.Dir, res.Cluster.Dir, pipeline.ClustersFile))
				return nil
			}
		},
	})
}

func asFloat(v any) float64 {
	f, _ := v.(float64)
	return f
}
