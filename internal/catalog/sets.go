package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// EmbeddingSet describes one embeddings/<name>.parquet file: a vector per
// row, keyed by the row's id.
type EmbeddingSet struct {
	ID          int64
	Name        string
	Path        string // relative to the project directory
	Rows, Dims  int
	Source      string // "import" or "embed"
	SourcePath  string
	Model       string
	ModelSHA256 string
	Params      map[string]any
	CreatedAt   time.Time
}

// ErrExists is returned when a named object already exists.
var ErrExists = errors.New("already exists")

// AddEmbeddingSet records a new embedding set and returns its id. The
// Parquet file must already be in place.
func (c *Catalog) AddEmbeddingSet(ctx context.Context, s EmbeddingSet) (int64, error) {
	params, err := json.Marshal(orEmpty(s.Params))
	if err != nil {
		return 0, err
	}
	res, err := c.w.ExecContext(ctx, `INSERT INTO embedding_sets
		(name, path, rows, dims, source, source_path, model, model_sha256, params, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING`,
		s.Name, s.Path, s.Rows, s.Dims, s.Source, s.SourcePath, s.Model, s.ModelSHA256, string(params), now())
	if err != nil {
		return 0, fmt.Errorf("record embedding set %q: %w", s.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, fmt.Errorf("embedding set %q: %w", s.Name, ErrExists)
	}
	return res.LastInsertId()
}

// DeleteEmbeddingSet removes a set's record (not its file) and the runs made
// from it.
func (c *Catalog) DeleteEmbeddingSet(ctx context.Context, id int64) error {
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM clusters WHERE run_id IN (SELECT id FROM runs WHERE embedding_set = ?)`, id); err != nil {
		return err
	}
	// Child runs first: runs refer to their parent layout.
	if _, err := tx.ExecContext(ctx, `DELETE FROM runs WHERE embedding_set = ? AND parent IS NOT NULL`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM runs WHERE embedding_set = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM embedding_sets WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Commit()
}

const setCols = `id, name, path, rows, dims, source, source_path, model, model_sha256, params, created_at`

func scanSet(row interface{ Scan(...any) error }) (EmbeddingSet, error) {
	var s EmbeddingSet
	var params string
	var created sql.NullString
	err := row.Scan(&s.ID, &s.Name, &s.Path, &s.Rows, &s.Dims, &s.Source, &s.SourcePath, &s.Model, &s.ModelSHA256, &params, &created)
	if err != nil {
		return s, err
	}
	s.CreatedAt = parseTime(created)
	_ = json.Unmarshal([]byte(params), &s.Params)
	return s, nil
}

// EmbeddingSetByName returns the named set, or ErrNotFound.
func (c *Catalog) EmbeddingSetByName(ctx context.Context, name string) (EmbeddingSet, error) {
	s, err := scanSet(c.r.QueryRowContext(ctx, `SELECT `+setCols+` FROM embedding_sets WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("embedding set %q: %w", name, ErrNotFound)
	}
	return s, err
}

// EmbeddingSetByID returns the set with the given id, or ErrNotFound.
func (c *Catalog) EmbeddingSetByID(ctx context.Context, id int64) (EmbeddingSet, error) {
	s, err := scanSet(c.r.QueryRowContext(ctx, `SELECT `+setCols+` FROM embedding_sets WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("embedding set %d: %w", id, ErrNotFound)
	}
	return s, err
}

// EmbeddingSets lists every set, oldest first.
func (c *Catalog) EmbeddingSets(ctx context.Context) ([]EmbeddingSet, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT `+setCols+` FROM embedding_sets ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EmbeddingSet
	for rows.Next() {
		s, err := scanSet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
