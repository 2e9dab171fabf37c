package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"motif/internal/pipeline"
)

func init() {
	register(&command{
		name:  "check",
		args:  "",
		short: "verify that the catalog agrees with the image files on disk, and repair it",
		long: `Checks that every image in the catalog has its original (of the recorded
size; with --deep, of the recorded sha256) and its thumbnail, that every
original on disk is in the catalog, that every URL marked ok has its image,
and that no half-written file is left. With --repair it fixes what it found:
URLs of images whose original is gone go back to pending (the next
` + "`motif fetch`" + ` downloads them again), thumbnails are rebuilt, originals missing
from the catalog are recorded, and temporary files are deleted. It exits
with status 1 when problems remain.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var o pipeline.CheckOptions
			fs.BoolVar(&o.Repair, "repair", false, "repair what the check finds")
			fs.BoolVar(&o.Deep, "deep", false, "also re-hash every original (reads every file)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("check takes no arguments, got %d", len(args))
				}
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				rep, err := pipeline.Check(ctx, p, o)
				if err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "%d images in the catalog, %d originals on disk\n", rep.Images, rep.Files)
				lines := []struct {
					what string
					n    int
				}{
					{"images whose original is missing or damaged", len(rep.MissingOriginal)},
					{"images without a thumbnail", len(rep.MissingThumb)},
					{"originals not in the catalog", len(rep.Orphans)},
					{"URLs marked ok without an image", len(rep.OKWithoutImage)},
					{"temporary files of interrupted writes", len(rep.TempFiles)},
					{"other files in images/ (left alone)", len(rep.Stray)},
				}
				for _, l := range lines {
					if l.n > 0 {
						fmt.Fprintf(g.stdout, "  %d %s\n", l.n, l.what)
					}
				}
				switch {
				case rep.Problems() == 0:
					fmt.Fprintln(g.stdout, "catalog and files agree")
				case rep.Repaired:
					fmt.Fprintf(g.stdout, "repaired; %d URLs will be fetched again by `motif fetch`\n", rep.ResetURLs)
				default:
					return errors.New(fmt.Sprintf("%d problems found; run `motif check --repair` to fix them", rep.Problems()))
				}
				return nil
			}
		},
	})
}
