package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"motif/internal/pipeline"
)

func init() {
	register(&command{
		name:  "export",
		args:  "OUT.csv|OUT.parquet",
		short: "export one row per image with metadata, map coordinates and clusters",
		long: `Writes one row per image of an embedding set: id, image key, every metadata
column, then what the newest runs have: x, y (the 2-D map), cluster (-1 =
noise), cluster_name, cluster_note, probability and outlier_score. --run picks
a map or cluster run instead. --vectors adds the embedding column (list<float>
in Parquet), so the notebook's own format round-trips. The output loads in
pandas, polars and DuckDB as it is.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var o pipeline.ExportOptions
			fs.StringVar(&o.Set, "set", "", "embedding set `name` (default: the newest)")
			fs.Int64Var(&o.Run, "run", 0, "map or cluster run `id` (default: the newest results)")
			fs.StringVar(&o.Format, "format", "", "csv or parquet (default: from the file's extension)")
			fs.BoolVar(&o.Vectors, "vectors", false, "add the embedding column")
			return func(ctx context.Context, args []string) error {
				if len(args) != 1 {
					return usagef("export takes one output file, got %d arguments", len(args))
				}
				o.Out = args[0]
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				res, err := pipeline.Export(ctx, p, o)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "wrote %d rows (%s) to %s\n", res.Rows, strings.Join(res.Columns, ", "), o.Out)
				return nil
			}
		},
	})
}
