package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"motif/internal/pipeline"
	"motif/internal/server"
)

func init() {
	register(&command{
		name:  "demo",
		args:  "",
		short: "build a demo project from the bundled Fashion-MNIST images and run the whole pipeline",
		long: `Writes 5,000 bundled Fashion-MNIST images (MIT-licensed) as PNG files and their
pixels as embeddings in the notebook's Parquet format, imports them, maps
them with the notebook's UMAP parameters, sweeps HDBSCAN's min_cluster_size,
clusters with the recommended setting, compares the clusters with the true
categories, exports export.csv and serves the explorer (unless --no-serve).
The project goes to ./motif-demo unless --project or $MOTIF_PROJECT says
otherwise; rerunning reuses what is done.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			noServe := fs.Bool("no-serve", false, "stop after building the project instead of serving the explorer")
			addr := fs.String("addr", "127.0.0.1:8080", "`host:port` the explorer listens on (port 0: any free port)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("demo takes no arguments, got %q", args)
				}
				explicit := os.Getenv("MOTIF_PROJECT") != ""
				fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "project" })
				if !explicit {
					g.project = "motif-demo"
				}
				p, err := g.createProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				res, err := pipeline.Demo(ctx, p, g.progress.fn())
				if err != nil {
					return err
				}
				g.progress.finish()
				w := g.stdout
				abs, _ := filepath.Abs(p.Dir)
				fmt.Fprintf(w, "demo project: %s\n", abs)
				fmt.Fprintf(w, "  embeddings  %d images × %d pixel values (set %q)\n", res.Set.Rows, res.Set.Dims, res.Set.Name)
				fmt.Fprintf(w, "  map         run %d: %s\n", res.Map.ID, filepath.Join(p.Dir, res.Map.Dir, pipeline.LayoutFile))
				fmt.Fprintf(w, "  sweep       run %d: %d settings, %s\n", res.Sweep.Run.ID, len(res.Sweep.Rows), filepath.Join(p.Dir, res.Sweep.Run.Dir, pipeline.SweepChart))
				if res.Sweep.Recommended >= 0 {
					r := res.Sweep.Rows[res.Sweep.Recommended]
					fmt.Fprintf(w, "              recommended min_cluster_size %d (%s)\n", r.MinClusterSize, res.Sweep.Rule)
				}
				fmt.Fprintf(w, "  clusters    run %d: %d clusters, %.1f%% of images clustered\n", res.Cluster.ID, res.NClusters, 100*res.Clustered)
				fmt.Fprintf(w, "  vs. true categories: ARI %.3f, AMI %.3f (all points, noise as a label); ARI %.3f, AMI %.3f (clustered points)\n",
					res.ARI, res.AMI, res.ARIClustered, res.AMIClustered)
				fmt.Fprintf(w, "  export      %s\n", res.ExportPath)
				if *noServe {
					fmt.Fprintf(w, "next: motif serve --project %s (the explorer); motif export --project %s out.parquet\n", p.Dir, p.Dir)
					return nil
				}
				return server.ListenAndServe(ctx, p, *addr, server.Options{Log: g.log}, func(url string) {
					fmt.Fprintf(w, "motif explorer: %s (Ctrl-C to stop)\n", url)
				})
			}
		},
	})
}
