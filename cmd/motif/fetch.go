package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"motif/internal/pipeline"
)

func init() {
	register(&command{
		name:  "fetch",
		args:  "",
		short: "download the images of the ingested posts, politely and resumably",
		long: `Downloads every image URL not fetched yet, with a global and a per-host
concurrency limit, retries with backoff for timeouts, resets and 5xx, and
Retry-After honoured on 429/503 (404, 403 and 410 are not retried). Bodies
are limited in size while they stream, sniffed from their bytes (not the
Content-Type), and checked from the header before decoding (decompression
bombs are refused). JPEG, PNG, GIF (first frame) and WebP are stored once per
sha256 with a 256-px thumbnail and a perceptual hash. URLs that resolve to
loopback, private, link-local or multicast addresses are refused unless
--allow-private. Every URL ends with one recorded outcome (see ` + "`motif urls`" + `).
Interrupt it at any time: the next fetch continues where it stopped;
--retry-failed also retries the retryable failures.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var o pipeline.FetchOptions
			fs.BoolVar(&o.RetryFailed, "retry-failed", false, "also retry URLs whose last failure was retryable (timeouts, 5xx, 429, resets)")
			fs.Func("retry-status", "also retry URLs with these `statuses`, comma-separated (e.g. blocked_address,http_403)", func(v string) error {
				for _, s := range strings.Split(v, ",") {
					if s = strings.TrimSpace(s); s == "ok" {
						return fmt.Errorf("ok URLs are never fetched again")
					} else if s != "" {
						o.RetryStatuses = append(o.RetryStatuses, s)
					}
				}
				return nil
			})
			fs.BoolVar(&o.HTTP.AllowPrivate, "allow-private", false, "allow loopback, private and link-local addresses (local testing)")
			fs.IntVar(&o.HTTP.Concurrency, "concurrency", 16, "downloads in flight at once")
			fs.IntVar(&o.HTTP.PerHost, "per-host", 4, "downloads in flight to one host")
			fs.IntVar(&o.HTTP.Retries, "retries", 3, "retries of a transient failure (0: none)")
			fs.DurationVar(&o.HTTP.Timeout, "timeout", 60*time.Second, "limit for one download attempt")
			fs.Int64Var(&o.HTTP.MaxBytes, "max-bytes", 50<<20, "largest image accepted, in bytes")
			fs.Int64Var(&o.Store.MaxPixels, "max-pixels", 50_000_000, "largest width × height decoded")
			fs.StringVar(&o.HTTP.UserAgent, "user-agent", "", "User-Agent header (default: a browser-like string naming motif)")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("fetch takes no arguments, got %d", len(args))
				}
				if o.HTTP.Retries == 0 {
					o.HTTP.Retries = -1
				}
				o.Progress = g.progress.fn()
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				res, err := pipeline.Fetch(ctx, p, o)
				g.progress.finish()
				if res.URLs == 0 && err == nil {
					fmt.Fprintln(g.stdout, "nothing to fetch: every URL has an outcome (--retry-failed retries the retryable failures, --retry-status others)")
					return nil
				}
				printFetchSummary(g, res)
				if err == nil {
					g.log.Info("fetched", "urls", res.URLs, "ok", res.Counts["ok"], "new_images", res.NewImages, "bytes", res.Bytes, "duration", res.Duration.Round(time.Millisecond))
				}
				return err
			}
		},
	})
}

func printFetchSummary(g *globals, res pipeline.FetchResult) {
	total := 0
	for _, n := range res.Counts {
		total += n
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "status\turls\tshare\t")
	for _, c := range pipeline.SortedCounts(res.Counts) {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t\n", c.Status, c.Count, 100*float64(c.Count)/float64(max(total, 1)))
	}
	fmt.Fprintf(tw, "total\t%d\t\t\n", total)
	tw.Flush()
	rate := 0.0
	if s := res.Duration.Seconds(); s > 0 {
		rate = float64(total) / s
	}
	fmt.Fprintf(g.stdout, "%d new images, %.1f MB downloaded in %v (%.1f URLs/s)\n",
		res.NewImages, float64(res.Bytes)/1e6, res.Duration.Round(100*time.Millisecond), rate)
	if res.Retryable > 0 {
		fmt.Fprintf(g.stdout, "%d failures may succeed later: `motif fetch --retry-failed` retries them\n", res.Retryable)
	}
	if left := res.URLs - total; left > 0 {
		fmt.Fprintf(g.stdout, "%d URLs left for the next `motif fetch`\n", left)
	}
}
