package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"motif/internal/catalog"
	"motif/internal/fetch"
	"motif/internal/imagestore"
)

// FetchOptions configure Fetch.
type FetchOptions struct {
	// RetryFailed also fetches URLs whose last failure was retryable
	// (timeouts, resets, 5xx, 429); default only never-fetched URLs.
	RetryFailed bool
	// RetryStatuses also fetches the URLs whose outcome is one of these
	// statuses (say blocked_address, once AllowPrivate is set, or http_403).
	RetryStatuses []string
	// HTTP configures the client (concurrency, per-host limit, timeouts,
	// AllowPrivate, ...); its Validate hook is set by Fetch.
	HTTP fetch.Options
	// Store configures the image store (pixel limit, thumbnail size).
	Store imagestore.Options
	// Decoders is how many images are decoded at once; default GOMAXPROCS.
	Decoders int
	// Progress reports phase "fetch" with URLs done and total.
	Progress Progress
}

// FetchResult summarises a fetch.
type FetchResult struct {
	URLs      int            // URLs attempted
	Counts    map[string]int // outcomes of this run by status
	NewImages int            // distinct images stored for the first time
	Retryable int            // failures a later --retry-failed may fix
	Bytes     int64          // bytes downloaded by successful fetches
	Duration  time.Duration
}

// recordBatch bounds how many outcomes share one catalog transaction, and
// recordDelay how long an outcome may wait for its batch.
const (
	recordBatch = 256
	recordDelay = 200 * time.Millisecond
)

// Fetch downloads every URL not fetched yet, stores each image once (by the
// sha256 of its bytes) with its thumbnail, and records exactly one outcome
// per URL. It is resumable: outcomes are committed as they come, a URL is
// marked ok only in the same transaction that records its image (after its
// files are in place), so after a crash or Ctrl-C the next Fetch continues
// with what is left and never downloads a completed image again.
// Interrupted fetches are not recorded, so they stay pending.
func Fetch(ctx context.Context, p *Project, o FetchOptions) (FetchResult, error) {
	start := time.Now()
	res := FetchResult{Counts: map[string]int{}}
	st, err := imagestore.Open(p.Dir, o.Store)
	if err != nil {
		return res, err
	}
	// Files left half-written by a killed fetch; only this process writes
	// to the store while it fetches.
	if _, err := st.RemoveTemp(); err != nil {
		return res, err
	}
	jobs, err := p.Catalog.URLsToFetch(ctx, o.RetryFailed, o.RetryStatuses)
	if err != nil {
		return res, err
	}
	res.URLs = len(jobs)
	if len(jobs) == 0 {
		return res, nil
	}
	known := map[string]bool{}
	imgs, err := p.Catalog.Images(ctx)
	if err != nil {
		return res, err
	}
	for _, im := range imgs {
		known[im.Key] = true
	}

	httpOpts := o.HTTP
	maxPixels := o.Store.MaxPixels
	httpOpts.Validate = func(body []byte) error {
		_, err := imagestore.Inspect(body, maxPixels)
		return err
	}
	client := fetch.New(httpOpts)
	defer client.Close()

	// stop ends the downloads early when outcomes can no longer be recorded.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	jobc := make(chan fetch.Job)
	outc := make(chan fetch.Outcome)
	recc := make(chan catalog.FetchRecord)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobc)
		for _, j := range jobs {
			select {
			case jobc <- fetch.Job{ID: j.ID, URL: j.URL}:
			case <-runCtx.Done():
				return
			}
		}
	})
	var runErr error
	wg.Go(func() { runErr = client.Run(runCtx, jobc, outc) })

	// Decoders turn fetched bodies into stored images.
	decoders := o.Decoders
	if decoders <= 0 {
		decoders = runtime.GOMAXPROCS(0)
	}
	var storeMu sync.Mutex // guards known and res.NewImages
	var dwg sync.WaitGroup
	for range decoders {
		dwg.Go(func() {
			for out := range outc {
				recc <- record(p, st, out, known, &storeMu, &res)
			}
		})
	}
	go func() { dwg.Wait(); close(recc) }()

	// The recorder commits outcomes in batches.
	var recErr error
	var batch []catalog.FetchRecord
	done := 0
	flush := func() {
		if len(batch) == 0 || recErr != nil {
			return
		}
		// Commit even if ctx is cancelled: these outcomes are complete.
		recErr = p.Catalog.RecordFetches(context.WithoutCancel(ctx), batch)
		if recErr != nil {
			stop()
			return
		}
		done += len(batch)
		o.Progress.report("fetch", done, len(jobs))
		batch = batch[:0]
	}
	tick := time.NewTicker(recordDelay)
	defer tick.Stop()
	o.Progress.report("fetch", 0, len(jobs))
