package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Run kinds.
const (
	KindMap     = "map"
	KindCluster = "cluster"
	KindSweep   = "sweep"
)

// Run statuses. A run is "running" from BeginRun until FinishRun or FailRun;
// a run left "running" by a killed process is reported as such and never
// used as the latest result.
const (
	StatusRunning   = "running"
	StatusDone      = "done"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// Run is one map, cluster or sweep computation and where its artifacts are.
type Run struct {
	ID           int64
	Kind         string
	EmbeddingSet int64
	Parent       int64 // the layout run a cluster or sweep used; 0 if none
	Status       string
	Params       map[string]any
	Metrics      map[string]any
	Dir          string // relative to the project directory
	Error        string
	StartedAt    time.Time
	FinishedAt   time.Time
}

// BeginRun records a new running run and returns it with its id and its
// directory (runs/<id>) filled in.
func (c *Catalog) BeginRun(ctx context.Context, r Run) (Run, error) {
	params, err := json.Marshal(orEmpty(r.Params))
	if err != nil {
		return r, err
	}
	var parent any
	if r.Parent != 0 {
		parent = r.Parent
	}
	var set any
	if r.EmbeddingSet != 0 {
		set = r.EmbeddingSet
	}
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return r, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO runs (kind, embedding_set, parent, status, params, started_at)
		VALUES (?, ?, ?, ?, ?, ?)`, r.Kind, set, parent, StatusRunning, string(params), now())
	if err != nil {
		return r, fmt.Errorf("record %s run: %w", r.Kind, err)
	}
	r.ID, _ = res.LastInsertId()
	r.Dir = fmt.Sprintf("runs/%d", r.ID)
	r.Status = StatusRunning
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET dir = ? WHERE id = ?`, r.Dir, r.ID); err != nil {
		return r, err
	}
	return r, tx.Commit()
}

// FinishRun marks a run done with its metrics.
func (c *Catalog) FinishRun(ctx context.Context, id int64, metrics map[string]any) error {
	m, err := json.Marshal(orEmpty(metrics))
	if err != nil {
		return err
	}
	_, err = c.w.ExecContext(ctx, `UPDATE runs SET status = ?, metrics = ?, finished_at = ? WHERE id = ?`,
		StatusDone, string(m), now(), id)
	return err
}

// EndRun marks a run failed or cancelled with the error that stopped it. It
// uses its own context so that a cancelled stage can still record why.
func (c *Catalog) EndRun(id int64, status string, cause error) error {
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	_, err := c.w.Exec(`UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?`, status, msg, now(), id)
	return err
}

const runCols = `id, kind, COALESCE(embedding_set, 0), COALESCE(parent, 0), status, params, metrics, dir, error, started_at, finished_at`

func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var params, metrics string
	var started, finished sql.NullString
	err := row.Scan(&r.ID, &r.Kind, &r.EmbeddingSet, &r.Parent, &r.Status, &params, &metrics, &r.Dir, &r.Error, &started, &finished)
	if err != nil {
		return r, err
	}
	_ = json.Unmarshal([]byte(params), &r.Params)
	_ = json.Unmarshal([]byte(metrics), &r.Metrics)
	r.StartedAt, r.FinishedAt = parseTime(started), parseTime(finished)
	return r, nil
}

// RunByID returns one run, or ErrNotFound.
func (c *Catalog) RunByID(ctx context.Context, id int64) (Run, error) {
	r, err := scanRun(c.r.QueryRowContext(ctx, `SELECT `+runCols+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	return r, err
}

// LatestRun returns the newest finished run of a kind, optionally only among
// those of one embedding set (set 0: any) and only those satisfying keep
// (nil: all). It returns ErrNotFound if there is none.
func (c *Catalog) LatestRun(ctx context.Context, kind string, set int64, keep func(Run) bool) (Run, error) {
	runs, err := c.Runs(ctx, kind)
	if err != nil {
		return Run{}, err
	}
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		if r.Status != StatusDone || (set != 0 && r.EmbeddingSet != set) {
			continue
		}
		if keep == nil || keep(r) {
			return r, nil
		}
	}
	return Run{}, fmt.Errorf("no finished %s run: %w", kind, ErrNotFound)
}

// Runs lists runs of one kind ("" for all), oldest first.
func (c *Catalog) Runs(ctx context.Context, kind string) ([]Run, error) {
	q := `SELECT ` + runCols + ` FROM runs`
	var args []any
	if kind != "" {
		q += ` WHERE kind = ?`
		args = append(args, kind)
	}
	rows, err := c.r.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Cluster is one cluster of a cluster run, with the name and note an analyst
// gave it.
type Cluster struct {
	Label       int
	Size        int
	Persistence float64
	Exemplars   []int // row indices into the run's embedding set
	Name, Note  string
}

// PutClusters stores the cluster table of a run, replacing any before.
func (c *Catalog) PutClusters(ctx context.Context, run int64, cs []Cluster) error {
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM clusters WHERE run_id = ?`, run); err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO clusters (run_id, label, size, persistence, exemplars, name, note) VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, cl := range cs {
		ex, _ := json.Marshal(cl.Exemplars)
		if cl.Exemplars == nil {
			ex = []byte("[]")
		}
		if _, err := st.ExecContext(ctx, run, cl.Label, cl.Size, cl.Persistence, string(ex), cl.Name, cl.Note); err != nil {
			return fmt.Errorf("store cluster %d of run %d: %w", cl.Label, run, err)
		}
	}
	return tx.Commit()
}

// Clusters returns the cluster table of a run, by label.
func (c *Catalog) Clusters(ctx context.Context, run int64) ([]Cluster, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT label, size, persistence, exemplars, name, note FROM clusters WHERE run_id = ? ORDER BY label`, run)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Cluster
	for rows.Next() {
		var cl Cluster
		var ex string
		if err := rows.Scan(&cl.Label, &cl.Size, &cl.Persistence, &ex, &cl.Name, &cl.Note); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(ex), &cl.Exemplars)
		out = append(out, cl)
	}
	return out, rows.Err()
}

// NameCluster sets the name and note of one cluster of a run.
func (c *Catalog) NameCluster(ctx context.Context, run int64, label int, name, note string) error {
	res, err := c.w.ExecContext(ctx, `UPDATE clusters SET name = ?, note = ? WHERE run_id = ? AND label = ?`, name, note, run, label)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("cluster %d of run %d: %w", label, run, ErrNotFound)
	}
	return nil
}
