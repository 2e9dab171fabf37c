package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Catalog is an open motif.db. It is safe for concurrent use.
type Catalog struct {
	path string
	w    *sql.DB // the one writer connection
	r    *sql.DB // read-only pool
}

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Open opens the catalog at path, creating it if it does not exist, and
// migrates it to the current schema. A catalog from a newer motif is refused
// with an error wrapping ErrNewerSchema.
func Open(ctx context.Context, path string) (*Catalog, error) {
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	if err := migrate(ctx, w, path); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	return &Catalog{path: path, w: w, r: r}, nil
}

// Close closes the catalog, checkpointing the write-ahead log.
func (c *Catalog) Close() error {
	rerr := c.r.Close()
	_, _ = c.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	werr := c.w.Close()
	return errors.Join(rerr, werr)
}

// Path returns the file the catalog was opened from.
func (c *Catalog) Path() string { return c.path }

// Writer returns the single writer connection pool, for stage code that needs
// a transaction spanning several statements. Keep transactions short.
func (c *Catalog) Writer() *sql.DB { return c.w }

// Reader returns the read-only connection pool.
func (c *Catalog) Reader() *sql.DB { return c.r }

// Version reports the schema version of the open catalog.
func (c *Catalog) Version(ctx context.Context) (int, error) {
	var v int
	err := c.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Exists reports whether a catalog file exists at path.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

func parseTime(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s.String)
	return t
}
