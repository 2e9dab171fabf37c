package main

import (
	"context"
	"flag"
	"fmt"
	"unicode/utf8"

	"motif/internal/pipeline"
)

func init() {
	register(&command{
		name:  "ingest",
		args:  "FILE",
		short: "read posts and their image URLs from a CSV, JSONL or Parquet export",
		long: `Reads the posts of a social-media export: CSV or TSV (any delimiter, quoted
newlines, byte-order mark, gzip), JSON Lines or a JSON array (nested fields as
user.screen_name), or Parquet. Columns are guessed from their usual names
(id, tweet_id; media_url, image_url, …; text; created_at; author, username)
and from their content; the --*-column flags name them explicitly. A cell may
hold several URLs: a JSON array, or URLs separated by spaces, commas or |.
URLs are normalised (http/https only, host lower-cased, fragment dropped).
A bad row is recorded with its reason and skipped. Ingesting the same file
again changes nothing; another file adds its posts to the project. Then run
` + "`motif fetch`" + ` to download the images.`,
		setup: func(fs *flag.FlagSet, g *globals) func(context.Context, []string) error {
			var o pipeline.IngestOptions
			var delim string
			showRejected := 0
			fs.StringVar(&o.Mapping.ID, "id-column", "", "`column` of post ids (default: id, post_id, tweet_id…; else a hash of the row)")
			fs.StringVar(&o.Mapping.URL, "url-column", "", "`column` of image URLs (default: media_url, image_url…, or the column of image links)")
			fs.StringVar(&o.Mapping.Text, "text-column", "", "`column` of post text (default: text, full_text, body…)")
			fs.StringVar(&o.Mapping.Time, "time-column", "", "`column` of post times (default: created_at, timestamp, date…)")
			fs.StringVar(&o.Mapping.Author, "author-column", "", "`column` of authors (default: author, username, screen_name…)")
			fs.StringVar(&o.Format, "format", "", "csv, tsv, jsonl or parquet (default: from the extension)")
			fs.StringVar(&delim, "delimiter", "", "CSV field `separator`, one character (default: sniffed among , ; tab |)")
			fs.IntVar(&showRejected, "show-rejected", 10, "print up to `n` rejected rows with their reasons")
			return func(ctx context.Context, args []string) error {
				if len(args) != 1 {
					return usagef("ingest takes one FILE, got %d arguments", len(args))
				}
				if delim != "" {
					if delim == `\t` || delim == "tab" {
						delim = "\t"
					}
					r, n := utf8.DecodeRuneInString(delim)
					if n != len(delim) {
						return usagef("--delimiter %q: give one character", delim)
					}
					o.Delimiter = r
				}
				o.Path = args[0]
				o.Progress = g.progress.fn()
				p, err := g.createProject(ctx)
				if err != nil {
					return err
				}
				defer p.Close()
				res, err := pipeline.Ingest(ctx, p, o)
				if err != nil {
					return err
				}
				if res.AlreadyIngested {
					fmt.Fprintf(g.stdout, "%s was already ingested (%d rows, %d rejected); nothing to do\n", o.Path, res.Summary.Rows, res.Summary.Rejected)
					return nil
				}
				s := res.Summary
				g.log.Info("ingested", "file", o.Path, "format", s.Format, "rows", s.Rows, "posts", s.Posts, "rejected", s.Rejected,
					"new_posts", res.NewPosts, "new_urls", res.NewURLs)
				m := s.Mapping
				fmt.Fprintf(g.stdout, "columns: id=%s url=%s text=%s time=%s author=%s\n",
					orDash(m.ID), m.URL, orDash(m.Text), orDash(m.Time), orDash(m.Author))
				fmt.Fprintf(g.stdout, "read %d rows: %d posts with %d image URLs, %d rows rejected, %d URLs dropped\n",
					s.Rows, s.Posts, s.URLs, s.Rejected, s.BadURLs)
				fmt.Fprintf(g.stdout, "added %d new posts and %d new URLs to %s\n", res.NewPosts, res.NewURLs, p.Dir)
				for i, r := range res.Rejected {
					if i == showRejected {
						fmt.Fprintf(g.stdout, "  … and %d more rows\n", len(res.Rejected)-i)
						break
					}
					fmt.Fprintf(g.stdout, "  row %d: %s\n", r.Row, r.Reason)
				}
				return nil
			}
		},
	})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
