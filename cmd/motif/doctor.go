package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"strings"

	"motif/internal/embed"
)

func init() {
	register(&command{
		name:  "doctor",
		short: "check the ONNX Runtime library and a model: what motif embed would use",
		long: `Reports the ONNX Runtime shared library motif finds (--ort-lib,
$MOTIF_ORT_LIB, or the standard locations), its version and execution
providers (whether CUDA is usable), and, with --model, the model's sha256,
inputs and outputs, the output and pooling motif embed would use, and the
preprocessing. When something is missing it says how to get it.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var m modelFlags
			m.register(fs)
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("doctor takes no arguments, got %d", len(args))
				}
				o, err := m.resolve()
				if err != nil {
					return err
				}
				info, err := embed.Inspect(o)
				w := g.stdout
				fmt.Fprintf(w, "motif %s (%s/%s)\n", version(), runtime.GOOS, runtime.GOARCH)
				if info.Library != "" {
					fmt.Fprintf(w, "ONNX Runtime: %s\n", info.Library)
				}
				if info.Version != "" {
					fmt.Fprintf(w, "  version:   %s\n", info.Version)
					fmt.Fprintf(w, "  providers: %s\n", strings.Join(info.Providers, ", "))
					fmt.Fprintf(w, "  CUDA:      %s\n", info.CUDA)
				}
				if info.Model != "" {
					fmt.Fprintf(w, "model: %s\n  sha256: %s\n", info.Model, info.ModelSHA256)
					for _, t := range info.Inputs {
						fmt.Fprintf(w, "  input:  %s\n", t)
					}
					for _, t := range info.Outputs {
						fmt.Fprintf(w, "  output: %s\n", t)
					}
					if info.Output != "" {
						fmt.Fprintf(w, "  embeds: %s → %s, pooling %s, %d dimensions\n", info.Input, info.Output, o.Pooling, info.Dim)
					}
					if info.PreprocessFrom != "" {
						fmt.Fprintf(w, "  preprocessing (%s): %s\n", info.PreprocessFrom, info.Preprocessing)
					}
				}
				if err != nil {
					return err
				}
				fmt.Fprintln(w, "ok")
				return nil
			}
		},
	})
}
