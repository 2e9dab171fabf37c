package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"motif/internal/server"
)

func init() {
	register(&command{
		name:  "serve",
		args:  "",
		short: "explore the map in a web browser: images, clusters, posts, search and selection",
		long: `Serves the explorer of a project: the map of the newest clustering (or of
--run), coloured by cluster; hover a point to see its image, click it for
its metadata, its posts and its nearest neighbours; rename clusters and
write notes (saved in the catalog, and in exports); search post text and
metadata; lasso a region to see and export its images. Listens on
127.0.0.1 only unless --addr says otherwise; everything stays on this
machine. Ctrl-C stops it.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on (port 0: any free port)")
			run := fs.Int64("run", 0, "map or cluster `run` to show first (default: the newest clustering)")
			set := fs.String("set", "", "embedding set `name` to show first (default: the newest)")
			hosts := fs.String("host", "", "extra host `names`, comma-separated, that browsers may use to reach the server (IP addresses and localhost always work)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("serve takes no arguments, got %q", args)
				}
				if *run != 0 && *set != "" {
					return usagef("give --run or --set, not both")
				}
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				opts := server.Options{Set: *set, Run: *run, Log: g.log}
				if *hosts != "" {
					opts.Hosts = strings.Split(*hosts, ",")
				}
				return server.ListenAndServe(ctx, p, *addr, opts, func(url string) {
					g.log.Info("serving", "project", p.Dir, "url", url)
					fmt.Fprintf(g.stdout, "motif explorer: %s (Ctrl-C to stop)\n", url)
				})
			}
		},
	})
}
