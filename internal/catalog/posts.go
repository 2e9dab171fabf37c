package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PostRecord is a post to add, with the image URLs it carries.
type PostRecord struct {
	SourceID   string
	Text       string
	Author     string
	PostedAt   time.Time // zero when unknown
	Extra      string    // other columns, a JSON object
	SourceFile string
	SourceRow  int
	URLs       []string // normalised
}

// SourceFile is an ingested or imported file, identified by its sha256.
type SourceFile struct {
	ID       int64
	Path     string
	SHA256   string
	Kind     string // posts or embeddings
	Rows     int
	Rejected int
	At       time.Time
}

// RejectedRow is a row of a source file that was skipped, with the reason.
type RejectedRow struct {
	Row    int
	Reason string
}

// SourceFileBySHA returns the source file with that content hash, or ErrNotFound.
func (c *Catalog) SourceFileBySHA(ctx context.Context, sha string) (SourceFile, error) {
	var f SourceFile
	var at sql.NullString
	err := c.r.QueryRowContext(ctx, `SELECT id, path, sha256, kind, rows, rejected, at FROM source_files WHERE sha256 = ?`, sha).
		Scan(&f.ID, &f.Path, &f.SHA256, &f.Kind, &f.Rows, &f.Rejected, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("source file %s: %w", sha, ErrNotFound)
	}
	f.At = parseTime(at)
	return f, err
}

