package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
)

func init() {
	register(&command{
		name:  "runs",
		args:  "",
		short: "list the project's embedding sets and runs",
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("runs takes no arguments, got %q", args)
				}
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				sets, err := p.Catalog.EmbeddingSets(ctx)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SET\tROWS\tDIMS\tSOURCE\tFILE")
				for _, s := range sets {
					fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", s.Name, s.Rows, s.Dims, s.Source, s.Path)
				}
				tw.Flush()
				runs, err := p.Catalog.Runs(ctx, "")
				if err != nil {
					return err
				}
				names := map[int64]string{}
				for _, s := range sets {
					names[s.ID] = s.Name
				}
				fmt.Fprintln(g.stdout)
				tw = tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "RUN\tKIND\tSET\tON\tSTATUS\tSTARTED\tPARAMS")
				for _, r := range runs {
					on := "-"
					if r.Parent != 0 {
						on = fmt.Sprintf("run %d", r.Parent)
					}
					params, _ := json.Marshal(r.Params)
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, names[r.EmbeddingSet], on, r.Status,
						r.StartedAt.Local().Format("2006-01-02 15:04:05"), params)
				}
				return tw.Flush()
			}
		},
	})
}
