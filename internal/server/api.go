package server

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"motif/internal/catalog"
	"motif/internal/knn"
	"motif/internal/pipeline"
	"motif/internal/tabular"
)

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "encode response: %v", err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

// writeError answers with {"error": message}.
func writeError(w http.ResponseWriter, status int, format string, a ...any) {
	b, _ := json.Marshal(map[string]string{"error": fmt.Sprintf(format, a...)})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

// fail answers with err's status, logging what is the server's fault.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	st := statusOf(err)
	if st >= 500 && st != 499 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if st == 499 {
		return
	}
	writeError(w, st, "%v", err)
}

// SetInfo describes an embedding set.
type SetInfo struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Rows      int            `json:"rows"`
	Dims      int            `json:"dims"`
	Source    string         `json:"source"`
	Model     string         `json:"model,omitempty"`
	Params    map[string]any `json:"params"`
	CreatedAt time.Time      `json:"created_at"`
}

func setInfo(s catalog.EmbeddingSet) SetInfo {
	return SetInfo{ID: s.ID, Name: s.Name, Rows: s.Rows, Dims: s.Dims, Source: s.Source, Model: s.Model,
		Params: orEmpty(s.Params), CreatedAt: s.CreatedAt}
}

// RunInfo describes a run.
type RunInfo struct {
	ID         int64          `json:"id"`
	Kind       string         `json:"kind"`
	Set        int64          `json:"set"`
	Parent     int64          `json:"parent,omitempty"`
	Status     string         `json:"status"`
	Params     map[string]any `json:"params"`
	Metrics    map[string]any `json:"metrics"`
	Error      string         `json:"error,omitempty"`
	StartedAt  time.Time      `json:"started_at"`
	FinishedAt *time.Time     `json:"finished_at,omitempty"`
}

