package server

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"motif/internal/pipeline"
	"motif/internal/tabular"
)

// maxBriefRows caps the rows one /api/rows request may name.
const maxBriefRows = 1000

// Brief is what the map needs to draw a row's picture: hover cards,
// galleries and thumbnails on the zoomed-in map.
type Brief struct {
	Row      int    `json:"row"`
	ID       string `json:"id"`
	ImageKey string `json:"image_key,omitempty"`
	Cluster  *int32 `json:"cluster,omitempty"`
}

// parseRows reads a comma-separated list of row numbers below n.
func parseRows(s string, n, limit int) ([]int, error) {
	if s == "" {
		return []int{}, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > limit {
		return nil, errStatus(http.StatusBadRequest, "at most %d rows per request, got %d", limit, len(parts))
	}
	rows := make([]int, len(parts))
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v >= n {
			return nil, errStatus(http.StatusBadRequest, "row %q: want a row number from 0 to %d", p, n-1)
		}
		rows[i] = v
	}
	return rows, nil
}

// handleRows answers /api/rows?rows=1,2,3 with each row's id, image key and
// cluster.
func (s *Server) handleRows(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	res, err := s.resolve(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := parseRows(r.URL.Query().Get("rows"), res.Set.Rows, maxBriefRows)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.setData(ctx, res.Set)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v *view
	if res.Layout != nil && res.Clusters != nil {
		if v, err = s.view(ctx, res); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	out := make([]Brief, len(rows))
	for i, row := range rows {
		out[i] = Brief{Row: row, ID: d.ids[row], ImageKey: d.keys[row]}
		if v != nil {
			l := v.labels[row]
			out[i].Cluster = &l
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// handleExport answers POST /api/export (body {"rows": [...]}) with the rows
// as CSV: row, id, image_key, x, y, cluster, cluster_name, then the set's
// metadata columns. It is a POST because a selection can be too long for a
// URL.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	res, err := s.resolve(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body struct {
		Rows []int `json:"rows"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: %v", err)
		return
	}
	for _, row := range body.Rows {
		if row < 0 || row >= res.Set.Rows {
			writeError(w, http.StatusBadRequest, "row %d: want a row number from 0 to %d", row, res.Set.Rows-1)
			return
		}
	}
	d, err := s.setData(ctx, res.Set)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v *view
	if res.Layout != nil {
		if v, err = s.view(ctx, res); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	names := map[int32]string{}
	if res.Clusters != nil {
		cs, err := s.p.Catalog.Clusters(ctx, res.Clusters.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range cs {
			names[int32(c.Label)] = c.Name
		}
	}
	var meta []*tabular.Column
	head := []string{"row", "id", "image_key", "x", "y", "cluster", "cluster_name"}
	for _, c := range d.table.Columns {
		if c.Type == tabular.Vector || c.Name == pipeline.ColID || c.Name == pipeline.ColImage {
			continue
		}
		meta = append(meta, c)
		head = append(head, c.Name)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-selection.csv"`, safeName(res.Set.Name)))
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write(head)
	rec := make([]string, len(head))
	for _, row := range body.Rows {
		rec = rec[:0]
		rec = append(rec, strconv.Itoa(row), csvText(d.ids[row]), d.keys[row])
		if v != nil {
			l := v.labels[row]
			rec = append(rec, strconv.FormatFloat(float64(v.x[row]), 'g', -1, 32), strconv.FormatFloat(float64(v.y[row]), 'g', -1, 32))
			if v.clusters != nil {
				rec = append(rec, strconv.Itoa(int(l)), csvText(names[l]))
			} else {
				rec = append(rec, "", "")
			}
		} else {
			rec = append(rec, "", "", "", "")
		}
		for _, c := range meta {
			v := fmt.Sprint(orBlank(cell(c, row)))
			if c.Type == tabular.String {
				v = csvText(v)
			}
			rec = append(rec, v)
		}
		cw.Write(rec)
	}
	cw.Flush()
}

func orBlank(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// csvText defuses text that a spreadsheet would run as a formula.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// safeName keeps a file name to letters, digits, '.', '_' and '-'.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

// handleSweepChart serves the sweep's chart (sweep.svg, written by motif
// itself) as an image; pages show it with <img>, where SVG runs no script.
func (s *Server) handleSweepChart(w http.ResponseWriter, r *http.Request) {
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
	f, err := os.Open(s.p.Path(run.Dir + "/" + pipeline.SweepChart))
	if err != nil {
		writeError(w, http.StatusNotFound, "sweep run %d has no chart", run.ID)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", st.ModTime(), f)
}
