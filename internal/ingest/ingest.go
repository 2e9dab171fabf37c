// Package ingest reads social-media posts from CSV, JSON Lines and Parquet
// exports: it maps their columns to post fields (guessing the usual names of
// platform APIs and research tools), extracts the image URLs of each post
// from a cell, validates and normalises them, and streams the posts out.
// A bad row is reported with its reason and skipped; it never fails the file.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Post is one post of an export.
type Post struct {
	Row    int       // 1-based data row (CSV record or JSON line) it came from
	ID     string    // the id column, or "h" + 16 hex digits of a content hash if there is none
	Text   string    // the text column, "" if unmapped
	Author string    // the author column, "" if unmapped
	Time   time.Time // the time column in UTC; zero if unmapped or unparsable
	URLs   []string  // normalised, distinct, in order; at least one
	// Extra holds the other non-empty columns as text (lists and objects as
	// JSON), and the time column's text when it did not parse.
	Extra map[string]string
}

// Rejected is a row that was skipped, or (with URL set) one URL of a row
// that was dropped while the rest of the post was kept.
type Rejected struct {
	Row    int    // 1-based data row
	ID     string // the post id, if known
	URL    string // the refused URL, for a URL-level rejection
	Reason string
}

// Mapping names the columns that hold each post field. Nested JSON fields
// are named with dots ("user.screen_name").
type Mapping struct {
	ID, URL, Text, Time, Author string
}

// Options configure ReadFile. The zero value reads a file whose format is
// known from its extension and guesses every column.
type Options struct {
	// Mapping names columns explicitly; an empty field is guessed (ID, Text,
	// Time and Author may stay unmapped, URL may not).
	Mapping Mapping
	// Format is "csv", "tsv", "jsonl" (also for a JSON array of objects) or
	// "parquet"; default from the file extension (.csv, .tsv, .tab, .txt,
	// .jsonl, .ndjson, .json, .parquet, .pq, each optionally .gz).
	Format string
	// Delimiter separates CSV fields; default sniffed among , ; tab and |.
	Delimiter rune
	// Progress, if set, is called every 1,000 rows and at the end with
	// phase "ingest"; total is the number of rows when known, else 0.
	Progress func(phase string, done, total int)
}

// Summary describes a finished read.
type Summary struct {
	Format    string
	Delimiter rune     // for CSV
	Columns   []string // as found in the file (flattened for JSON)
	Mapping   Mapping  // the columns actually used
	Rows      int      // data rows read
	Posts     int      // posts emitted
	Rejected  int      // rows skipped
	BadURLs   int      // single URLs dropped from kept posts
	URLs      int      // URL references in emitted posts
}

// cell is one value of a row.
type cell struct {
	s    string    // text form ("" for null)
	list []string  // elements of a list value
	t    time.Time // a typed timestamp
	kind cellKind
}

type cellKind uint8

const (
	nullCell cellKind = iota
	textCell
	listCell
	timeCell
)

// source yields the rows of a file.
type source interface {
	// columns returns the column names known so far; a JSON source may add
	// names as it reads.
	columns() []string
	// next returns the next row; io.EOF at the end; a *rowError for a row
	// that could not be parsed (reading continues after it).
	next() (row int, cells []cell, err error)
	close() error
}

type rowError struct {
	row    int
	reason string
}

func (e *rowError) Error() string { return fmt.Sprintf("row %d: %s", e.row, e.reason) }

// sampleRows is how many rows are read ahead to guess the URL column.
const sampleRows = 200

// ReadFile reads the posts of the export at path, calling emit for each
// post and reject for each skipped row or dropped URL, in file order. An
// error from emit or reject stops the read and is returned. A file that
// cannot be read, or whose columns cannot be mapped, is an error; a bad row
// is not.
func ReadFile(ctx context.Context, path string, opts Options, emit func(Post) error, reject func(Rejected) error) (Summary, error) {
	format := opts.Format
	if format == "" {
		format = formatOf(path)
		if format == "" {
			return Summary{}, fmt.Errorf("%s: unknown file type; use a .csv, .tsv, .jsonl, .json or .parquet name, or set the format", path)
		}
	}
	var src source
	var err error
	sum := Summary{Format: format}
	switch format {
	case "csv", "tsv":
		delim := opts.Delimiter
		if delim == 0 && format == "tsv" {
			delim = '\t'
		}
		var cs *csvSource
		cs, err = openCSV(path, delim)
		if cs != nil {
			sum.Delimiter = cs.delim
			src = cs
		}
	case "jsonl", "json":
		src, err = openJSONL(path)
	case "parquet":
		src, err = openParquet(path)
	default:
		return Summary{}, fmt.Errorf("format %q is not csv, tsv, jsonl or parquet", format)
	}
	if err != nil {
		return Summary{}, fmt.Errorf("read %s: %w", path, err)
	}
	defer src.close()
	total := 0
	if pq, ok := src.(*parquetSource); ok {
		total = pq.rows
	}

	type rowOrErr struct {
		row   int
		cells []cell
		err   error
	}
	var sample []rowOrErr
	eof := false
	for len(sample) < sampleRows {
		row, cells, err := src.next()
		if err == io.EOF {
			eof = true
			break
		}
		var re *rowError
		if err != nil && !errors.As(err, &re) {
			return sum, fmt.Errorf("read %s: %w", path, err)
		}
		sample = append(sample, rowOrErr{row, cells, err})
	}
	cols := src.columns()
	sum.Columns = slices.Clone(cols)
	var sampleCells [][]cell
	for _, r := range sample {
		if r.err == nil {
			sampleCells = append(sampleCells, r.cells)
		}
	}
	m, idx, err := resolve(opts.Mapping, cols, sampleCells)
	if err != nil {
		return sum, fmt.Errorf("%s: %w", path, err)
	}
	sum.Mapping = m

	handle := func(row int, cells []cell, rerr error) error {
		sum.Rows++
		if rerr != nil {
			var re *rowError
			errors.As(rerr, &re)
			sum.Rejected++
			return reject(Rejected{Row: row, Reason: re.reason})
		}
		p, rej := buildPost(row, cells, src.columns(), idx, m)
		for _, r := range rej {
			if r.URL == "" {
				sum.Rejected++
			} else {
				sum.BadURLs++
			}
			if err := reject(r); err != nil {
				return err
			}
		}
		if p == nil {
			return nil
		}
		sum.Posts++
		sum.URLs += len(p.URLs)
		return emit(*p)
	}
	progress := func() {
		if opts.Progress != nil {
			opts.Progress("ingest", sum.Rows, total)
		}
	}
	for _, r := range sample {
		if err := handle(r.row, r.cells, r.err); err != nil {
			return sum, err
		}
	}
	for !eof {
		if sum.Rows%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
			progress()
		}
		row, cells, err := src.next()
		if err == io.EOF {
			break
		}
		var re *rowError
		if err != nil && !errors.As(err, &re) {
			return sum, fmt.Errorf("read %s: %w", path, err)
		}
		if err := handle(row, cells, err); err != nil {
			return sum, err
		}
	}
	progress()
	return sum, nil
}