func runInfo(r *catalog.Run) *RunInfo {
	if r == nil {
		return nil
	}
	ri := &RunInfo{ID: r.ID, Kind: r.Kind, Set: r.EmbeddingSet, Parent: r.Parent, Status: r.Status,
		Params: orEmpty(r.Params), Metrics: orEmpty(r.Metrics), Error: r.Error, StartedAt: r.StartedAt}
	if !r.FinishedAt.IsZero() {
		t := r.FinishedAt
		ri.FinishedAt = &t
	}
	return ri
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func (s *Server) handleSets(w http.ResponseWriter, r *http.Request) {
	sets, err := s.p.Catalog.EmbeddingSets(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]SetInfo, len(sets))
	for i, st := range sets {
		out[i] = setInfo(st)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleRuns(w http.ResponseWriter, r *http.Request) {
	runs, err := s.p.Catalog.Runs(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]*RunInfo, len(runs))
	for i := range runs {
		out[i] = runInfo(&runs[i])
	}
	writeJSON(w, http.StatusOK, out)
}

// ViewInfo says what a map shows.
type ViewInfo struct {
	Set      SetInfo  `json:"set"`
	Layout   *RunInfo `json:"layout"`
	Clusters *RunInfo `json:"clusters"`
	Columns  []Column `json:"columns"` // the set's metadata columns
}

// Column is a metadata column of an embedding set.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func (s *Server) handleView(w http.ResponseWriter, r *http.Request) {
	res, err := s.resolve(r.Context(), r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := ViewInfo{Set: setInfo(res.Set), Layout: runInfo(res.Layout), Clusters: runInfo(res.Clusters), Columns: []Column{}}
	if res.Layout != nil {
		d, err := s.setData(r.Context(), res.Set)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range d.table.Columns {
			if c.Type != tabular.Vector {
				v.Columns = append(v.Columns, Column{Name: c.Name, Type: c.Type.String()})
			}
		}
		first, err := s.p.Catalog.FirstPostTimes(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for k := range first {
			if len(d.byKey[k]) > 0 {
				v.Columns = append(v.Columns, Column{Name: PostTimeColumn, Type: tabular.Timestamp.String()})
				break
			}
		}
	}
	writeJSON(w, http.StatusOK, v)
}

// PointsMagic starts the binary points payload.
const PointsMagic = "MTFP"

// handlePoints answers with the map as a compact little-endian payload:
// "MTFP", uint32 n, uint32 layout run, uint32 cluster run (0: none), then
// n float32 x, n float32 y and n int32 cluster labels (−1: noise or
// unclustered). A browser reads it with typed arrays, without parsing.
func (s *Server) handlePoints(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewOf(w, r)
	if !ok {
		return
	}
	v.payloadOnce.Do(func() { v.payload = pointsPayload(v) })
	writeBinary(w, v.payload)
}

// LabelsMagic starts the binary labels payload.
const LabelsMagic = "MTFL"

// LayoutRunHeader names the layout run of /api/points/index's answer.
const LayoutRunHeader = "X-Motif-Layout-Run"

// handleLabels answers with the cluster labels of the map alone, for a
// page that takes its coordinates from the spatial index: "MTFL", uint32
// n, uint32 layout run, uint32 cluster run (0: none), then n int32 labels
// (−1: noise or unclustered), little-endian.
func (s *Server) handleLabels(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewOf(w, r)
	if !ok {
		return
	}
	v.labelsOnce.Do(func() { v.labelsPayload = labelsPayload(v) })
	writeBinary(w, v.labelsPayload)
}

// handlePointsIndex answers with the map's spatial index in KDBush's format
// (see kdindex.go) over the coordinates the UI draws (mapCoords), for
// regl-scatterplot's draw(points, {spatialIndex}); the UI reads its
// coordinates from it too. The LayoutRunHeader says which layout it is.
func (s *Server) handlePointsIndex(w http.ResponseWriter, r *http.Request) {
	v, ok := s.viewOf(w, r)
	if !ok {
		return
	}
	v.indexOnce.Do(func() { v.index = kdIndex(mapCoords(v.x, v.y)) })
	w.Header().Set(LayoutRunHeader, strconv.FormatInt(v.layout.ID, 10))
	writeBinary(w, v.index)
}

// viewOf resolves and loads the view a request asks for, answering with
// the error if it cannot.
func (s *Server) viewOf(w http.ResponseWriter, r *http.Request) (*view, bool) {
	res, err := s.resolve(r.Context(), r)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v, err := s.view(r.Context(), res)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return v, true
}

// pointsPayload encodes the payload of /api/points.
func pointsPayload(v *view) []byte {
	n := len(v.x)
	buf, off := payloadHeader(PointsMagic, v, 12*n)
	le := binary.LittleEndian
	for _, f := range v.x {
		le.PutUint32(buf[off:], math.Float32bits(f))
		off += 4
	}
	for _, f := range v.y {
		le.PutUint32(buf[off:], math.Float32bits(f))
		off += 4
	}
	putLabels(buf[off:], v.labels)
	return buf
}

// labelsPayload encodes the payload of /api/labels.
func labelsPayload(v *view) []byte {
	buf, off := payloadHeader(LabelsMagic, v, 4*len(v.labels))
	putLabels(buf[off:], v.labels)
	return buf
}

// payloadHeader returns a buffer for a binary map payload with body bytes
// after its 16-byte header (magic, uint32 n, uint32 layout run, uint32
// cluster run or 0), the header written, and the offset of the body.
func payloadHeader(magic string, v *view, body int) ([]byte, int) {
	buf := make([]byte, 16+body)
	copy(buf, magic)
	le := binary.LittleEndian
	le.PutUint32(buf[4:], uint32(len(v.labels)))
	le.PutUint32(buf[8:], uint32(v.layout.ID))
	if v.clusters != nil {
		le.PutUint32(buf[12:], uint32(v.clusters.ID))
	}
	return buf, 16
}

// putLabels writes the cluster labels as little-endian int32.
func putLabels(b []byte, labels []int32) {
	for i, l := range labels {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(l))
	}
}

// writeBinary answers with b as application/octet-stream.
func writeBinary(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// ClusterInfo is one cluster of a clustering.
type ClusterInfo struct {
	Label       int      `json:"label"`
	Size        int      `json:"size"`
	Persistence any      `json:"persistence"`
	Name        string   `json:"name"`
	Note        string   `json:"note"`
	Exemplars   []int    `json:"exemplars"`
	Centre      [2]any   `json:"centre"`        // mean map position of the members
	Keys        []string `json:"exemplar_keys"` // image keys of the exemplars ("" when none)
}

// ClustersInfo is the cluster table of the run shown.
type ClustersInfo struct {
	Run      int64         `json:"run"`
	Clusters []ClusterInfo `json:"clusters"`
}

func (s *Server) handleClusters(w http.ResponseWriter, r *http.Request) {
	res, err := s.resolve(r.Context(), r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := ClustersInfo{Clusters: []ClusterInfo{}}
	if res.Clusters == nil {
		writeJSON(w, http.StatusOK, out)
		return
	}
	out.Run = res.Clusters.ID
	cs, err := s.p.Catalog.Clusters(r.Context(), res.Clusters.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v *view
	if res.Layout != nil {
		if v, err = s.view(r.Context(), res); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	d, err := s.setData(r.Context(), res.Set)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range cs {
		ci := ClusterInfo{Label: c.Label, Size: c.Size, Persistence: num(c.Persistence), Name: c.Name, Note: c.Note,
			Exemplars: c.Exemplars, Keys: make([]string, 0, len(c.Exemplars))}
		if ci.Exemplars == nil {
			ci.Exemplars = []int{}
		}
		for _, e := range c.Exemplars {
			k := ""
			if e >= 0 && e < len(d.keys) {
				k = d.keys[e]
			}
			ci.Keys = append(ci.Keys, k)
		}
		out.Clusters = append(out.Clusters, ci)
	}
	if v != nil {
		sx := make([]float64, len(out.Clusters))
		sy := make([]float64, len(out.Clusters))
		cnt := make([]int, len(out.Clusters))
		idx := map[int]int{}
		for i, c := range out.Clusters {
			idx[c.Label] = i
		}
		for i, l := range v.labels {
			if j, ok := idx[int(l)]; ok {
				sx[j] += float64(v.x[i])
				sy[j] += float64(v.y[i])
				cnt[j]++
			}
		}
		for j := range out.Clusters {
			if cnt[j] > 0 {
				out.Clusters[j].Centre = [2]any{num(sx[j] / float64(cnt[j])), num(sy[j] / float64(cnt[j]))}
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// Limits on what a rename may store.
const (
	maxNameLen = 200
	maxNoteLen = 10_000
)

func (s *Server) handleNameCluster(w http.ResponseWriter, r *http.Request) {
	run, err := strconv.ParseInt(r.PathValue("run"), 10, 64)
	if err != nil || run < 1 {
		writeError(w, http.StatusBadRequest, "run %q: want a run number", r.PathValue("run"))
		return
	}
	label, err := strconv.Atoi(r.PathValue("label"))
	if err != nil || label < 0 {
		writeError(w, http.StatusBadRequest, "cluster %q: want a cluster label (0 or more)", r.PathValue("label"))
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusUnsupportedMediaType, "send the name and note as application/json")
		return
	}
	var body struct {
		Name string `json:"name"`
		Note string `json:"note"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: %v", err)
		return
	}
	body.Name, body.Note = strings.TrimSpace(body.Name), strings.TrimSpace(body.Note)
	switch {
	case !utf8.ValidString(body.Name) || !utf8.ValidString(body.Note):
		writeError(w, http.StatusBadRequest, "name and note must be UTF-8 text")
		return
	case utf8.RuneCountInString(body.Name) > maxNameLen:
		writeError(w, http.StatusBadRequest, "name is longer than %d characters", maxNameLen)
		return
	case utf8.RuneCountInString(body.Note) > maxNoteLen:
		writeError(w, http.StatusBadRequest, "note is longer than %d characters", maxNoteLen)
		return
	}
	rn, err := s.p.Catalog.RunByID(r.Context(), run)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rn.Kind != catalog.KindCluster {
		writeError(w, http.StatusBadRequest, "run %d is a %s run; clusters belong to cluster runs", run, rn.Kind)
		return
	}
	if err := s.p.Catalog.NameCluster(r.Context(), run, label, body.Name, body.Note); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"run": run, "label": label, "name": body.Name, "note": body.Note})
}

// Item is one row of the map with everything known about it.
type Item struct {
	Row          int         `json:"row"`
	ID           string      `json:"id"`
	ImageKey     string      `json:"image_key,omitempty"`
	Image        *ImageInfo  `json:"image,omitempty"`
	Metadata     []Field     `json:"metadata"`
	Cluster      *int32      `json:"cluster,omitempty"`
	Probability  any         `json:"probability,omitempty"`
	OutlierScore any         `json:"outlier_score,omitempty"`
	X            any         `json:"x,omitempty"`
	Y            any         `json:"y,omitempty"`
	Posts        []Post      `json:"posts"`
	Neighbours   []Neighbour `json:"neighbours"`
}

// ImageInfo describes an item's picture.
type ImageInfo struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Format string `json:"format"`
	Bytes  int64  `json:"bytes"`
	Thumb  string `json:"thumb,omitempty"` // URL
	URL    string `json:"url,omitempty"`   // URL of the original
}

// Field is one metadata value.
type Field struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// Post is a post that carried an item's image.
type Post struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Author   string `json:"author"`
	PostedAt string `json:"posted_at,omitempty"`
	URL      string `json:"url"`
}

// Neighbour is a nearest neighbour in embedding space.
type Neighbour struct {
	Row      int    `json:"row"`
	ID       string `json:"id"`
	ImageKey string `json:"image_key,omitempty"`
	Distance any    `json:"distance"` // cosine distance, 1 − cos
}

// maxPosts caps the posts an item lists.
const maxPosts = 200

func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	row, err := strconv.Atoi(r.PathValue("row"))
	if err != nil || row < 0 {
		writeError(w, http.StatusBadRequest, "row %q: want a row number", r.PathValue("row"))
		return
	}
	res, err := s.resolve(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if row >= res.Set.Rows {
		writeError(w, http.StatusNotFound, "row %d: set %q has %d rows", row, res.Set.Name, res.Set.Rows)
		return
	}
	d, err := s.setData(ctx, res.Set)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	it := Item{Row: row, ID: d.ids[row], ImageKey: d.keys[row], Metadata: []Field{}, Posts: []Post{}, Neighbours: []Neighbour{}}
	for _, c := range d.table.Columns {
		if c.Type == tabular.Vector || c.Name == pipeline.ColImage {
			continue
		}
		it.Metadata = append(it.Metadata, Field{Name: c.Name, Value: cell(c, row)})
	}
	if res.Layout != nil {
		v, err := s.view(ctx, res)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		it.X, it.Y = num(float64(v.x[row])), num(float64(v.y[row]))
		if v.clusters != nil {
			l := v.labels[row]
			it.Cluster = &l
			it.Probability, it.OutlierScore = num(v.prob[row]), num(v.outlier[row])
		}
	}
	if it.ImageKey != "" {
		im, err := s.p.Catalog.ImageByKey(ctx, it.ImageKey)
		if err == nil {
			it.Image = &ImageInfo{Width: im.Width, Height: im.Height, Format: im.Format, Bytes: im.Bytes}
			if im.Thumb != "" {
				it.Image.Thumb = "/thumbs/" + im.Key + ".jpg"
			}
			if im.Path != "" {
				it.Image.URL = "/images/" + im.Key
			}
		} else if !errors.Is(err, catalog.ErrNotFound) {
			s.fail(w, r, err)
			return
		}
		posts, err := s.p.Catalog.PostsOfImage(ctx, it.ImageKey, maxPosts)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, p := range posts {
			it.Posts = append(it.Posts, Post{ID: p.SourceID, Text: p.Text, Author: p.Author, PostedAt: p.PostedAt, URL: p.URL})
		}
	}
	dim := res.Set.Dims
	ix, dist := knn.Nearest(d.unit, res.Set.Rows, dim, d.unit[row*dim:(row+1)*dim], s.opts.Neighbours+1, knn.Cosine)
	for j, nb := range ix {
		if int(nb) == row {
			continue
		}
		if len(it.Neighbours) == s.opts.Neighbours {
			break
		}
		it.Neighbours = append(it.Neighbours, Neighbour{Row: int(nb), ID: d.ids[nb], ImageKey: d.keys[nb], Distance: num(float64(dist[j]))})
	}
	writeJSON(w, http.StatusOK, it)
}

// SearchResult lists the rows that match a query, in row order.
type SearchResult struct {
	Query     string `json:"query"`
	Rows      []int  `json:"rows"`
	Truncated bool   `json:"truncated"`
}

// maxQueryLen bounds a search query, in bytes.
const maxQueryLen = 500

// handleSearch finds rows whose metadata text contains the query, or whose
// image was carried by a post whose text or author contains it; both
// case-insensitively.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		writeError(w, http.StatusBadRequest, "search for what? give q")
		return
	}
	if len(q) > maxQueryLen || !utf8.ValidString(q) {
		writeError(w, http.StatusBadRequest, "query must be UTF-8 text of at most %d bytes", maxQueryLen)
		return
	}
	res, err := s.resolve(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.setData(ctx, res.Set)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lq := strings.ToLower(q)
	hit := make([]bool, res.Set.Rows)
	for _, c := range d.table.Columns {
		if c.Type != tabular.String || c.Name == pipeline.ColImage {
			continue
		}
		low := s.lowered(d, c)
		for i, v := range low {
			if !hit[i] && !c.IsNull(i) && strings.Contains(v, lq) {
				hit[i] = true
			}
		}
	}
	keys, err := s.p.Catalog.ImagesWithPostText(ctx, q, 10*s.opts.SearchLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, k := range keys {
		for _, i := range d.byKey[k] {
			hit[i] = true
		}
	}
	out := SearchResult{Query: q, Rows: []int{}}
	for i, h := range hit {
		if h {
			if len(out.Rows) == s.opts.SearchLimit {
				out.Truncated = true
				break
			}
			out.Rows = append(out.Rows, i)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// lowered returns a string column in lower case, computed once.
func (s *Server) lowered(d *setData, c *tabular.Column) []string {
	s.setsMu.Lock()
	defer s.setsMu.Unlock()
	if l, ok := d.lowers[c.Name]; ok {
		return l
	}
	l := make([]string, len(c.Strings))
	for i, v := range c.Strings {
		l[i] = strings.ToLower(v)
	}
	d.lowers[c.Name] = l
	return l
}

// SweepInfo is the table of the latest sweep of the set shown.
type SweepInfo struct {
	Run         int64            `json:"run"`
	Layout      int64            `json:"layout"`
	Rule        string           `json:"rule,omitempty"`
	Recommended *[2]int          `json:"recommended,omitempty"` // min_cluster_size, min_samples
	Columns     []string         `json:"columns"`
	Rows        []map[string]any `json:"rows"`
}

// handleSweep answers with the newest sweep on the layout shown (or of the
// set, when no layout is), its sweep.csv as JSON rows.
func (s *Server) handleSweep(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	res, err := s.resolve(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	run, err := s.latestSweep(ctx, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	info, err := readSweep(s.p.Path(run.Dir + "/" + pipeline.SweepFile))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	info.Run, info.Layout = run.ID, run.Parent
	if rule, ok := run.Metrics["rule"].(string); ok {
		info.Rule = rule
	}
	mcs, ok1 := run.Metrics["recommended_min_cluster_size"].(float64)
	ms, ok2 := run.Metrics["recommended_min_samples"].(float64)
	if ok1 && ok2 {
		info.Recommended = &[2]int{int(mcs), int(ms)}
	}
	writeJSON(w, http.StatusOK, info)
}

// latestSweep finds the newest sweep on the layout shown, else the newest
// of the set.
func (s *Server) latestSweep(ctx context.Context, res pipeline.Results) (catalog.Run, error) {
	run, err := s.p.Catalog.LatestRun(ctx, catalog.KindSweep, res.Set.ID, func(rn catalog.Run) bool {
		return res.Layout == nil || rn.Parent == res.Layout.ID
	})
	if errors.Is(err, catalog.ErrNotFound) {
		run, err = s.p.Catalog.LatestRun(ctx, catalog.KindSweep, res.Set.ID, nil)
	}
	if errors.Is(err, catalog.ErrNotFound) {
		err = errStatus(http.StatusNotFound, "embedding set %q has no sweep yet; run `motif sweep`", res.Set.Name)
	}
	return run, err
}

// readSweep reads a sweep.csv: numbers as numbers, empty cells as null.
func readSweep(path string) (SweepInfo, error) {
	var info SweepInfo
	f, err := os.Open(path)
	if err != nil {
		return info, fmt.Errorf("sweep table %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		return info, fmt.Errorf("sweep table %s is unreadable: %v", filepath.Base(path), err)
	}
	info.Columns = slices.Clone(recs[0])
	info.Rows = make([]map[string]any, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		row := map[string]any{}
		for j, c := range info.Columns {
			if j >= len(rec) || rec[j] == "" {
				row[c] = nil
				continue
			}
			if v, err := strconv.ParseFloat(rec[j], 64); err == nil {
				row[c] = num(v)
			} else {
				row[c] = rec[j]
			}
		}
		info.Rows = append(info.Rows, row)
	}
	return info, nil
}
