package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"motif/internal/catalog"
	"motif/internal/hdbscan"
	"motif/internal/knn"
	"motif/internal/pipeline"
	"motif/internal/tabular"
	"motif/internal/umap"
)

// XSS is a caption and post text that must only ever be shown as text.
const XSS = `<img src=x onerror="alert(1)"><script>alert(2)</script>`

// fixture is a small finished project: 60 rows in 3 blobs, each with an
// image, mapped, swept and clustered, with posts for rows 0 and 7.
type fixture struct {
	p                      *pipeline.Project
	n                      int
	mapRun, sweep, cluster catalog.Run
	keys                   []string // image key per row
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	fixDir  string
)

// With -synthetic DIR the test binary writes a synthetic project of
// -synthetic-n points into DIR and exits, for web/e2e/bench.mjs.
var (
	syntheticDir = flag.String("synthetic", "", "write a synthetic project into this `directory` and exit")
	syntheticN   = flag.Int("synthetic-n", 1_000_000, "points of the synthetic project")
)

func TestMain(m *testing.M) {
	flag.Parse()
	if *syntheticDir != "" {
		p, err := writeSynthetic(*syntheticDir, *syntheticN, 8)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		p.Close()
		os.Exit(0)
	}
	code := m.Run()
	if fix != nil {
		fix.p.Close()
	}
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

// project returns the shared fixture project, building it once.
func project(t *testing.T) *fixture {
	t.Helper()
	fixOnce.Do(func() {
		fixDir, fixErr = os.MkdirTemp("", "motif-server-test-")
		if fixErr == nil {
			fix, fixErr = buildFixture(fixDir)
		}
	})
	if fixErr != nil {
		t.Fatalf("build test project: %v", fixErr)
	}
	return fix
}

func buildFixture(dir string) (*fixture, error) {
	ctx := context.Background()
	const n, dim = 60, 8
	src := filepath.Join(dir, "src")
	imgs := filepath.Join(src, "images")
	if err := os.MkdirAll(imgs, 0o755); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	names := make([]string, n)
	captions := make([]string, n)
	scores := make([]float64, n)
	scoreOK := make([]bool, n)
	vecs := make([]float32, n*dim)
	for i := range n {
		blob := i / 20
		for j := range dim {
			v := float32(rng.NormFloat64() * 0.05)
			if j == blob {
				v += 1
			}
			vecs[i*dim+j] = v
		}
		names[i] = fmt.Sprintf("%03d.png", i)
		scores[i], scoreOK[i] = float64(i)/10, i != 3
		captions[i] = fmt.Sprintf("picture %d of blob %d", i, blob)
		im := image.NewRGBA(image.Rect(0, 0, 16, 16))
		for y := range 16 {
			for x := range 16 {
				im.Set(x, y, color.RGBA{uint8(i * 4), uint8(blob * 100), uint8(x * 16), 255})
			}
		}
		var b bytes.Buffer
		if err := png.Encode(&b, im); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(imgs, names[i]), b.Bytes(), 0o644); err != nil {
			return nil, err
		}
	}
	captions[7] = XSS
	in := filepath.Join(src, "tiny.parquet")
	err := tabular.WriteParquet(in, &tabular.Table{Rows: n, Columns: []*tabular.Column{
		{Name: "filename", Type: tabular.String, Strings: names},
		{Name: "caption", Type: tabular.String, Strings: captions},
		{Name: "score", Type: tabular.Float64, Floats: scores, Valid: scoreOK},
		{Name: "embedding", Type: tabular.Vector, Vectors: vecs, Dim: dim},
	}})
	if err != nil {
		return nil, err
	}
	p, err := pipeline.Create(ctx, filepath.Join(dir, "project"))
	if err != nil {
		return nil, err
	}
	f := &fixture{p: p, n: n}
	if _, err := pipeline.Import(ctx, p, pipeline.ImportOptions{Path: in, ImagesDir: imgs, Name: "tiny"}); err != nil {
		return f, err
	}
	f.mapRun, err = pipeline.Map(ctx, p, pipeline.MapOptions{UMAP: umap.Options{
		NNeighbors: 10, NComponents: 2, Metric: knn.Cosine, Seed: 1, NEpochs: 100, Threads: 1}})
	if err != nil {
		return f, err
	}
	sw, err := pipeline.Sweep(ctx, p, pipeline.SweepOptions{MinClusterSizes: []int{5, 10}, MinSamples: []int{3}})
	if err != nil {
		return f, err
	}
	f.sweep = sw.Run
	f.cluster, _, err = pipeline.Cluster(ctx, p, pipeline.ClusterOptions{HDBSCAN: hdbscan.Options{MinClusterSize: 5, MinSamples: 3}})
	if err != nil {
		return f, err
	}
	set, err := p.Set(ctx, "")
	if err != nil {
		return f, err
	}
	e, err := pipeline.LoadEmbeddings(ctx, p, set)
	if err != nil {
		return f, err
	}
	f.keys = e.Table.Column(pipeline.ColImage).Strings
	// Posts: two carry row 0's image under different URLs, one carries row
	// 7's image with a hostile text.
	db := p.Catalog.Writer()
	for _, q := range []string{
		`INSERT INTO posts (id, source_id, text, author, posted_at, created_at) VALUES
			(1, 'p1', 'a sunny beach postcard', 'ann', '2024-05-01T10:00:00Z', '2024-01-01T00:00:00Z'),
			(2, 'p2', 'same picture again', 'bob', '2024-05-02T10:00:00Z', '2024-01-01T00:00:00Z'),
			(3, 'p3', '` + strings.ReplaceAll(XSS, "'", "''") + `', 'mallory', NULL, '2024-01-01T00:00:00Z')`,
		`INSERT INTO urls (id, url, status, image_key) VALUES
			(1, 'https://example.org/a.png', 'ok', '` + f.keys[0] + `'),
			(2, 'https://example.org/b.png', 'ok', '` + f.keys[0] + `'),
			(3, 'https://example.org/x.png', 'ok', '` + f.keys[7] + `')`,
		`INSERT INTO post_urls (post_id, url_id) VALUES (1, 1), (2, 2), (3, 3)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return f, err
		}
	}
	return f, nil
}

// do sends a request to h and returns the recorded response.
func do(h http.Handler, method, target string, body io.Reader, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	r.Host = "127.0.0.1:8080"
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", w.Body.String(), err)
	}
	return v
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	for _, target := range []string{"/", "/api/sets", "/api/nope", "/thumbs/zz.jpg", "/api/points?run=x"} {
		w := do(s, "GET", target, nil, nil)
		if got := w.Header().Get("Content-Security-Policy"); got != ContentSecurityPolicy {
			t.Errorf("GET %s: Content-Security-Policy = %q, want %q", target, got, ContentSecurityPolicy)
		}
		if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options = %q, want nosniff", target, got)
		}
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe-inline") {
		t.Errorf("Content-Security-Policy allows inline code: %s", ContentSecurityPolicy)
	}
}

func TestHostCheck(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{Hosts: []string{"motif.lan"}})
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:8080", 200},
		{"localhost:8080", 200},
		{"[::1]:8080", 200},
		{"motif.lan", 200},
		{"evil.example:8080", http.StatusMisdirectedRequest},
		{"", http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/sets", nil)
			r.Host = tt.host
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("GET /api/sets with Host %q: status %d, want %d", tt.host, w.Code, tt.want)
			}
		})
	}
}

func TestSetsAndRuns(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	sets := decode[[]SetInfo](t, do(s, "GET", "/api/sets", nil, nil))
	if len(sets) != 1 || sets[0].Name != "tiny" || sets[0].Rows != f.n || sets[0].Dims != 8 {
		t.Errorf("GET /api/sets = %+v, want one set tiny of %d×8", sets, f.n)
	}
	runs := decode[[]RunInfo](t, do(s, "GET", "/api/runs", nil, nil))
	var kinds []string
	for _, r := range runs {
		kinds = append(kinds, r.Kind)
	}
	if got := strings.Join(kinds, ","); got != "map,sweep,cluster" {
		t.Errorf("GET /api/runs kinds = %s, want map,sweep,cluster", got)
	}
}

func TestView(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	v := decode[ViewInfo](t, do(s, "GET", "/api/view", nil, nil))
	if v.Layout == nil || v.Layout.ID != f.mapRun.ID || v.Clusters == nil || v.Clusters.ID != f.cluster.ID {
		t.Fatalf("GET /api/view = %+v, want layout %d and clusters %d", v, f.mapRun.ID, f.cluster.ID)
	}
	var names []string
	for _, c := range v.Columns {
		names = append(names, c.Name)
	}
	if got, want := strings.Join(names, ","), "id,image_key,filename,caption,score,"+PostTimeColumn; got != want {
		t.Errorf("GET /api/view columns = %s, want %s", got, want)
	}
	// The map run alone: a layout without clusters.
	v = decode[ViewInfo](t, do(s, "GET", fmt.Sprintf("/api/view?run=%d", f.mapRun.ID), nil, nil))
	if v.Layout == nil || v.Layout.ID != f.mapRun.ID || v.Clusters != nil {
		t.Errorf("GET /api/view?run=%d = layout %v clusters %v, want layout only", f.mapRun.ID, v.Layout, v.Clusters)
	}
}

// points decodes the binary points payload.
func points(t *testing.T, b []byte) (x, y []float32, labels []int32, layout, clusters uint32) {
	t.Helper()
	if len(b) < 16 || string(b[:4]) != PointsMagic {
		t.Fatalf("points payload starts %q, want %q", b[:min(4, len(b))], PointsMagic)
	}
	le := binary.LittleEndian
	n := int(le.Uint32(b[4:]))
	if len(b) != 16+12*n {
		t.Fatalf("points payload is %d bytes for %d points, want %d", len(b), n, 16+12*n)
	}
	x, y, labels = make([]float32, n), make([]float32, n), make([]int32, n)
	for i := range n {
		x[i] = math.Float32frombits(le.Uint32(b[16+4*i:]))
		y[i] = math.Float32frombits(le.Uint32(b[16+4*n+4*i:]))
		labels[i] = int32(le.Uint32(b[16+8*n+4*i:]))
	}
	return x, y, labels, le.Uint32(b[8:]), le.Uint32(b[12:])
}

func TestPoints(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	w := do(s, "GET", "/api/points", nil, nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("GET /api/points: status %d, type %q", w.Code, w.Header().Get("Content-Type"))
	}
	x, y, labels, lr, cr := points(t, w.Body.Bytes())
	if int64(lr) != f.mapRun.ID || int64(cr) != f.cluster.ID {
		t.Errorf("GET /api/points runs = %d, %d, want %d, %d", lr, cr, f.mapRun.ID, f.cluster.ID)
	}
	l, err := pipeline.LoadLayout(f.p, f.mapRun)
	if err != nil {
		t.Fatal(err)
	}
	c, err := pipeline.LoadClustering(f.p, f.cluster)
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != f.n {
		t.Fatalf("GET /api/points: %d points, want %d", len(x), f.n)
	}
	for i := range f.n {
		if x[i] != l.Coords[2*i] || y[i] != l.Coords[2*i+1] || int64(labels[i]) != c.Labels[i] {
			t.Fatalf("point %d = (%g, %g, %d), want (%g, %g, %d)", i, x[i], y[i], labels[i], l.Coords[2*i], l.Coords[2*i+1], c.Labels[i])
		}
	}
	// The three blobs are found: each blob's rows share one label.
	for b := range 3 {
		for i := b * 20; i < b*20+20; i++ {
			if labels[i] != labels[b*20] || labels[i] < 0 {
				t.Errorf("label of row %d = %d, want %d like row %d (blob %d)", i, labels[i], labels[b*20], b*20, b)
			}
		}
	}
	// A map run without clusters: every label −1.
	_, _, labels, _, cr = points(t, do(s, "GET", fmt.Sprintf("/api/points?run=%d", f.mapRun.ID), nil, nil).Body.Bytes())
	if cr != 0 || labels[0] != -1 {
		t.Errorf("GET /api/points?run=%d: cluster run %d, label[0] %d, want 0 and -1", f.mapRun.ID, cr, labels[0])
	}
}

func TestBadRequests(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	tests := []struct {
		name, target string
		want         int
	}{
		{"run not a number", "/api/points?run=abc", 400},
		{"run negative", "/api/points?run=-3", 400},
		{"run missing", "/api/points?run=999", 404},
		{"sweep run is no view", fmt.Sprintf("/api/points?run=%d", f.sweep.ID), 400},
		{"set missing", "/api/points?set=nope", 404},
		{"run and set", fmt.Sprintf("/api/points?run=%d&set=tiny", f.mapRun.ID), 400},
		{"item not a number", "/api/item/abc", 400},
		{"item negative", "/api/item/-1", 400},
		{"item past the end", fmt.Sprintf("/api/item/%d", f.n), 404},
		{"item huge", "/api/item/99999999999999999999", 400},
		{"search empty", "/api/search?q=", 400},
		{"search too long", "/api/search?q=" + strings.Repeat("a", 501), 400},
		{"clusters of missing run", "/api/clusters?run=999", 404},
		{"unknown API route", "/api/nothing", 404},
		{"GET on the rename route", fmt.Sprintf("/api/clusters/%d/0", f.cluster.ID), 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(s, "GET", tt.target, nil, nil)
			if w.Code != tt.want {
				t.Errorf("GET %s: status %d (%s), want %d", tt.target, w.Code, w.Body, tt.want)
			}
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
				t.Errorf("GET %s: Content-Type %q, want JSON", tt.target, w.Header().Get("Content-Type"))
			}
			var e struct{ Error string }
			if json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error == "" {
				t.Errorf("GET %s: body %q, want {\"error\": …}", tt.target, w.Body)
			}
		})
	}
}

func TestClusters(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	ci := decode[ClustersInfo](t, do(s, "GET", "/api/clusters", nil, nil))
	want, err := f.p.Catalog.Clusters(context.Background(), f.cluster.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ci.Run != f.cluster.ID || len(ci.Clusters) != len(want) || len(want) != 3 {
		t.Fatalf("GET /api/clusters: run %d with %d clusters, want run %d with %d (3)", ci.Run, len(ci.Clusters), f.cluster.ID, len(want))
	}
	for i, c := range ci.Clusters {
		if c.Label != want[i].Label || c.Size != want[i].Size || len(c.Exemplars) != len(c.Keys) {
			t.Errorf("cluster %d = %+v, want label %d size %d", i, c, want[i].Label, want[i].Size)
		}
		for j, e := range c.Exemplars {
			if c.Keys[j] != f.keys[e] {
				t.Errorf("cluster %d exemplar %d key %s, want %s", i, e, c.Keys[j], f.keys[e])
			}
		}
		if c.Centre[0] == nil || c.Centre[1] == nil {
			t.Errorf("cluster %d has no centre", i)
		}
	}
	ci = decode[ClustersInfo](t, do(s, "GET", fmt.Sprintf("/api/clusters?run=%d", f.mapRun.ID), nil, nil))
	if ci.Run != 0 || len(ci.Clusters) != 0 {
		t.Errorf("GET /api/clusters of a map run = %+v, want none", ci)
	}
}

// csrf returns the token the page hands out, from its cookie.
func csrf(t *testing.T, s http.Handler) string {
	t.Helper()
	w := do(s, "GET", "/", nil, nil)
	for _, c := range w.Result().Cookies() {
		if c.Name == CSRFCookie {
			if c.SameSite != http.SameSiteStrictMode {
				t.Errorf("CSRF cookie SameSite = %v, want Strict", c.SameSite)
			}
			return c.Value
		}
	}
	t.Fatalf("GET / set no %s cookie", CSRFCookie)
	return ""
}

func TestRenameCluster(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	tok := csrf(t, s)
	if len(tok) != 64 {
		t.Fatalf("CSRF token %q, want 64 hex digits", tok)
	}
	if other := csrf(t, New(f.p, Options{})); other == tok {
		t.Errorf("two servers share CSRF token %s", tok)
	}
	target := fmt.Sprintf("/api/clusters/%d/1", f.cluster.ID)
	good := map[string]string{"Content-Type": "application/json", "Cookie": CSRFCookie + "=" + tok, CSRFHeader: tok,
		"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range good {
			h[a] = b
		}
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	body := `{"name": "Shoes <b>", "note": "mostly sneakers"}`
	tests := []struct {
		name, target, body string
		hdr                map[string]string
		want               int
	}{
		{"no token header", target, body, with(CSRFHeader, ""), 403},
		{"no cookie", target, body, with("Cookie", ""), 403},
		{"wrong token", target, body, with(CSRFHeader, strings.Repeat("0", 64)), 403},
		{"wrong cookie", target, body, with("Cookie", CSRFCookie+"="+strings.Repeat("0", 64)), 403},
		{"cross-site", target, body, with("Sec-Fetch-Site", "cross-site"), 403},
		{"other origin", target, body, with("Origin", "http://evil.example"), 403},
		{"not JSON", target, body, with("Content-Type", "text/plain"), 415},
		{"bad JSON", target, `{"name":`, good, 400},
		{"unknown field", target, `{"colour": "red"}`, good, 400},
		{"name too long", target, `{"name": "` + strings.Repeat("x", 201) + `"}`, good, 400},
		{"missing label", fmt.Sprintf("/api/clusters/%d/99", f.cluster.ID), body, good, 404},
		{"bad label", fmt.Sprintf("/api/clusters/%d/x", f.cluster.ID), body, good, 400},
		{"noise label", fmt.Sprintf("/api/clusters/%d/-1", f.cluster.ID), body, good, 400},
		{"map run", fmt.Sprintf("/api/clusters/%d/1", f.mapRun.ID), body, good, 400},
		{"missing run", "/api/clusters/999/1", body, good, 404},
		{"good", target, body, good, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(s, "POST", tt.target, strings.NewReader(tt.body), tt.hdr)
			if w.Code != tt.want {
				t.Errorf("POST %s: status %d (%s), want %d", tt.target, w.Code, w.Body, tt.want)
			}
		})
	}
	cs, err := f.p.Catalog.Clusters(context.Background(), f.cluster.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cs[1].Name != "Shoes <b>" || cs[1].Note != "mostly sneakers" {
		t.Errorf("cluster 1 after rename = %q, %q, want %q, %q", cs[1].Name, cs[1].Note, "Shoes <b>", "mostly sneakers")
	}
	ci := decode[ClustersInfo](t, do(s, "GET", "/api/clusters", nil, nil))
	if ci.Clusters[1].Name != "Shoes <b>" {
		t.Errorf("GET /api/clusters after rename: name %q, want %q", ci.Clusters[1].Name, "Shoes <b>")
	}
	if w := do(s, "PUT", target, strings.NewReader(body), good); w.Code != 405 {
		t.Errorf("PUT %s: status %d, want 405", target, w.Code)
	}
}

func TestItem(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{Neighbours: 5})
	it := decode[Item](t, do(s, "GET", "/api/item/0", nil, nil))
	if it.Row != 0 || it.ID != "000.png" || it.ImageKey != f.keys[0] {
		t.Errorf("GET /api/item/0 = row %d id %q key %q, want 0 000.png %s", it.Row, it.ID, it.ImageKey, f.keys[0])
	}
	if it.Image == nil || it.Image.Width != 16 || it.Image.Thumb != "/thumbs/"+f.keys[0]+".jpg" || it.Image.URL != "/images/"+f.keys[0] {
		t.Errorf("GET /api/item/0 image = %+v", it.Image)
	}
	if len(it.Posts) != 2 || it.Posts[0].ID != "p1" || it.Posts[0].Text != "a sunny beach postcard" || it.Posts[1].URL != "https://example.org/b.png" {
		t.Errorf("GET /api/item/0 posts = %+v, want p1 and p2", it.Posts)
	}
	if it.Cluster == nil || *it.Cluster < 0 {
		t.Errorf("GET /api/item/0 cluster = %v, want a cluster", it.Cluster)
	}
	if len(it.Neighbours) != 5 {
		t.Fatalf("GET /api/item/0: %d neighbours, want 5", len(it.Neighbours))
	}
	for _, nb := range it.Neighbours {
		if nb.Row == 0 || nb.Row >= 20 {
			t.Errorf("neighbour of row 0: row %d, want another row of blob 0 (1–19)", nb.Row)
		}
		if nb.ImageKey != f.keys[nb.Row] {
			t.Errorf("neighbour %d key %s, want %s", nb.Row, nb.ImageKey, f.keys[nb.Row])
		}
	}
	it = decode[Item](t, do(s, "GET", "/api/item/7", nil, nil))
	var caption any
	for _, m := range it.Metadata {
		if m.Name == "caption" {
			caption = m.Value
		}
	}
	if caption != XSS || len(it.Posts) != 1 || it.Posts[0].Text != XSS {
		t.Errorf("GET /api/item/7: caption %v, posts %+v; want the payload unchanged, as data", caption, it.Posts)
	}
}

func TestSearch(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	tests := []struct {
		q    string
		want []int
	}{
		{"BLOB 2", []int{40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59}},
		{"Picture 1 of", []int{1}},
		{"sunny beach", []int{0}}, // a post's text
		{"mallory", []int{7}},     // a post's author
		{"onerror", []int{7}},     // the caption and the post both
		{"059.png", []int{59}},    // the id
		{"%", []int{}},            // LIKE wildcards are literal
		{"_", []int{}},
		{"no such words", []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := decode[SearchResult](t, do(s, "GET", "/api/search?q="+strings.ReplaceAll(tt.q, " ", "+"), nil, nil))
			if fmt.Sprint(res.Rows) != fmt.Sprint(tt.want) {
				t.Errorf("GET /api/search?q=%s rows = %v, want %v", tt.q, res.Rows, tt.want)
			}
		})
	}
	s = New(f.p, Options{SearchLimit: 3})
	res := decode[SearchResult](t, do(s, "GET", "/api/search?q=blob", nil, nil))
	if len(res.Rows) != 3 || !res.Truncated {
		t.Errorf("search with limit 3: %d rows, truncated %v; want 3, true", len(res.Rows), res.Truncated)
	}
}

func TestSweep(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	sw := decode[SweepInfo](t, do(s, "GET", "/api/sweep", nil, nil))
	if sw.Run != f.sweep.ID || sw.Layout != f.mapRun.ID || len(sw.Rows) != 2 {
		t.Fatalf("GET /api/sweep = run %d layout %d with %d rows, want %d, %d, 2", sw.Run, sw.Layout, len(sw.Rows), f.sweep.ID, f.mapRun.ID)
	}
	if sw.Rows[0]["min_cluster_size"] != 5.0 || sw.Rows[1]["min_cluster_size"] != 10.0 || sw.Rows[0]["clusters"] != 3.0 {
		t.Errorf("GET /api/sweep rows = %v", sw.Rows)
	}
	if sw.Columns[0] != "min_cluster_size" || sw.Rule == "" {
		t.Errorf("GET /api/sweep columns %v rule %q", sw.Columns, sw.Rule)
	}
}

func TestImagesAndThumbs(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	key := f.keys[3]
	im, err := f.p.Catalog.ImageByKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(f.p.Path(im.Path))
	if err != nil {
		t.Fatal(err)
	}
	thumb, err := os.ReadFile(f.p.Path(im.Thumb))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, target string
		hdr          map[string]string
		want         int
		ctype        string
		body         []byte
	}{
		{"original", "/images/" + key, nil, 200, "image/png", orig},
		{"thumbnail", "/thumbs/" + key + ".jpg", nil, 200, "image/jpeg", thumb},
		{"range", "/images/" + key, map[string]string{"Range": "bytes=0-7"}, 206, "image/png", orig[:8]},
		{"not modified", "/images/" + key, map[string]string{"If-None-Match": `"` + key + `"`}, 304, "", nil},
		{"unknown key", "/images/" + strings.Repeat("a", 64), nil, 404, "", nil},
		{"upper-case key", "/images/" + strings.ToUpper(key), nil, 404, "", nil},
		{"short key", "/images/abc", nil, 404, "", nil},
		{"thumb without .jpg", "/thumbs/" + key, nil, 404, "", nil},
		{"thumb .png", "/thumbs/" + key + ".png", nil, 404, "", nil},
		{"dot-dot", "/images/../motif.db", nil, 0, "", nil},
		{"encoded dot-dot", "/images/%2e%2e%2fmotif.db", nil, 404, "", nil},
		{"encoded slash", "/thumbs/..%2f..%2fmotif.db", nil, 404, "", nil},
		{"absolute", "/images//etc/passwd", nil, 0, "", nil},
		{"catalog file", "/motif.db", nil, 404, "", nil},
		{"embeddings", "/embeddings/tiny.parquet", nil, 404, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(s, "GET", tt.target, nil, tt.hdr)
			if tt.want == 0 {
				// The mux cleans the path first: a redirect or a 404, never the file.
				if w.Code == 200 {
					t.Errorf("GET %s: status 200 with %d bytes, want a refusal", tt.target, w.Body.Len())
				}
				return
			}
			if w.Code != tt.want {
				t.Fatalf("GET %s: status %d, want %d", tt.target, w.Code, tt.want)
			}
			if tt.ctype != "" && w.Header().Get("Content-Type") != tt.ctype {
				t.Errorf("GET %s: Content-Type %q, want %q", tt.target, w.Header().Get("Content-Type"), tt.ctype)
			}
			if tt.body != nil && !bytes.Equal(w.Body.Bytes(), tt.body) {
				t.Errorf("GET %s: %d bytes differ from the file's %d", tt.target, w.Body.Len(), len(tt.body))
			}
			if tt.want == 200 && !strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
				t.Errorf("GET %s: Cache-Control %q, want immutable", tt.target, w.Header().Get("Cache-Control"))
			}
		})
	}
}

// TestImagePathOutsideProject checks that a catalog row pointing outside
// the project (a tampered catalog) is not followed.
func TestImagePathOutsideProject(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	p, err := pipeline.Create(ctx, filepath.Join(dir, "p"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	secret := filepath.Join(dir, "secret.png")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{strings.Repeat("1", 64): secret, strings.Repeat("2", 64): "../secret.png", strings.Repeat("3", 64): "images"}
	for k, path := range bad {
		if err := p.Catalog.PutImage(ctx, catalog.Image{Key: k, Path: path, Thumb: path, Format: "png"}); err != nil {
			t.Fatal(err)
		}
	}
	s := New(p, Options{})
	for k, path := range bad {
		for _, target := range []string{"/images/" + k, "/thumbs/" + k + ".jpg"} {
			if w := do(s, "GET", target, nil, nil); w.Code != 404 {
				t.Errorf("GET %s (file %s): status %d, want 404", target, path, w.Code)
			}
		}
	}
}

func TestEmptyProject(t *testing.T) {
	ctx := context.Background()
	p, err := pipeline.Create(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := New(p, Options{})
	tests := []struct {
		target string
		want   int
		body   string
	}{
		{"/api/sets", 200, "[]"},
		{"/api/runs", 200, "[]"},
		{"/api/view", 404, ""},
		{"/api/points", 404, ""},
		{"/api/points/index", 404, ""},
		{"/api/labels", 404, ""},
		{"/api/clusters", 404, ""},
		{"/api/item/0", 404, ""},
		{"/api/search?q=x", 404, ""},
		{"/api/sweep", 404, ""},
		{"/", 200, ""},
	}
	for _, tt := range tests {
		w := do(s, "GET", tt.target, nil, nil)
		if w.Code != tt.want || (tt.body != "" && w.Body.String() != tt.body) {
			t.Errorf("GET %s on an empty project: %d %s, want %d %s", tt.target, w.Code, w.Body, tt.want, tt.body)
		}
	}
}

func TestUI(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	w := do(s, "GET", "/", nil, nil)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: status %d, Content-Type %q", w.Code, w.Header().Get("Content-Type"))
	}
	page := w.Body.String()
	if inline := regexp.MustCompile(`<script>|<script[^>]*>[^<]|\son[a-z]+=|javascript:`); inline.MatchString(page) {
		t.Errorf("GET / has inline script: %s", inline.FindString(page))
	}
	for _, asset := range []string{"/app.js", "/app.css"} {
		if !strings.Contains(page, `"`+asset+`"`) {
			t.Errorf("GET / does not load %s", asset)
		}
		w := do(s, "GET", asset, nil, nil)
		if w.Code != 200 || w.Body.Len() == 0 {
			t.Errorf("GET %s: status %d, %d bytes", asset, w.Code, w.Body.Len())
		}
	}
}

func TestListenAndServe(t *testing.T) {
	f := project(t)
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- ListenAndServe(ctx, f.p, "127.0.0.1:0", Options{}, func(u string) { urls <- u })
	}()
	var u string
	select {
	case u = <-urls:
	case err := <-done:
		t.Fatalf("ListenAndServe: %v", err)
	}
	resp, err := http.Get(u + "api/sets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET %sapi/sets: status %d", u, resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ListenAndServe after cancel = %v, want nil", err)
	}
}

func TestPreload(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	s.preload(context.Background())
	v := s.views[viewKey{layout: f.mapRun.ID, clusters: f.cluster.ID}]
	if v == nil || v.payload == nil || v.index == nil || s.sets[f.mapRun.EmbeddingSet] == nil {
		t.Fatalf("preload left views %v and sets %v, want the default view with its payloads and its set", s.views, s.sets)
	}
	if w := do(s, "GET", "/api/points/index", nil, nil); !bytes.Equal(w.Body.Bytes(), v.index) {
		t.Errorf("GET /api/points/index after preload: %d bytes, want the preloaded %d", w.Body.Len(), len(v.index))
	}
	// An empty project: nothing to load, no panic.
	p, err := pipeline.Create(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	New(p, Options{}).preload(context.Background())
}

func TestRows(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	got := decode[[]Brief](t, do(s, "GET", "/api/rows?rows=5,0,59", nil, nil))
	if len(got) != 3 || got[0].Row != 5 || got[0].ID != "005.png" || got[0].ImageKey != f.keys[5] || got[2].ImageKey != f.keys[59] || got[1].Cluster == nil {
		t.Errorf("GET /api/rows?rows=5,0,59 = %+v", got)
	}
	if got := decode[[]Brief](t, do(s, "GET", "/api/rows", nil, nil)); len(got) != 0 {
		t.Errorf("GET /api/rows = %+v, want []", got)
	}
	many := strings.TrimSuffix(strings.Repeat("1,", maxBriefRows+1), ",")
	for _, q := range []string{"x", "-1", "60", "1,,2", many} {
		if w := do(s, "GET", "/api/rows?rows="+q, nil, nil); w.Code != 400 {
			t.Errorf("GET /api/rows?rows=%.20s: status %d, want 400", q, w.Code)
		}
	}
}

func TestExport(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	tok := csrf(t, s)
	hdr := map[string]string{"Content-Type": "application/json", "Cookie": CSRFCookie + "=" + tok, CSRFHeader: tok}
	w := do(s, "POST", "/api/export", strings.NewReader(`{"rows": [7, 0]}`), hdr)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("POST /api/export: status %d, type %q: %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if len(lines) != 3 || lines[0] != "row,id,image_key,x,y,cluster,cluster_name,filename,caption,score" {
		t.Fatalf("POST /api/export = %q", lines)
	}
	if !strings.HasPrefix(lines[1], "7,007.png,"+f.keys[7]+",") || !strings.HasPrefix(lines[2], "0,000.png,") {
		t.Errorf("POST /api/export rows = %q", lines[1:])
	}
	if w := do(s, "POST", "/api/export", strings.NewReader(`{"rows": [60]}`), hdr); w.Code != 400 {
		t.Errorf("POST /api/export of row 60: status %d, want 400", w.Code)
	}
	delete(hdr, CSRFHeader)
	if w := do(s, "POST", "/api/export", strings.NewReader(`{"rows": [1]}`), hdr); w.Code != 403 {
		t.Errorf("POST /api/export without token: status %d, want 403", w.Code)
	}
	if w := do(s, "GET", "/api/export", nil, nil); w.Code == 200 {
		t.Errorf("GET /api/export: status 200, want a refusal")
	}
}

func TestCSVText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"}, {"=HYPERLINK(1)", "'=HYPERLINK(1)"}, {"+1", "'+1"}, {"-2", "'-2"}, {"@x", "'@x"}, {"", ""},
	}
	for _, tt := range tests {
		if got := csvText(tt.in); got != tt.want {
			t.Errorf("csvText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSweepChart(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	w := do(s, "GET", "/api/sweep/chart", nil, nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/svg+xml" || !strings.Contains(w.Body.String(), "<svg") {
		t.Errorf("GET /api/sweep/chart: status %d, type %q, %d bytes", w.Code, w.Header().Get("Content-Type"), w.Body.Len())
	}
}

// writeSynthetic writes a project of n random 2-D points in 49 clusters
// (and noise) with dim-dimensional vectors into dir, directly (no UMAP, no
// HDBSCAN), so that large sizes are cheap: the explorer's benchmarks use it.
func writeSynthetic(dir string, n, dim int) (*pipeline.Project, error) {
	ctx := context.Background()
	p, err := pipeline.Create(ctx, dir)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*pipeline.Project, error) {
		p.Close()
		return nil, err
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ids := make([]string, n)
	vecs := make([]float32, n*dim)
	xs, ys := make([]float64, n), make([]float64, n)
	labels := make([]int64, n)
	probs := make([]float64, n)
	for i := range n {
		ids[i] = fmt.Sprintf("r%d", i)
		c := i%50 - 1
		for j := range dim {
			vecs[i*dim+j] = float32(rng.NormFloat64())
		}
		cx, cy := float64(c%7)*10, float64(c/7)*10
		if c < 0 {
			cx, cy = rng.Float64()*70, rng.Float64()*70
		}
		xs[i], ys[i] = cx+rng.NormFloat64(), cy+rng.NormFloat64()
		labels[i] = int64(c)
		probs[i] = 1
	}
	set := catalog.EmbeddingSet{Name: "synthetic", Path: "embeddings/synthetic.parquet", Rows: n, Dims: dim, Source: "import"}
	if err := tabular.WriteParquet(p.Path(set.Path), &tabular.Table{Rows: n, Columns: []*tabular.Column{
		{Name: pipeline.ColID, Type: tabular.String, Strings: ids},
		{Name: pipeline.ColEmbedding, Type: tabular.Vector, Vectors: vecs, Dim: dim},
	}}); err != nil {
		return fail(err)
	}
	if set.ID, err = p.Catalog.AddEmbeddingSet(ctx, set); err != nil {
		return fail(err)
	}
	m, err := p.Catalog.BeginRun(ctx, catalog.Run{Kind: catalog.KindMap, EmbeddingSet: set.ID, Params: map[string]any{"dims": 2}})
	if err != nil {
		return fail(err)
	}
	if err := os.MkdirAll(p.Path(m.Dir), 0o755); err != nil {
		return fail(err)
	}
	if err := tabular.WriteParquet(p.Path(m.Dir+"/"+pipeline.LayoutFile), &tabular.Table{Rows: n, Columns: []*tabular.Column{
		{Name: pipeline.ColID, Type: tabular.String, Strings: ids},
		{Name: "x", Type: tabular.Float64, Floats: xs}, {Name: "y", Type: tabular.Float64, Floats: ys},
	}}); err != nil {
		return fail(err)
	}
	if err := p.Catalog.FinishRun(ctx, m.ID, nil); err != nil {
		return fail(err)
	}
	c, err := p.Catalog.BeginRun(ctx, catalog.Run{Kind: catalog.KindCluster, EmbeddingSet: set.ID, Parent: m.ID,
		Params: map[string]any{"min_cluster_size": 100, "min_samples": 5}})
	if err != nil {
		return fail(err)
	}
	if err := os.MkdirAll(p.Path(c.Dir), 0o755); err != nil {
		return fail(err)
	}
	if err := tabular.WriteParquet(p.Path(c.Dir+"/"+pipeline.ClustersFile), &tabular.Table{Rows: n, Columns: []*tabular.Column{
		{Name: pipeline.ColID, Type: tabular.String, Strings: ids},
		{Name: "cluster", Type: tabular.Int64, Ints: labels},
		{Name: "probability", Type: tabular.Float64, Floats: probs},
		{Name: "outlier_score", Type: tabular.Float64, Floats: make([]float64, n)},
	}}); err != nil {
		return fail(err)
	}
	cs := make([]catalog.Cluster, 49)
	for i := range cs {
		cs[i] = catalog.Cluster{Label: i, Size: n / 50, Persistence: 0.5, Exemplars: []int{i + 1}}
	}
	if err := p.Catalog.PutClusters(ctx, c.ID, cs); err != nil {
		return fail(err)
	}
	if err := p.Catalog.FinishRun(ctx, c.ID, map[string]any{"clusters": 49}); err != nil {
		return fail(err)
	}
	return p, nil
}

// benchProject is a synthetic project for a benchmark.
func benchProject(b *testing.B, n, dim int) *pipeline.Project {
	b.Helper()
	p, err := writeSynthetic(b.TempDir(), n, dim)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return p
}

func TestSynthetic(t *testing.T) {
	p, err := writeSynthetic(t.TempDir(), 500, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := New(p, Options{})
	_, _, labels, _, _ := points(t, do(s, "GET", "/api/points", nil, nil).Body.Bytes())
	ci := decode[ClustersInfo](t, do(s, "GET", "/api/clusters", nil, nil))
	if len(labels) != 500 || labels[0] != -1 || labels[1] != 0 || len(ci.Clusters) != 49 {
		t.Errorf("synthetic project: %d points, labels %d %d, %d clusters; want 500, -1 0, 49", len(labels), labels[0], labels[1], len(ci.Clusters))
	}
}

// BenchmarkPoints measures the map payload of 100,000 points once loaded.
func BenchmarkPoints(b *testing.B) {
	s := New(benchProject(b, 100_000, 8), Options{})
	w := do(s, "GET", "/api/points", nil, nil)
	if w.Code != 200 {
		b.Fatalf("GET /api/points: %d %s", w.Code, w.Body)
	}
	for b.Loop() {
		do(s, "GET", "/api/points", nil, nil)
	}
	b.ReportMetric(float64(w.Body.Len()), "bytes/response")
}

// BenchmarkItem measures an item with its neighbours among 100,000
// 64-dimensional vectors (a brute-force cosine scan).
func BenchmarkItem(b *testing.B) {
	s := New(benchProject(b, 100_000, 64), Options{})
	if w := do(s, "GET", "/api/item/5", nil, nil); w.Code != 200 {
		b.Fatalf("GET /api/item/5: %d %s", w.Code, w.Body)
	}
	for b.Loop() {
		do(s, "GET", "/api/item/5", nil, nil)
	}
}

// column decodes the binary column payload.
func column(t *testing.T, b []byte) (ColumnInfo, []float32) {
	t.Helper()
	var info ColumnInfo
	if len(b) < 12 || string(b[:4]) != ColumnMagic {
		t.Fatalf("column payload starts %q, want %q", b[:min(4, len(b))], ColumnMagic)
	}
	le := binary.LittleEndian
	n, jl := int(le.Uint32(b[4:])), int(le.Uint32(b[8:]))
	if jl%4 != 0 || len(b) != 12+jl+4*n {
		t.Fatalf("column payload is %d bytes for %d values and %d bytes of JSON", len(b), n, jl)
	}
	if err := json.Unmarshal(b[12:12+jl], &info); err != nil {
		t.Fatalf("column info %q: %v", b[12:12+jl], err)
	}
	vals := make([]float32, n)
	for i := range vals {
		vals[i] = math.Float32frombits(le.Uint32(b[12+jl+4*i:]))
	}
	return info, vals
}

func TestColumn(t *testing.T) {
	f := project(t)
	s := New(f.p, Options{})
	get := func(name string) (ColumnInfo, []float32) {
		w := do(s, "GET", "/api/column?name="+strings.ReplaceAll(name, " ", "+"), nil, nil)
		if w.Code != 200 {
			t.Fatalf("GET /api/column?name=%s: status %d %s", name, w.Code, w.Body)
		}
		return column(t, w.Body.Bytes())
	}
	info, v := get("score")
	if info.Kind != "number" || info.Min != 0.0 || info.Max != 5.9 || v[10] != 1 || !math.IsNaN(float64(v[3])) {
		t.Errorf("column score = %+v, v[10] %g, v[3] %g; want number 0–5.9, 1, NaN", info, v[10], v[3])
	}
	info, v = get("caption")
	if info.Kind != "category" || len(info.Categories) != maxCategories+1 || info.Categories[maxCategories] != "(other)" {
		t.Errorf("column caption = %+v, want %d categories and (other)", info, maxCategories+1)
	}
	for i, x := range v {
		if x < 0 || int(x) > maxCategories {
			t.Errorf("caption code of row %d = %g", i, x)
		}
		if c := info.Categories[int(x)]; c != "(other)" && c != XSS && !strings.HasPrefix(c, "picture") {
			t.Errorf("caption category of row %d = %q", i, c)
		}
	}
	info, v = get(PostTimeColumn)
	// Row 0's image has posts on 1 and 2 May 2024; row 7's post has no time.
	if info.Kind != "time" || info.Min != float64(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Unix()) || v[0] != 0 {
		t.Errorf("column post time = %+v, v[0] %g; want time from 2024-05-01T10:00Z, 0", info, v[0])
	}
	for i, x := range v {
		if i != 0 && !math.IsNaN(float64(x)) {
			t.Errorf("post time of row %d = %g, want NaN (no dated post)", i, x)
		}
	}
	for _, bad := range []string{"nope", "embedding", "image_key", ""} {
		if w := do(s, "GET", "/api/column?name="+bad, nil, nil); w.Code != 404 {
			t.Errorf("GET /api/column?name=%s: status %d, want 404", bad, w.Code)
		}
	}
}

func FuzzParseRows(f *testing.F) {
	for _, s := range []string{"", "0", "1,2,3", "59", "60", "-1", "1,,2", "a", "007", "+5", "1e3", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := parseRows(s, 60, 10)
		if err != nil {
			if statusOf(err) != http.StatusBadRequest {
				t.Errorf("parseRows(%q) error %v has status %d, want 400", s, err, statusOf(err))
			}
			return
		}
		if len(rows) > 10 {
			t.Errorf("parseRows(%q) = %d rows, over the limit 10", s, len(rows))
		}
		for _, r := range rows {
			if r < 0 || r >= 60 {
				t.Errorf("parseRows(%q) gave row %d, outside 0–59", s, r)
			}
		}
	})
}