// AddPosts records posts and their URLs in one transaction. A post whose
// source id is already known keeps its fields and gains any new URLs; a URL
// already known keeps its fetch state. It returns how many posts and URLs
// were new.
func (c *Catalog) AddPosts(ctx context.Context, posts []PostRecord) (newPosts, newURLs int, err error) {
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("add posts: %w", err)
	}
	defer tx.Rollback()
	selPost, err := tx.PrepareContext(ctx, `SELECT id FROM posts WHERE source_id = ?`)
	if err != nil {
		return 0, 0, fmt.Errorf("add posts: %w", err)
	}
	insPost, err := tx.PrepareContext(ctx, `INSERT INTO posts (source_id, text, author, posted_at, extra, source_file, source_row, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, 0, fmt.Errorf("add posts: %w", err)
	}
	selURL, err := tx.PrepareContext(ctx, `SELECT id FROM urls WHERE url = ?`)
	if err != nil {
		return 0, 0, fmt.Errorf("add posts: %w", err)
	}
	insURL, err := tx.PrepareContext(ctx, `INSERT INTO urls (url) VALUES (?)`)
	if err != nil {
		return 0, 0, fmt.Errorf("add posts: %w", err)
	}
	link, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO post_urls (post_id, url_id) VALUES (?, ?)`)
	if err != nil {
		return 0, 0, fmt.Errorf("add posts: %w", err)
	}
	ts := now()
	idOf := func(sel, ins *sql.Stmt, insArgs []any, key string) (int64, bool, error) {
		var id int64
		err := sel.QueryRowContext(ctx, key).Scan(&id)
		if err == nil {
			return id, false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, err
		}
		res, err := ins.ExecContext(ctx, insArgs...)
		if err != nil {
			return 0, false, err
		}
		id, err = res.LastInsertId()
		return id, true, err
	}
	for _, p := range posts {
		var at any
		if !p.PostedAt.IsZero() {
			at = p.PostedAt.UTC().Format(time.RFC3339Nano)
		}
		extra := p.Extra
		if extra == "" {
			extra = "{}"
		}
		pid, isNew, err := idOf(selPost, insPost,
			[]any{p.SourceID, p.Text, p.Author, at, extra, p.SourceFile, p.SourceRow, ts}, p.SourceID)
		if err != nil {
			return 0, 0, fmt.Errorf("add post %s: %w", p.SourceID, err)
		}
		if isNew {
			newPosts++
		}
		for _, u := range p.URLs {
			uid, isNew, err := idOf(selURL, insURL, []any{u}, u)
			if err != nil {
				return 0, 0, fmt.Errorf("add URL %s: %w", u, err)
			}
			if isNew {
				newURLs++
			}
			if _, err := link.ExecContext(ctx, pid, uid); err != nil {
				return 0, 0, fmt.Errorf("link post %s to %s: %w", p.SourceID, u, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("add posts: %w", err)
	}
	return newPosts, newURLs, nil
}

// AddSourceFile records a finished file with its rejected rows and returns
// its id. Recording the same sha256 again changes nothing and returns the
// existing id.
func (c *Catalog) AddSourceFile(ctx context.Context, f SourceFile, rejected []RejectedRow) (int64, error) {
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("record source file: %w", err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM source_files WHERE sha256 = ?`, f.SHA256).Scan(&id)
	if err == nil {
		return id, nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO source_files (path, sha256, kind, rows, rejected, at) VALUES (?, ?, ?, ?, ?, ?)`,
		f.Path, f.SHA256, f.Kind, f.Rows, f.Rejected, now())
	if err != nil {
		return 0, fmt.Errorf("record source file: %w", err)
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO rejected_rows (file_id, row, reason) VALUES (?, ?, ?)`)
	if err != nil {
		return 0, fmt.Errorf("record rejected rows: %w", err)
	}
	for _, r := range rejected {
		if _, err := ins.ExecContext(ctx, id, r.Row, r.Reason); err != nil {
			return 0, fmt.Errorf("record rejected rows: %w", err)
		}
	}
	return id, tx.Commit()
}

// RejectedRows returns the skipped rows of a source file, by row.
func (c *Catalog) RejectedRows(ctx context.Context, fileID int64) ([]RejectedRow, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT row, reason FROM rejected_rows WHERE file_id = ? ORDER BY row`, fileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RejectedRow
	for rows.Next() {
		var r RejectedRow
		if err := rows.Scan(&r.Row, &r.Reason); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// URLJob is a URL waiting to be fetched.
type URLJob struct {
	ID  int64
	URL string
}

// URLsToFetch returns, by id, the URLs never fetched (status pending), with
// retryFailed also those whose last failure was retryable, and those whose
// status is one of retryStatuses (e.g. blocked_address after allowing
// private addresses).
func (c *Catalog) URLsToFetch(ctx context.Context, retryFailed bool, retryStatuses []string) ([]URLJob, error) {
	q := `SELECT id, url FROM urls WHERE status = 'pending'`
	if retryFailed {
		q += ` OR (status <> 'ok' AND retryable <> 0)`
	}
	args := []any{}
	for _, s := range retryStatuses {
		q += ` OR status = ?`
		args = append(args, s)
	}
	rows, err := c.r.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list URLs to fetch: %w", err)
	}
	defer rows.Close()
	var out []URLJob
	for rows.Next() {
		var j URLJob
		if err := rows.Scan(&j.ID, &j.URL); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// FetchRecord is the outcome of fetching one URL.
type FetchRecord struct {
	URLID      int64
	Status     string // ok or a failure reason
	HTTPStatus int
	Bytes      int64
	Duration   time.Duration
	Attempts   int
	Retryable  bool
	Error      string
	Image      *Image // the stored image when Status is ok
}

// RecordFetches records outcomes in one transaction: each image (if any),
// the URL's state and a fetch log entry. A URL is marked ok only together
// with its image row, so a crash never leaves an ok URL without an image.
func (c *Catalog) RecordFetches(ctx context.Context, recs []FetchRecord) error {
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record fetches: %w", err)
	}
	defer tx.Rollback()
	ts := now()
	for _, r := range recs {
		var key any
		if r.Image != nil {
			var ph any
			if r.Image.PHash != nil {
				ph = int64(*r.Image.PHash)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO images (key, path, thumb, format, width, height, bytes, phash, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(key) DO UPDATE SET path = excluded.path, thumb = excluded.thumb, format = excluded.format,
					width = excluded.width, height = excluded.height, bytes = excluded.bytes, phash = excluded.phash`,
				r.Image.Key, r.Image.Path, r.Image.Thumb, r.Image.Format, r.Image.Width, r.Image.Height, r.Image.Bytes, ph, ts)
			if err != nil {
				return fmt.Errorf("record image %s: %w", r.Image.Key, err)
			}
			key = r.Image.Key
		}
		ms := r.Duration.Milliseconds()
		_, err := tx.ExecContext(ctx, `UPDATE urls SET status = ?, http_status = ?, bytes = ?, duration_ms = ?,
			attempts = attempts + ?, retryable = ?, image_key = ?, error = ?, fetched_at = ? WHERE id = ?`,
			r.Status, r.HTTPStatus, r.Bytes, ms, r.Attempts, r.Retryable, key, r.Error, ts, r.URLID)
		if err != nil {
			return fmt.Errorf("record fetch of URL %d: %w", r.URLID, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO fetch_log (url_id, status, http_status, bytes, duration_ms, error, at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.URLID, r.Status, r.HTTPStatus, r.Bytes, ms, r.Error, ts)
		if err != nil {
			return fmt.Errorf("log fetch of URL %d: %w", r.URLID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record fetches: %w", err)
	}
	return nil
}

// URLInfo is a URL with its fetch outcome and the posts that carry it.
type URLInfo struct {
	ID         int64
	URL        string
	Status     string
	HTTPStatus int
	Bytes      int64
	DurationMS int64
	Attempts   int
	Retryable  bool
	ImageKey   string
	Error      string
	FetchedAt  string   // RFC 3339, or ""
	PostIDs    []string // source ids of the posts
}

// URLs lists every URL (or those with the given status) by id, with the
// source ids of their posts.
func (c *Catalog) URLs(ctx context.Context, status string) ([]URLInfo, error) {
	q := `SELECT u.id, u.url, u.status, u.http_status, u.bytes, u.duration_ms, u.attempts, u.retryable,
			COALESCE(u.image_key, ''), u.error, COALESCE(u.fetched_at, ''),
			COALESCE((SELECT group_concat(p.source_id, char(31)) FROM post_urls pu JOIN posts p ON p.id = pu.post_id
				WHERE pu.url_id = u.id), '')
		FROM urls u`
	var args []any
	if status != "" {
		q += ` WHERE u.status = ?`
		args = append(args, status)
	}
	rows, err := c.r.QueryContext(ctx, q+` ORDER BY u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list URLs: %w", err)
	}
	defer rows.Close()
	var out []URLInfo
	for rows.Next() {
		var u URLInfo
		var posts string
		if err := rows.Scan(&u.ID, &u.URL, &u.Status, &u.HTTPStatus, &u.Bytes, &u.DurationMS, &u.Attempts, &u.Retryable,
			&u.ImageKey, &u.Error, &u.FetchedAt, &posts); err != nil {
			return nil, err
		}
		if posts != "" {
			u.PostIDs = strings.Split(posts, "\x1f")
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// URLStatusCounts returns how many URLs have each status.
func (c *Catalog) URLStatusCounts(ctx context.Context) (map[string]int, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT status, count(*) FROM urls GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// PostCount returns the number of posts.
func (c *Catalog) PostCount(ctx context.Context) (int, error) {
	var n int
	err := c.r.QueryRowContext(ctx, `SELECT count(*) FROM posts`).Scan(&n)
	return n, err
}

// OKURLsWithoutImage returns the ids of URLs marked ok whose image is
// missing from the images table (a disagreement `motif check` repairs).
func (c *Catalog) OKURLsWithoutImage(ctx context.Context) ([]int64, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT u.id FROM urls u LEFT JOIN images i ON i.key = u.image_key
		WHERE u.status = 'ok' AND i.key IS NULL ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ResetURLs marks URLs as never fetched, so the next fetch downloads them
// again; with imageKey set, every URL of that image is reset instead.
func (c *Catalog) ResetURLs(ctx context.Context, ids []int64, imageKey string) (int, error) {
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n := 0
	reset := `UPDATE urls SET status = 'pending', image_key = NULL, retryable = 0, error = '' WHERE `
	if imageKey != "" {
		res, err := tx.ExecContext(ctx, reset+`image_key = ?`, imageKey)
		if err != nil {
			return 0, fmt.Errorf("reset URLs of image %s: %w", imageKey, err)
		}
		m, _ := res.RowsAffected()
		n += int(m)
	}
	for _, id := range ids {
		res, err := tx.ExecContext(ctx, reset+`id = ?`, id)
		if err != nil {
			return 0, fmt.Errorf("reset URL %d: %w", id, err)
		}
		m, _ := res.RowsAffected()
		n += int(m)
	}
	return n, tx.Commit()
}
