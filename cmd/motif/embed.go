package main

import (
	"context"
	"flag"
	"fmt"

	"motif/internal/embed"
	"motif/internal/pipeline"
)

// modelFlags registers the flags that choose and run an ONNX model.
type modelFlags struct {
	opts    embed.Options
	pooling string
}

func (m *modelFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.opts.Model, "model", "", "ONNX image model `file` (a DINOv2 export; preprocessor_config.json beside it sets the preprocessing)")
	fs.StringVar(&m.opts.Library, "ort-lib", "", "ONNX Runtime shared library `file` (default: $"+embed.LibraryEnv+", then standard locations)")
	fs.IntVar(&m.opts.Threads, "threads", 0, "ONNX Runtime intra-op `threads` (0: all cores)")
	fs.StringVar(&m.opts.Device, "device", "cpu", "cpu, or cuda for the CUDA execution provider (needs a GPU build of ONNX Runtime)")
	fs.IntVar(&m.opts.DeviceID, "device-id", 0, "CUDA device `ordinal`")
	fs.StringVar(&m.pooling, "pooling", "auto", "how a token output becomes one vector: auto (pooled output, else CLS), cls, mean or cls+mean")
	fs.StringVar(&m.opts.Output, "output", "", "model output `name` to use (default: pooler_output, else a [N, T, D] output)")
}

func (m *modelFlags) resolve() (embed.Options, error) {
	o := m.opts
	p, err := embed.ParsePooling(m.pooling)
	if err != nil {
		return o, usagef("--pooling: %v", err)
	}
	o.Pooling = p
	switch o.Device {
	case "cpu", "cuda":
	default:
		return o, usagef("--device %q: use cpu or cuda", o.Device)
	}
	return o, nil
}

func init() {
	register(&command{
		name:  "embed",
		short: "compute image embeddings with an ONNX model (DINOv2) through ONNX Runtime",
		long: `Embeds every image of the project (or, with --images DIR, every picture in a
plain folder, which needs no posts) with an ONNX image model: decoding and
preprocessing run on all cores and feed batches to ONNX Runtime. The
preprocessing is Hugging Face's, from preprocessor_config.json beside the
model, else DINOv2's (shortest edge 256 bicubic, centre crop 224, ImageNet
mean/std). Vectors are L2-normalised and stored as an embedding set with the
model's sha256, preprocessing and pooling.

Interrupted runs resume: run the same command again and only the missing
images are embedded. Pictures that fail to decode are listed in
embeddings/NAME.failed.csv, not fatal. ONNX Runtime's shared library comes
from --ort-lib, $MOTIF_ORT_LIB or the standard locations; ` + "`motif doctor`" + ` says
what was found and how to get it.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var m modelFlags
			m.register(fs)
			var o pipeline.EmbedOptions
			fs.IntVar(&o.Batch, "batch", 32, "pictures per model run")
			fs.IntVar(&o.Workers, "workers", 0, "decoding `goroutines` (0: all cores)")
			fs.StringVar(&o.ImagesDir, "images", "", "embed the pictures of this `directory` (recursively) instead of the project's images")
			fs.StringVar(&o.Name, "name", "", "embedding set `name` (default: the model file's base name)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("embed takes no arguments, got %d", len(args))
				}
				mo, err := m.resolve()
				if err != nil {
					return err
				}
				if mo.Model == "" {
					return usagef("embed needs --model FILE.onnx")
				}
				if o.Batch < 1 {
					return usagef("--batch %d: must be at least 1", o.Batch)
				}
				o.Model = mo
				o.Progress = g.progress.fn()
				open := g.openProject
				if o.ImagesDir != "" {
					open = g.createProject
				}
				p, err := open(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				res, err := pipeline.Embed(ctx, p, o)
				for _, f := range res.Failed {
					g.log.Warn("picture not embedded", "key", f.Key, "path", f.Path, "error", f.Error)
				}
				if err != nil {
					if res.Embedded+res.Resumed > 0 {
						g.log.Info("kept for resuming", "vectors", res.Embedded+res.Resumed)
					}
					return err
				}
				g.log.Info("embedded", "set", res.Set.Name, "rows", res.Set.Rows, "dims", res.Set.Dims,
					"new", res.Embedded, "resumed", res.Resumed, "failed", len(res.Failed))
				fmt.Fprintf(g.stdout, "embedded %d images (%d dimensions) as embedding set %q in %s", res.Set.Rows, res.Set.Dims, res.Set.Name, p.Dir)
				if len(res.Failed) > 0 {
					fmt.Fprintf(g.stdout, "; %d pictures failed, listed in %s", len(res.Failed), p.Path(fmt.Sprint(res.Set.Params["failed_list"])))
				}
				fmt.Fprintln(g.stdout)
				return nil
			}
		},
	})
}
