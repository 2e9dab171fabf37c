package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"motif/internal/catalog"
	"motif/internal/ingest"
)

// IngestOptions configure Ingest.
type IngestOptions struct {
	Path      string         // the export: CSV, TSV, JSONL/JSON or Parquet
	Mapping   ingest.Mapping // explicit columns; empty fields are guessed
	Format    string         // default from the extension
	Delimiter rune           // CSV delimiter; default sniffed
	Progress  Progress
}

// IngestResult describes an ingest.
type IngestResult struct {
	Summary         ingest.Summary
	AlreadyIngested bool // the same file (by sha256) was ingested before; nothing was done
	NewPosts        int
	NewURLs         int
	Rejected        []catalog.RejectedRow // one entry per rejected row or row with dropped URLs
}

// ingestBatch is how many posts are committed per transaction.
const ingestBatch = 2000

// Ingest reads the posts of an export into the catalog. Posts are keyed by
// their id and URLs by their normalised text, so ingesting the same file
// again (recognised by its sha256) is a no-op and a second file adds to the
// project, linking known URLs to its posts. An interrupted ingest leaves the
// posts committed so far; running it again completes it.
func Ingest(ctx context.Context, p *Project, o IngestOptions) (IngestResult, error) {
	var res IngestResult
	sha, err := fileSHA256(o.Path)
	if err != nil {
		return res, fmt.Errorf("ingest: %w", err)
	}
	if f, err := p.Catalog.SourceFileBySHA(ctx, sha); err == nil {
		res.AlreadyIngested = true
		res.Summary = ingest.Summary{Rows: f.Rows, Rejected: f.Rejected}
		return res, nil
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return res, err
	}
	abs, err := filepath.Abs(o.Path)
	if err != nil {
		abs = o.Path
	}
	var batch []catalog.PostRecord
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		np, nu, err := p.Catalog.AddPosts(ctx, batch)
		res.NewPosts += np
		res.NewURLs += nu
		batch = batch[:0]
		return err
	}
	reasons := map[int][]string{}
	var order []int
	emit := func(post ingest.Post) error {
		extra := "{}"
		if len(post.Extra) > 0 {
			b, err := json.Marshal(post.Extra)
			if err != nil {
				return err
			}
			extra = string(b)
		}
		batch = append(batch, catalog.PostRecord{SourceID: post.ID, Text: post.Text, Author: post.Author,
			PostedAt: post.Time, Extra: extra, SourceFile: abs, SourceRow: post.Row, URLs: post.URLs})
		if len(batch) >= ingestBatch {
			return flush()
		}
		return nil
	}
	reject := func(r ingest.Rejected) error {
		if _, ok := reasons[r.Row]; !ok {
			order = append(order, r.Row)
		}
		reason := r.Reason
		if r.URL != "" {
			reason = fmt.Sprintf("URL %q dropped: %s", r.URL, r.Reason)
		}
		reasons[r.Row] = append(reasons[r.Row], reason)
		return nil
	}
	sum, err := ingest.ReadFile(ctx, o.Path, ingest.Options{Mapping: o.Mapping, Format: o.Format,
		Delimiter: o.Delimiter, Progress: o.Progress}, emit, reject)
	res.Summary = sum
	if err != nil {
		return res, fmt.Errorf("ingest: %w", err)
	}
	if err := flush(); err != nil {
		return res, fmt.Errorf("ingest: %w", err)
	}
	for _, row := range order {
		res.Rejected = append(res.Rejected, catalog.RejectedRow{Row: row, Reason: strings.Join(reasons[row], "; ")})
	}
	_, err = p.Catalog.AddSourceFile(ctx, catalog.SourceFile{Path: abs, SHA256: sha, Kind: "posts",
		Rows: sum.Rows, Rejected: sum.Rejected}, res.Rejected)
	if err != nil {
		return res, fmt.Errorf("ingest: %w", err)
	}
	return res, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
