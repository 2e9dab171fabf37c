package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motif/internal/catalog"
	"motif/internal/fetch"
	"motif/internal/imagestore"
)

func testPNG(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64+seed%7, 48))
	for y := range 48 {
		for x := range img.Bounds().Dx() {
			img.SetRGBA(x, y, color.RGBA{uint8(x*seed + y), uint8(y * 3), uint8(seed * 17), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imageServer serves /img/N.png (distinct images), /dup/N.png (always the
// bytes of image 0), /gone (410), /html (a page claiming to be a JPEG), and
// counts requests per path.
type imageServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newImageServer(t *testing.T) *imageServer {
	s := &imageServer{hits: map[string]int{}}
	imgs := map[string][]byte{}
	var imu sync.Mutex
	get := func(n int) []byte {
		imu.Lock()
		defer imu.Unlock()
		k := fmt.Sprint(n)
		if imgs[k] == nil {
			imgs[k] = testPNG(t, n)
		}
		return imgs[k]
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		var n int
		switch {
		case r.URL.Path == "/gone":
			http.Error(w, "gone", http.StatusGone)
		case r.URL.Path == "/html":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("<html><body>removed</body></html>"))
		case strings.HasPrefix(r.URL.Path, "/dup/"):
			w.Write(get(0))
		default:
			if _, err := fmt.Sscanf(r.URL.Path, "/img/%d.png", &n); err != nil {
				http.NotFound(w, r)
				return
			}
			w.Write(get(n))
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *imageServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func fetchOptions() FetchOptions {
	return FetchOptions{HTTP: fetch.Options{AllowPrivate: true, BackoffBase: time.Millisecond, Concurrency: 4}}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIngestAndFetch(t *testing.T) {
	ctx := context.Background()
	srv := newImageServer(t)
	p := newProject(t)
	u := srv.URL
	csv := "id,text,media_url\n" +
		fmt.Sprintf("1,first,%s/img/1.png %s/img/2.png\n", u, u) +
		fmt.Sprintf("2,same URL again,%s/img/1.png\n", u) +
		fmt.Sprintf("3,same bytes,%s/dup/a.png|%s/img/0.png\n", u, u) +
		fmt.Sprintf("4,dead,%s/gone\n", u) +
		fmt.Sprintf("5,lying,%s/html\n", u) +
		fmt.Sprintf("6,missing,%s/nothing-here\n", u) +
		"7,bad,ftp://example.org/x.jpg\n"
	path := writeTemp(t, "posts.csv", csv)
	res, err := Ingest(ctx, p, IngestOptions{Path: path})
	if err != nil {
		t.Fatalf("Ingest() error = %v", err)
	}
	if res.NewPosts != 6 || res.NewURLs != 7 || len(res.Rejected) != 1 || res.Rejected[0].Row != 7 {
		t.Errorf("Ingest() = %d posts, %d URLs, rejected %+v; want 6, 7, row 7", res.NewPosts, res.NewURLs, res.Rejected)
	}
	again, err := Ingest(ctx, p, IngestOptions{Path: path})
	if err != nil || !again.AlreadyIngested || again.NewPosts != 0 {
		t.Errorf("Ingest() again = %+v, %v; want already ingested, nothing new", again, err)
	}
	// A second file adds a post that shares a known URL.
	second := writeTemp(t, "more.jsonl", fmt.Sprintf(`{"id": "8", "image_url": "%s/img/2.png"}`+"\n", u))
	if r2, err := Ingest(ctx, p, IngestOptions{Path: second}); err != nil || r2.NewPosts != 1 || r2.NewURLs != 0 {
		t.Errorf("Ingest(second file) = %+v, %v; want 1 new post, 0 new URLs", r2, err)
	}

	fr, err := Fetch(ctx, p, fetchOptions())
	if err != nil {
		t.Fatalf("Fetch() error = %v", err)
	}
	want := map[string]int{"ok": 4, "http_410": 1, "not_image": 1, "http_404": 1}
	if fmt.Sprint(fr.Counts) != fmt.Sprint(want) || fr.NewImages != 3 || fr.URLs != 7 {
		t.Errorf("Fetch() counts = %v, %d new images of %d URLs; want %v, 3, 7", fr.Counts, fr.NewImages, fr.URLs, want)
	}
	urls, err := p.Catalog.URLs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	byURL := map[string]catalog.URLInfo{}
	for _, x := range urls {
		byURL[strings.TrimPrefix(x.URL, u)] = x
	}
	if a, b := byURL["/dup/a.png"], byURL["/img/0.png"]; a.ImageKey == "" || a.ImageKey != b.ImageKey {
		t.Errorf("same bytes under two URLs: keys %q and %q, want one image", a.ImageKey, b.ImageKey)
	}
	if got := byURL["/img/1.png"].PostIDs; fmt.Sprint(got) != "[1 2]" {
		t.Errorf("posts of /img/1.png = %v, want [1 2]", got)
	}
	if got := byURL["/img/2.png"].PostIDs; fmt.Sprint(got) != "[1 8]" {
		t.Errorf("posts of /img/2.png = %v, want [1 8]", got)
	}
	if x := byURL["/gone"]; x.HTTPStatus != 410 || x.Retryable || x.Attempts != 1 {
		t.Errorf("/gone = %+v, want http 410, not retryable, 1 attempt", x)
	}
	imgs, err := p.Catalog.Images(ctx)
	if err != nil || len(imgs) != 3 {
		t.Fatalf("Images() = %d, %v; want 3", len(imgs), err)
	}
	for _, im := range imgs {
		if _, err := os.Stat(p.Path(im.Path)); err != nil {
			t.Errorf("original of %s: %v", im.Key, err)
		}
		if _, err := os.Stat(p.Path(im.Thumb)); err != nil {
			t.Errorf("thumbnail of %s: %v", im.Key, err)
		}
		if im.PHash == nil || im.Width == 0 {
			t.Errorf("image %+v lacks its hash or size", im)
		}
	}
	// Nothing left: a second fetch downloads nothing.
	before := srv.count("/img/1.png")
	if fr2, err := Fetch(ctx, p, fetchOptions()); err != nil || fr2.URLs != 0 || srv.count("/img/1.png") != before {
		t.Errorf("second Fetch() = %+v, %v; want nothing fetched", fr2, err)
	}
	rep, err := Check(ctx, p, CheckOptions{Deep: true})
	if err != nil || rep.Problems() != 0 || rep.Images != 3 || rep.Files != 3 {
		t.Errorf("Check() = %+v, %v; want 3 images agreeing with 3 files", rep, err)
	}
}

func TestFetchRetryFailed(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	fail := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			http.Error(w, "overloaded", http.StatusBadGateway)
			return
		}
		w.Write(testPNG(t, 3))
	}))
	defer srv.Close()
	p := newProject(t)
	path := writeTemp(t, "p.csv", "id,url\n1,"+srv.URL+"/a.png\n")
	if _, err := Ingest(ctx, p, IngestOptions{Path: path}); err != nil {
		t.Fatal(err)
	}
	o := fetchOptions()
	o.HTTP.Retries = 1
	fr, err := Fetch(ctx, p, o)
	if err != nil || fr.Counts["http_502"] != 1 {
		t.Fatalf("Fetch() = %v, %v; want one http_502", fr.Counts, err)
	}
	mu.Lock()
	fail = false
	mu.Unlock()
	if fr, _ := Fetch(ctx, p, o); fr.URLs != 0 {
		t.Errorf("Fetch() without --retry-failed fetched %d URLs, want 0", fr.URLs)
	}
	o.RetryFailed = true
	if fr, err := Fetch(ctx, p, o); err != nil || fr.Counts["ok"] != 1 {
		t.Errorf("Fetch(RetryFailed) = %v, %v; want one ok", fr.Counts, err)
	}
}

func TestFetchBlockedThenRetryStatus(t *testing.T) {
	ctx := context.Background()
	srv := newImageServer(t)
	p := newProject(t)
	path := writeTemp(t, "p.csv", "id,url\n1,"+srv.URL+"/img/5.png\n")
	if _, err := Ingest(ctx, p, IngestOptions{Path: path}); err != nil {
		t.Fatal(err)
	}
	o := fetchOptions()
	o.HTTP.AllowPrivate = false
	if fr, err := Fetch(ctx, p, o); err != nil || fr.Counts[fetch.StatusBlocked] != 1 || srv.count("/img/5.png") != 0 {
		t.Fatalf("Fetch(loopback, not allowed) = %v, %v, %d requests; want blocked_address and none", fr.Counts, err, srv.count("/img/5.png"))
	}
	o = fetchOptions()
	o.RetryStatuses = []string{fetch.StatusBlocked}
	if fr, err := Fetch(ctx, p, o); err != nil || fr.Counts["ok"] != 1 {
		t.Errorf("Fetch(RetryStatuses blocked_address) = %v, %v; want ok", fr.Counts, err)
	}
}

func TestCheckRepair(t *testing.T) {
	ctx := context.Background()
	srv := newImageServer(t)
	p := newProject(t)
	var lines []string
	for i := 1; i <= 4; i++ {
		lines = append(lines, fmt.Sprintf("%d,%s/img/%d.png", i, srv.URL, i))
	}
	path := writeTemp(t, "p.csv", "id,url\n"+strings.Join(lines, "\n")+"\n")
	if _, err := Ingest(ctx, p, IngestOptions{Path: path}); err != nil {
		t.Fatal(err)
	}
	if _, err := Fetch(ctx, p, fetchOptions()); err != nil {
		t.Fatal(err)
	}
	imgs, err := p.Catalog.Images(ctx)
	if err != nil || len(imgs) != 4 {
		t.Fatalf("Images() = %d, %v", len(imgs), err)
	}
	st, err := imagestore.Open(p.Dir, imagestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Damage: one original gone, one truncated, one thumbnail gone, an
	// orphan original, a half-written temporary file.
	os.Remove(p.Path(imgs[0].Path))
	os.WriteFile(p.Path(imgs[1].Path), []byte("cut"), 0o644)
	os.Remove(p.Path(imgs[2].Thumb))
	orphan := testPNG(t, 99)
	if _, err := st.Put(orphan); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(p.Dir, "images", "ab", ".tmp-123")
	os.MkdirAll(filepath.Dir(tmp), 0o755)
	os.WriteFile(tmp, []byte("half"), 0o644)

	rep, err := Check(ctx, p, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.MissingOriginal) != 2 || len(rep.MissingThumb) != 1 || len(rep.Orphans) != 1 || len(rep.TempFiles) != 1 || rep.Repaired {
		t.Fatalf("Check() = %+v; want 2 missing originals, 1 missing thumbnail, 1 orphan, 1 temp file", rep)
	}
	rep, err = Check(ctx, p, CheckOptions{Repair: true})
	if err != nil || !rep.Repaired || rep.ResetURLs != 2 {
		t.Fatalf("Check(Repair) = %+v, %v; want repaired with 2 URLs reset", rep, err)
	}
	fr, err := Fetch(ctx, p, fetchOptions())
	if err != nil || fr.URLs != 2 || fr.Counts["ok"] != 2 {
		t.Fatalf("Fetch() after repair = %+v, %v; want the 2 reset URLs ok", fr, err)
	}
	rep, err = Check(ctx, p, CheckOptions{Deep: true})
	if err != nil || rep.Problems() != 0 || rep.Images != 5 || rep.Files != 5 {
		t.Errorf("Check() after repair and fetch = %+v, %v; want 5 images (4 + adopted orphan), no problems", rep, err)
	}
	if counts, _ := p.Catalog.URLStatusCounts(ctx); counts["ok"] != 4 {
		t.Errorf("URL statuses = %v, want 4 ok", counts)
	}
}

func TestFetchCancelKeepsPending(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	p := newProject(t)
	path := writeTemp(t, "p.csv", "id,url\n1,"+srv.URL+"/slow.png\n")
	if _, err := Ingest(context.Background(), p, IngestOptions{Path: path}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := Fetch(ctx, p, fetchOptions())
	if err == nil {
		t.Fatalf("Fetch() with cancelled context = nil error, want the cancellation")
	}
	if counts, _ := p.Catalog.URLStatusCounts(context.Background()); counts["pending"] != 1 {
		t.Errorf("URL statuses after cancel = %v, want the URL still pending", counts)
	}
}
