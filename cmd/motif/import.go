package main

import (
	"context"
	"flag"
	"fmt"

	"motif/internal/pipeline"
)

func init() {
	register(&command{
		name:  "import",
		args:  "FILE",
		short: "import embeddings from Parquet (the notebook's format), CSV, JSONL or .npy",
		long: `Reads one vector per row and keeps every other column as metadata. In
Parquet the vectors are a list<float>, list<double> or fixed-size list column
("embedding" unless --embedding-column says otherwise). A .npy file (float32
or float64, C order, rows × dims) may come with --metadata, a CSV/Parquet/JSONL
file of the same number of rows. With --images DIR, a file name column
(filename, file, path or image) is resolved inside DIR and the images are
stored with thumbnails; names that escape DIR are refused.

Bad input (ragged or non-finite vectors, duplicate ids, wrong column types,
empty or truncated files) is reported with its file, row and column, and
leaves the project as it was.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var o pipeline.ImportOptions
			fs.StringVar(&o.EmbeddingColumn, "embedding-column", "", "`column` holding the vectors (default: the only list column, or embedding/vector/features)")
			fs.StringVar(&o.IDColumn, "id-column", "", "`column` holding unique row ids (default: id, filename, url…, else the row number)")
			fs.StringVar(&o.FilenameColumn, "filename-column", "", "`column` of image file names for --images (default: filename, file, path or image)")
			fs.StringVar(&o.ImagesDir, "images", "", "`directory` where the file name column's images are")
			fs.StringVar(&o.MetadataPath, "metadata", "", "for a .npy input: a CSV/Parquet/JSONL `file` with one row per vector")
			fs.StringVar(&o.Name, "name", "", "embedding set `name` (default: the file's base name)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 1 {
					return usagef("import takes one FILE, got %d arguments", len(args))
				}
				o.Path = args[0]
				o.Progress = g.progress.fn()
				p, err := g.createProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				res, err := pipeline.Import(ctx, p, o)
				if err != nil {
					return err
				}
				g.log.Info("imported", "set", res.Set.Name, "rows", res.Set.Rows, "dims", res.Set.Dims, "images", res.Images, "missing_images", res.MissingImages)
				fmt.Fprintf(g.stdout, "imported %d vectors of %d dimensions as embedding set %q into %s\n", res.Set.Rows, res.Set.Dims, res.Set.Name, p.Dir)
				if o.ImagesDir != "" {
					fmt.Fprintf(g.stdout, "stored %d images; %d rows have no readable image file\n", res.Images, res.MissingImages)
				}
				return nil
			}
		},
	})
}