func formatOf(path string) string {
	name := strings.ToLower(strings.TrimSuffix(strings.ToLower(path), ".gz"))
	switch filepath.Ext(name) {
	case ".csv", ".txt":
		return "csv"
	case ".tsv", ".tab":
		return "tsv"
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	case ".parquet", ".pq":
		return "parquet"
	}
	return ""
}

// colIndex holds the column positions of a mapping; -1 when unmapped.
type colIndex struct{ id, url, text, time, author int }

// buildPost turns one row into a post, or into rejections.
func buildPost(row int, cells []cell, cols []string, idx colIndex, m Mapping) (*Post, []Rejected) {
	get := func(i int) cell {
		if i < 0 || i >= len(cells) {
			return cell{}
		}
		return cells[i]
	}
	p := &Post{Row: row}
	p.Text = get(idx.text).s
	p.Author = get(idx.author).s
	if idx.id >= 0 {
		p.ID = strings.TrimSpace(get(idx.id).s)
		if p.ID == "" {
			return nil, []Rejected{{Row: row, Reason: fmt.Sprintf("empty id in column %q", m.ID)}}
		}
	}
	var raw []string
	uc := get(idx.url)
	switch uc.kind {
	case listCell:
		raw = uc.list
	case textCell:
		raw = []string{uc.s}
	}
	var urls []string
	var bad []BadURL
	seen := map[string]bool{}
	for _, r := range raw {
		us, bs := ExtractURLs(r)
		for _, u := range us {
			if !seen[u] {
				seen[u] = true
				urls = append(urls, u)
			}
		}
		bad = append(bad, bs...)
	}
	if p.ID == "" {
		p.ID = contentID(cells)
	}
	if len(urls) == 0 {
		reason := fmt.Sprintf("no URL in column %q", m.URL)
		if len(bad) > 0 {
			reason = fmt.Sprintf("no valid URL in column %q: %q: %s", m.URL, bad[0].URL, bad[0].Reason)
		}
		return nil, []Rejected{{Row: row, ID: p.ID, Reason: reason}}
	}
	p.URLs = urls
	var rej []Rejected
	for _, b := range bad {
		rej = append(rej, Rejected{Row: row, ID: p.ID, URL: b.URL, Reason: b.Reason})
	}
	tc := get(idx.time)
	switch tc.kind {
	case timeCell:
		p.Time = tc.t.UTC()
	case textCell:
		if t, ok := parseTime(tc.s); ok {
			p.Time = t
		}
	}
	for i, c := range cells {
		if i == idx.id || i == idx.url || i == idx.text || i == idx.author || i >= len(cols) {
			continue
		}
		if i == idx.time && (c.kind == timeCell || !p.Time.IsZero()) {
			continue
		}
		v := c.s
		switch c.kind {
		case nullCell:
			continue
		case listCell:
			b, _ := json.Marshal(c.list)
			v = string(b)
		case timeCell:
			v = c.t.UTC().Format(time.RFC3339Nano)
		}
		if v == "" {
			continue
		}
		if p.Extra == nil {
			p.Extra = map[string]string{}
		}
		p.Extra[cols[i]] = v
	}
	return p, rej
}

// contentID derives a stable id for a post of a file without an id column:
// the same row content always gets the same id, so re-ingesting is a no-op.
func contentID(cells []cell) string {
	h := sha256.New()
	for _, c := range cells {
		switch c.kind {
		case listCell:
			for _, s := range c.list {
				fmt.Fprintf(h, "%d:%s", len(s), s)
			}
		case timeCell:
			h.Write([]byte(c.t.UTC().Format(time.RFC3339Nano)))
		default:
			fmt.Fprintf(h, "%d:%s", len(c.s), c.s)
		}
		h.Write([]byte{0})
	}
	return "h" + hex.EncodeToString(h.Sum(nil)[:8])
}