loop:
	for {
		select {
		case r, ok := <-recc:
			if !ok {
				break loop
			}
			res.Counts[r.Status]++
			if r.Status == fetch.StatusOK {
				res.Bytes += r.Bytes
			} else if r.Retryable {
				res.Retryable++
			}
			batch = append(batch, r)
			if len(batch) >= recordBatch {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
	flush()
	wg.Wait()
	res.Duration = time.Since(start)
	if recErr != nil {
		return res, recErr
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, runErr
}

// record stores a fetched body and turns the outcome into a catalog record.
func record(p *Project, st *imagestore.Store, out fetch.Outcome, known map[string]bool, mu *sync.Mutex, res *FetchResult) catalog.FetchRecord {
	r := catalog.FetchRecord{URLID: out.Job.ID, Status: out.Status, HTTPStatus: out.HTTPStatus, Bytes: out.Bytes,
		Duration: out.Duration, Attempts: out.Attempts, Retryable: out.Retryable}
	if out.Err != nil {
		r.Error = out.Err.Error()
	}
	if out.Status != fetch.StatusOK {
		return r
	}
	im, err := st.Put(out.Body)
	if err != nil {
		var ie *imagestore.Error
		if errors.As(err, &ie) {
			r.Status = ie.Status()
		} else {
			r.Status, r.Retryable = "store_error", true
		}
		r.Error = err.Error()
		return r
	}
	mu.Lock()
	if !known[im.Key] {
		known[im.Key] = true
		res.NewImages++
	}
	mu.Unlock()
	ci := storedImage(p, st, im)
	r.Image = &ci
	return r
}

// storedImage describes a stored image for the catalog, with paths relative
// to the project.
func storedImage(p *Project, st *imagestore.Store, im imagestore.Image) catalog.Image {
	rel := func(abs string) string {
		if r, err := filepath.Rel(p.Dir, abs); err == nil {
			return filepath.ToSlash(r)
		}
		return abs
	}
	ph := im.PHash
	return catalog.Image{Key: im.Key, Path: rel(st.OriginalPath(im.Key, im.Format)), Thumb: rel(st.ThumbPath(im.Key)),
		Format: im.Format, Width: im.Width, Height: im.Height, Bytes: im.Bytes, PHash: &ph}
}

// StatusCount is one line of a fetch summary.
type StatusCount struct {
	Status string
	Count  int
}

// SortedCounts returns counts with ok first, then by decreasing count.
func SortedCounts(m map[string]int) []StatusCount {
	var out []StatusCount
	for s, n := range m {
		out = append(out, StatusCount{s, n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Status == "ok") != (b.Status == "ok") {
			return a.Status == "ok"
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Status < b.Status
	})
	return out
}

// CheckReport lists the disagreements between the catalog and the image
// files that Check found, and what it repaired.
type CheckReport struct {
	Images          int      // image rows checked
	Files           int      // originals found on disk
	MissingOriginal []string // image keys whose original is missing, the wrong size or (Deep) the wrong hash
	MissingThumb    []string // image keys whose thumbnail is missing
	Orphans         []string // originals on disk with no image row
	OKWithoutImage  []int64  // URL ids marked ok whose image row is missing
	TempFiles       []string // leftovers of interrupted writes
	Stray           []string // other files in images/ that are not originals
	Repaired        bool
	ResetURLs       int // URLs set back to pending by the repair
}

// Problems reports whether the check found anything to repair.
func (r CheckReport) Problems() int {
	return len(r.MissingOriginal) + len(r.MissingThumb) + len(r.Orphans) + len(r.OKWithoutImage) + len(r.TempFiles)
}

// CheckOptions configure Check.
type CheckOptions struct {
	Repair bool // fix what was found
	Deep   bool // also re-hash every original (reads every file)
	Store  imagestore.Options
}

// Check compares the catalog with the image files: every image row must
// have its original (of the recorded size) and thumbnail, every original on
// disk must have an image row, every URL marked ok must have its image. With
// Repair it resets the URLs of images whose original is gone (the next fetch
// downloads them again), rebuilds missing thumbnails, records orphan
// originals as images, resets ok URLs without an image, and deletes
// temporary files. Files in images/ that are not named like originals are
// only reported.
func Check(ctx context.Context, p *Project, o CheckOptions) (CheckReport, error) {
	var rep CheckReport
	st, err := imagestore.Open(p.Dir, o.Store)
	if err != nil {
		return rep, err
	}
	imgs, err := p.Catalog.Images(ctx)
	if err != nil {
		return rep, err
	}
	rep.Images = len(imgs)
	rows := map[string]catalog.Image{}
	for _, im := range imgs {
		rows[im.Key] = im
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		orig := p.Path(im.Path)
		fi, err := os.Stat(orig)
		switch {
		case err != nil || fi.Size() != im.Bytes:
			rep.MissingOriginal = append(rep.MissingOriginal, im.Key)
			continue
		case o.Deep:
			data, err := os.ReadFile(orig)
			if err != nil || imagestore.Key(data) != im.Key {
				rep.MissingOriginal = append(rep.MissingOriginal, im.Key)
				continue
			}
		}
		if _, err := os.Stat(p.Path(im.Thumb)); err != nil {
			rep.MissingThumb = append(rep.MissingThumb, im.Key)
		}
	}
	stray, err := st.Walk(func(e imagestore.Entry) error {
		rep.Files++
		if _, ok := rows[e.Key]; !ok {
			rep.Orphans = append(rep.Orphans, e.Key+"."+imagestore.Ext(e.Format))
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	for _, s := range stray {
		if isTemp(s) {
			rep.TempFiles = append(rep.TempFiles, s)
		} else {
			rep.Stray = append(rep.Stray, s)
		}
	}
	if rep.OKWithoutImage, err = p.Catalog.OKURLsWithoutImage(ctx); err != nil {
		return rep, err
	}
	if !o.Repair || rep.Problems() == 0 {
		return rep, nil
	}
	rep.Repaired = true
	for _, key := range rep.MissingOriginal {
		im := rows[key]
		os.Remove(p.Path(im.Path)) // a wrong-size or corrupt original
		n, err := p.Catalog.ResetURLs(ctx, nil, key)
		if err != nil {
			return rep, err
		}
		rep.ResetURLs += n
	}
	n, err := p.Catalog.ResetURLs(ctx, rep.OKWithoutImage, "")
	if err != nil {
		return rep, err
	}
	rep.ResetURLs += n
	for _, key := range rep.MissingThumb {
		im := rows[key]
		data, err := os.ReadFile(p.Path(im.Path))
		if err != nil {
			return rep, fmt.Errorf("rebuild thumbnail of %s: %w", key, err)
		}
		if _, err := st.Put(data); err != nil {
			return rep, fmt.Errorf("rebuild thumbnail of %s: %w", key, err)
		}
	}
	for _, name := range rep.Orphans {
		key, ext := name[:64], name[65:]
		format := ext
		if ext == "jpg" {
			format = imagestore.JPEG
		}
		data, err := os.ReadFile(st.OriginalPath(key, format))
		if err != nil {
			return rep, err
		}
		im, err := st.Put(data)
		if err != nil || im.Key != key {
			// Not a valid image, or not the bytes its name says: drop it.
			if err := st.Remove(key, format); err != nil {
				return rep, err
			}
			continue
		}
		if err := p.Catalog.PutImage(ctx, storedImage(p, st, im)); err != nil {
			return rep, err
		}
	}
	if _, err := st.RemoveTemp(); err != nil {
		return rep, err
	}
	return rep, nil
}

func isTemp(path string) bool {
	return strings.HasPrefix(filepath.Base(path), ".tmp-")
}
