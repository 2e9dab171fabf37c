package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"

	"motif/internal/catalog"
	"motif/internal/pipeline"
	"motif/internal/tabular"
	"motif/internal/vec"
)

// setData is an embedding set held in memory: its metadata, unit vectors
// for similarity queries, and which rows show which image.
type setData struct {
	set    catalog.EmbeddingSet
	table  *tabular.Table
	ids    []string
	unit   []float32 // Rows×Dims, L2-normalised
	keys   []string  // image key per row; "" when the row has no image
	byKey  map[string][]int
	lowers map[string][]string // lower-cased string columns, for search
}

// viewKey names what is shown: a layout run and a cluster run (0: none).
type viewKey struct{ layout, clusters int64 }

// view is one map: the coordinates of a layout and the labels of a
// clustering of the same set.
type view struct {
	set      catalog.EmbeddingSet
	layout   *catalog.Run
	clusters *catalog.Run
	x, y     []float32
	labels   []int32
	prob     []float64
	outlier  []float64

	// The binary payloads of /api/points, /api/labels and
	// /api/points/index, built on first request: the same bytes serve
	// every reload.
	payloadOnce   sync.Once
	payload       []byte
	labelsOnce    sync.Once
	labelsPayload []byte
	indexOnce     sync.Once
	index         []byte
}

// httpError is an error with the status it answers with.
type httpError struct {
	status int
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

func errStatus(status int, format string, a ...any) error {
	return &httpError{status, fmt.Errorf(format, a...)}
}

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	var he *httpError
	switch {
	case errors.As(err, &he):
		return he.status
	case errors.Is(err, catalog.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, context.Canceled):
		return 499 // the client went away
	}
	return http.StatusInternalServerError
}

// resolve picks the view a request asks for with its run and set
// parameters, falling back to the server's options.
func (s *Server) resolve(ctx context.Context, r *http.Request) (pipeline.Results, error) {
	q := r.URL.Query()
	runID, setName := s.opts.Run, s.opts.Set
	if q.Get("run") != "" && q.Get("set") != "" {
		return pipeline.Results{}, errStatus(http.StatusBadRequest, "give run or set, not both")
	}
	if v := q.Get("run"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return pipeline.Results{}, errStatus(http.StatusBadRequest, "run %q: want a run number", v)
		}
		runID = id
	}
	if v := q.Get("set"); v != "" {
		setName, runID = v, 0
	}
	res, err := pipeline.FindResults(ctx, s.p, setName, runID)
	if err != nil && !errors.Is(err, catalog.ErrNotFound) {
		return res, errStatus(http.StatusBadRequest, "%w", err)
	}
	return res, err
}

// view loads (once) the coordinates and labels of res.
func (s *Server) view(ctx context.Context, res pipeline.Results) (*view, error) {
	if res.Layout == nil {
		return nil, errStatus(http.StatusNotFound, "embedding set %q has no 2-D map yet; run `motif map` first", res.Set.Name)
	}
	k := viewKey{layout: res.Layout.ID}
	if res.Clusters != nil {
		k.clusters = res.Clusters.ID
	}
	s.viewsMu.Lock()
	defer s.viewsMu.Unlock()
	if v, ok := s.views[k]; ok {
		return v, nil
	}
	l, err := pipeline.LoadLayout(s.p, *res.Layout)
	if err != nil {
		return nil, err
	}
	n := len(l.Coords) / l.Dim
	if l.Dim != 2 || n != res.Set.Rows {
		return nil, fmt.Errorf("layout of run %d is %d×%d, want %d×2", res.Layout.ID, n, l.Dim, res.Set.Rows)
	}
	v := &view{set: res.Set, layout: res.Layout, clusters: res.Clusters,
		x: make([]float32, n), y: make([]float32, n), labels: make([]int32, n)}
	for i := range n {
		v.x[i], v.y[i], v.labels[i] = l.Coords[2*i], l.Coords[2*i+1], -1
	}
	if res.Clusters != nil {
		c, err := pipeline.LoadClustering(s.p, *res.Clusters)
		if err != nil {
			return nil, err
		}
		if len(c.Labels) != n {
			return nil, fmt.Errorf("clustering of run %d has %d rows but its layout has %d", res.Clusters.ID, len(c.Labels), n)
		}
		for i, lb := range c.Labels {
			v.labels[i] = int32(lb)
		}
		v.prob, v.outlier = c.Probabilities, c.OutlierScores
	}
	s.views[k] = v
	return v, nil
}

// setData loads (once) an embedding set.
func (s *Server) setData(ctx context.Context, set catalog.EmbeddingSet) (*setData, error) {
	s.setsMu.Lock()
	defer s.setsMu.Unlock()
	if d, ok := s.sets[set.ID]; ok {
		return d, nil
	}
	e, err := pipeline.LoadEmbeddings(ctx, s.p, set)
	if err != nil {
		return nil, err
	}
	d := &setData{set: set, table: e.Table, ids: e.IDs, keys: make([]string, set.Rows),
		byKey: map[string][]int{}, lowers: map[string][]string{}}
	// The vectors are ours alone: normalise them in place rather than hold
	// a second copy.
	d.unit = e.Vectors.Vectors
	vec.NormalizeRows(d.unit, set.Dims)
	if kc := e.Table.Column(pipeline.ColImage); kc != nil && kc.Type == tabular.String {
		for i, k := range kc.Strings {
			if k != "" && !kc.IsNull(i) {
				d.keys[i] = k
				d.byKey[k] = append(d.byKey[k], i)
			}
		}
	}
	s.sets[set.ID] = d
	return d, nil
}

// cell is a metadata value as JSON shows it.
func cell(c *tabular.Column, i int) any {
	if c.IsNull(i) {
		return nil
	}
	switch c.Type {
	case tabular.String:
		return c.Strings[i]
	case tabular.Int64:
		return c.Ints[i]
	case tabular.Float64:
		return num(c.Floats[i])
	case tabular.Bool:
		return c.Bools[i]
	case tabular.Timestamp:
		return c.Times[i].Format("2006-01-02T15:04:05.999999Z07:00")
	}
	return nil
}

// num is f, or nil where JSON has no number for it (NaN, ±Inf).
func num(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}
