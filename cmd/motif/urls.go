package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"motif/internal/catalog"
	"motif/internal/tabular"
)

func init() {
	register(&command{
		name:  "urls",
		args:  "",
		short: "list every image URL with its fetch outcome and posts (the dead-link log)",
		long: `Lists every URL with its status (pending, ok, or why it failed: http_404,
timeout, too_large, not_image, blocked_address, …), HTTP status, bytes, time,
attempts, whether a retry may help, the image key (sha256) and the ids of the
posts that carry it. --status keeps one status. --format table prints aligned
columns; csv and parquet write files that pandas, polars and DuckDB read
(parquet needs --output).`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var status, format, out string
			fs.StringVar(&status, "status", "", "only URLs with this `status` (ok, pending, http_404, timeout, …)")
			fs.StringVar(&format, "format", "table", "output `format`: table, csv or parquet")
			fs.StringVar(&out, "output", "", "write to this `file` instead of standard output")
			return func(ctx context.Context, args []string) error {
				if len(args) != 0 {
					return usagef("urls takes no arguments, got %d", len(args))
				}
				switch format {
				case "table", "csv":
				case "parquet":
					if out == "" {
						return usagef("--format parquet needs --output FILE")
					}
				default:
					return usagef("--format %q: use table, csv or parquet", format)
				}
				p, err := g.openProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				urls, err := p.Catalog.URLs(ctx, status)
				if err != nil {
					return err
				}
				if format == "parquet" {
					if err := tabular.WriteParquet(out, urlTable(urls)); err != nil {
						return err
					}
					fmt.Fprintf(g.stdout, "wrote %d URLs to %s\n", len(urls), out)
					return nil
				}
				w := g.stdout
				if out != "" {
					f, err := os.Create(out)
					if err != nil {
						return err
					}
					defer f.Close()
					w = f
				}
				if format == "csv" {
					err = writeURLsCSV(w, urls)
				} else {
					err = writeURLsTable(w, urls)
				}
				if err != nil {
					return err
				}
				if out != "" {
					fmt.Fprintf(g.stdout, "wrote %d URLs to %s\n", len(urls), out)
				}
				return nil
			}
		},
	})
}

var urlColumns = []string{"url", "status", "http_status", "bytes", "duration_ms", "attempts", "retryable", "image_key", "post_ids", "error", "fetched_at"}

func urlRecord(u catalog.URLInfo) []string {
	return []string{u.URL, u.Status, strconv.Itoa(u.HTTPStatus), strconv.FormatInt(u.Bytes, 10),
		strconv.FormatInt(u.DurationMS, 10), strconv.Itoa(u.Attempts), strconv.FormatBool(u.Retryable),
		u.ImageKey, strings.Join(u.PostIDs, " "), u.Error, u.FetchedAt}
}

func writeURLsCSV(w io.Writer, urls []catalog.URLInfo) error {
	cw := csv.NewWriter(w)
	cw.Write(urlColumns)
	for _, u := range urls {
		cw.Write(urlRecord(u))
	}
	cw.Flush()
	return cw.Error()
}

func writeURLsTable(w io.Writer, urls []catalog.URLInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tHTTP\tBYTES\tMS\tTRIES\tIMAGE\tPOSTS\tURL")
	for _, u := range urls {
		key := u.ImageKey
		if len(key) > 12 {
			key = key[:12]
		}
		posts := strings.Join(u.PostIDs, ",")
		if len(posts) > 40 {
			posts = posts[:37] + "..."
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n", u.Status, u.HTTPStatus, u.Bytes, u.DurationMS, u.Attempts,
			orDash(key), orDash(posts), u.URL)
	}
	return tw.Flush()
}

// urlTable holds the URL list as columns; post_ids are space-separated.
func urlTable(urls []catalog.URLInfo) *tabular.Table {
	n := len(urls)
	str := func(name string, f func(catalog.URLInfo) string) *tabular.Column {
		c := &tabular.Column{Name: name, Type: tabular.String, Strings: make([]string, n)}
		for i, u := range urls {
			c.Strings[i] = f(u)
		}
		return c
	}
	num := func(name string, f func(catalog.URLInfo) int64) *tabular.Column {
		c := &tabular.Column{Name: name, Type: tabular.Int64, Ints: make([]int64, n)}
		for i, u := range urls {
			c.Ints[i] = f(u)
		}
		return c
	}
	retry := &tabular.Column{Name: "retryable", Type: tabular.Bool, Bools: make([]bool, n)}
	for i, u := range urls {
		retry.Bools[i] = u.Retryable
	}
	return &tabular.Table{Rows: n, Columns: []*tabular.Column{
		str("url", func(u catalog.URLInfo) string { return u.URL }),
		str("status", func(u catalog.URLInfo) string { return u.Status }),
		num("http_status", func(u catalog.URLInfo) int64 { return int64(u.HTTPStatus) }),
		num("bytes", func(u catalog.URLInfo) int64 { return u.Bytes }),
		num("duration_ms", func(u catalog.URLInfo) int64 { return u.DurationMS }),
		num("attempts", func(u catalog.URLInfo) int64 { return int64(u.Attempts) }),
		retry,
		str("image_key", func(u catalog.URLInfo) string { return u.ImageKey }),
		str("post_ids", func(u catalog.URLInfo) string { return strings.Join(u.PostIDs, " ") }),
		str("error", func(u catalog.URLInfo) string { return u.Error }),
		str("fetched_at", func(u catalog.URLInfo) string { return u.FetchedAt }),
	}}
}
