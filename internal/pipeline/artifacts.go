package pipeline

import (
	"context"
	"errors"
	"fmt"

	"motif/internal/catalog"
	"motif/internal/tabular"
)

// Artifact file names inside runs/<id>/.
const (
	LayoutFile   = "layout.parquet"
	ClustersFile = "clusters.parquet"
	SweepFile    = "sweep.csv"
	SweepChart   = "sweep.svg"
)

// Embeddings is an embedding set loaded in memory.
type Embeddings struct {
	Set     catalog.EmbeddingSet
	Table   *tabular.Table  // every column of the set's Parquet file
	IDs     []string        // the id column
	Vectors *tabular.Column // the embedding column, Rows×Dim
}

// LoadEmbeddings reads an embedding set's Parquet file.
func LoadEmbeddings(ctx context.Context, p *Project, set catalog.EmbeddingSet) (*Embeddings, error) {
	t, err := tabular.ReadParquet(p.Path(set.Path), tabular.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("embedding set %q: %w", set.Name, err)
	}
	ids, vec := t.Column(ColID), t.Column(ColEmbedding)
	if ids == nil || ids.Type != tabular.String || vec == nil || vec.Type != tabular.Vector {
		return nil, fmt.Errorf("embedding set %q: %s lacks its %q or %q column; the file was changed outside motif",
			set.Name, set.Path, ColID, ColEmbedding)
	}
	if t.Rows != set.Rows || vec.Dim != set.Dims {
		return nil, fmt.Errorf("embedding set %q: %s holds %d×%d vectors but the catalog recorded %d×%d; the file was changed outside motif",
			set.Name, set.Path, t.Rows, vec.Dim, set.Rows, set.Dims)
	}
	return &Embeddings{Set: set, Table: t, IDs: ids.Strings, Vectors: vec}, nil
}

// Layout is a map run's coordinates: Rows×Dim, row i for row i of the set.
type Layout struct {
	Run    catalog.Run
	Coords []float32
	Dim    int
}

// layoutColumns names the coordinate columns of a layout of dim dimensions:
// x, y for the 2-D map, x0, x1, … otherwise.
func layoutColumns(dim int) []string {
	if dim == 2 {
		return []string{"x", "y"}
	}
	names := make([]string, dim)
	for i := range names {
		names[i] = fmt.Sprintf("x%d", i)
	}
	return names
}

// LoadLayout reads the coordinates of a finished map run.
func LoadLayout(p *Project, run catalog.Run) (*Layout, error) {
	if run.Kind != catalog.KindMap {
		return nil, fmt.Errorf("run %d is a %s run, not a map run", run.ID, run.Kind)
	}
	t, err := tabular.ReadParquet(p.Path(run.Dir+"/"+LayoutFile), tabular.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("layout of run %d: %w", run.ID, err)
	}
	dim := intParam(run.Params, "dims", 2)
	names := layoutColumns(dim)
	l := &Layout{Run: run, Dim: dim, Coords: make([]float32, t.Rows*dim)}
	for d, name := range names {
		c := t.Column(name)
		if c == nil || c.Type != tabular.Float64 {
			return nil, fmt.Errorf("layout of run %d lacks its %q column", run.ID, name)
		}
		for i, v := range c.Floats {
			l.Coords[i*dim+d] = float32(v)
		}
	}
	return l, nil
}

// Clustering is a cluster run's per-row result.
type Clustering struct {
	Run           catalog.Run
	Labels        []int64
	Probabilities []float64
	OutlierScores []float64
}

// LoadClustering reads the labels of a finished cluster run.
func LoadClustering(p *Project, run catalog.Run) (*Clustering, error) {
	if run.Kind != catalog.KindCluster {
		return nil, fmt.Errorf("run %d is a %s run, not a cluster run", run.ID, run.Kind)
	}
	t, err := tabular.ReadParquet(p.Path(run.Dir+"/"+ClustersFile), tabular.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("clusters of run %d: %w", run.ID, err)
	}
	l, pr, o := t.Column("cluster"), t.Column("probability"), t.Column("outlier_score")
	if l == nil || l.Type != tabular.Int64 || pr == nil || pr.Type != tabular.Float64 || o == nil || o.Type != tabular.Float64 {
		return nil, fmt.Errorf("clusters of run %d: %s lacks its cluster, probability or outlier_score column", run.ID, ClustersFile)
	}
	return &Clustering{Run: run, Labels: l.Ints, Probabilities: pr.Floats, OutlierScores: o.Floats}, nil
}

// Results are what the latest (or a chosen) run of a set has to show.
type Results struct {
	Set      catalog.EmbeddingSet
	Layout   *catalog.Run // a 2-D map run, or nil
	Clusters *catalog.Run // a cluster run, or nil
}

// FindResults picks the runs to show: the given run (a map run, or a cluster
// run and the layout it clustered), else the newest finished cluster run of
// the set and its layout, else the newest 2-D map run.
func FindResults(ctx context.Context, p *Project, setName string, runID int64) (Results, error) {
	var r Results
	if runID != 0 {
		run, err := p.Catalog.RunByID(ctx, runID)
		if err != nil {
			return r, err
		}
		if run.Status != catalog.StatusDone {
			return r, fmt.Errorf("run %d is %s, not done", run.ID, run.Status)
		}
		if r.Set, err = p.Catalog.EmbeddingSetByID(ctx, run.EmbeddingSet); err != nil {
			return r, err
		}
		switch run.Kind {
		case catalog.KindMap:
			r.Layout = &run
		case catalog.KindCluster:
			r.Clusters = &run
			if run.Parent != 0 {
				parent, err := p.Catalog.RunByID(ctx, run.Parent)
				if err != nil {
					return r, err
				}
				if intParam(parent.Params, "dims", 2) == 2 {
					r.Layout = &parent
				}
			}
		default:
			return r, fmt.Errorf("run %d is a %s run; pick a map or cluster run", run.ID, run.Kind)
		}
		if r.Layout == nil {
			if l, err := latest2D(ctx, p, r.Set.ID); err == nil {
				r.Layout = &l
			}
		}
		return r, nil
	}
	set, err := p.Set(ctx, setName)
	if err != nil {
		return r, err
	}
	r.Set = set
	if cl, err := p.Catalog.LatestRun(ctx, catalog.KindCluster, set.ID, nil); err == nil {
		r.Clusters = &cl
		if cl.Parent != 0 {
			if parent, err := p.Catalog.RunByID(ctx, cl.Parent); err == nil && intParam(parent.Params, "dims", 2) == 2 {
				r.Layout = &parent
			}
		}
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return r, err
	}
	if r.Layout == nil {
		if l, err := latest2D(ctx, p, set.ID); err == nil {
			r.Layout = &l
		}
	}
	return r, nil
}

func latest2D(ctx context.Context, p *Project, set int64) (catalog.Run, error) {
	return p.Catalog.LatestRun(ctx, catalog.KindMap, set, func(r catalog.Run) bool {
		return intParam(r.Params, "dims", 2) == 2
	})
}

// intParam reads an integer run parameter (JSON numbers decode as float64).
func intParam(m map[string]any, key string, def int) int {
	switch v := m[key].(type) {
	case float64:
		return int(v)
	case int:
		return v
	case int64:
		return int(v)
	}
	return def
}
