package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"motif/internal/catalog"
	"motif/internal/tabular"
	"motif/internal/umap"
)

// MapOptions say which set to lay out and how.
type MapOptions struct {
	Set      string // embedding set name; default: the newest
	UMAP     umap.Options
	Progress Progress
}

// Map lays out an embedding set with UMAP and records the run. The layout is
// written to runs/<id>/layout.parquet (id, then x, y for two dimensions or
// x0, x1, … for more). An interrupted or failed run is marked so in the
// catalog and leaves no layout file behind.
func Map(ctx context.Context, p *Project, opts MapOptions) (catalog.Run, error) {
	set, err := p.Set(ctx, opts.Set)
	if err != nil {
		return catalog.Run{}, err
	}
	opts.Progress.report("load", 0, 0)
	emb, err := LoadEmbeddings(ctx, p, set)
	if err != nil {
		return catalog.Run{}, err
	}
	u := opts.UMAP
	u.Progress = opts.Progress
	params := mapParams(set, u)
	return runStage(ctx, p, catalog.Run{Kind: catalog.KindMap, EmbeddingSet: set.ID, Params: params},
		func(run catalog.Run) (map[string]any, error) {
			start := time.Now()
			res, err := umap.Fit(ctx, emb.Vectors.Vectors, set.Rows, set.Dims, u)
			if err != nil {
				return nil, err
			}
			t := &tabular.Table{Rows: set.Rows}
			t.Columns = append(t.Columns, &tabular.Column{Name: ColID, Type: tabular.String, Strings: emb.IDs})
			for d, name := range layoutColumns(res.Dim) {
				col := make([]float64, set.Rows)
				for i := range col {
					col[i] = float64(res.Embedding[i*res.Dim+d])
				}
				t.Columns = append(t.Columns, &tabular.Column{Name: name, Type: tabular.Float64, Floats: col})
			}
			if err := tabular.WriteParquet(p.Path(run.Dir+"/"+LayoutFile), t); err != nil {
				return nil, err
			}
			return map[string]any{
				"seconds": time.Since(start).Seconds(), "a": res.A, "b": res.B, "epochs": res.NEpochs,
			}, nil
		})
}

// runStage records a run, makes its directory, runs body and records how it
// ended: done with body's metrics, or failed/cancelled with the directory
// removed so that no half-made artifact is ever read.
func runStage(ctx context.Context, p *Project, r catalog.Run, body func(catalog.Run) (map[string]any, error)) (catalog.Run, error) {
	run, err := p.Catalog.BeginRun(ctx, r)
	if err != nil {
		return run, err
	}
	dir := p.Path(run.Dir)
	fail := func(err error) (catalog.Run, error) {
		os.RemoveAll(dir)
		status := catalog.StatusFailed
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			status = catalog.StatusCancelled
		}
		run.Status = status
		if e := p.Catalog.EndRun(run.ID, status, err); e != nil {
			return run, errors.Join(err, e)
		}
		return run, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(fmt.Errorf("create %s: %w", dir, err))
	}
	metrics, err := body(run)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return fail(err)
	}
	if err := p.Catalog.FinishRun(ctx, run.ID, metrics); err != nil {
		return fail(err)
	}
	run.Status, run.Metrics = catalog.StatusDone, metrics
	return run, nil
}

// mapParams are the parameters a map run records (and is reused by).
func mapParams(set catalog.EmbeddingSet, u umap.Options) map[string]any {
	dims := u.NComponents
	if dims == 0 {
		dims = 2
	}
	return map[string]any{
		"neighbors": u.NNeighbors, "min_dist": u.MinDist, "spread": u.Spread,
		"metric": u.Metric.String(), "dims": dims, "seed": u.Seed,
		"epochs": u.NEpochs, "threads": u.Threads, "set": set.Name,
		"learning_rate": u.LearningRate, "negative_sample_rate": u.NegativeSampleRate,
		"local_connectivity": u.LocalConnectivity, "set_op_mix_ratio": u.SetOpMixRatio, "init": u.Init.String(),
	}
}
