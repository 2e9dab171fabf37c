package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motif/internal/catalog"
)

// TestMotifHelperProcess is motif itself when run as a child process by
// TestFetchCrashResume; otherwise it does nothing.
func TestMotifHelperProcess(t *testing.T) {
	args := os.Getenv("MOTIF_HELPER_ARGS")
	if args == "" {
		t.Skip("runs only as a child of TestFetchCrashResume")
	}
	os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
}

func crashPNG(n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 80, 60))
	for y := range 60 {
		for x := range 80 {
			img.SetRGBA(x, y, color.RGBA{uint8(x * n), uint8(y + n), uint8(n), 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// TestFetchCrashResume kills a real `motif fetch` process with SIGKILL while
// it is downloading, runs `motif fetch` again, and checks that the job is
// finished with no image downloaded twice once recorded, no half-written
// file, and a catalog that agrees with the files.
func TestFetchCrashResume(t *testing.T) {
	const n, before = 60, 24
	var mu sync.Mutex
	hits := map[string]int{}
	served := 0
	gate := make(chan struct{}) // holds back requests after the first `before`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		served++
		wait := served > before
		mu.Unlock()
		if wait {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
			time.Sleep(80 * time.Millisecond) // slow enough to be caught mid-run
		}
		var i int
		fmt.Sscanf(r.URL.Path, "/img/%d.png", &i)
		w.Header().Set("Content-Type", "image/png")
		w.Write(crashPNG(i))
	}))
	defer srv.Close()

	dir := filepath.Join(t.TempDir(), "proj")
	var csv strings.Builder
	csv.WriteString("id,media_url\n")
	for i := range n {
		fmt.Fprintf(&csv, "%d,%s/img/%d.png\n", i, srv.URL, i)
	}
	posts := filepath.Join(t.TempDir(), "posts.csv")
	os.WriteFile(posts, []byte(csv.String()), 0o644)
	if code, out, errOut := motif(t, "ingest", "--project", dir, posts); code != exitOK {
		t.Fatalf("motif ingest = %d: %s%s", code, out, errOut)
	}

	fetchArgs := []string{"fetch", "--project", dir, "--allow-private", "--concurrency", "4", "--per-host", "4", "--quiet"}
	ctx := context.Background()
	c, err := catalog.Open(ctx, filepath.Join(dir, "motif.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	okNow := func() map[string]bool {
		urls, err := c.URLs(ctx, "ok")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, u := range urls {
			m[strings.TrimPrefix(u.URL, srv.URL)] = true
		}
		return m
	}
	// killAt starts `motif fetch` in a child process and kills it with
	// SIGKILL once at least k URLs are ok; it returns the URLs ok then and
	// the requests the server had seen for each.
	killAt := func(k int) (map[string]bool, map[string]int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMotifHelperProcess$")
		cmd.Env = append(os.Environ(), "MOTIF_HELPER_ARGS="+strings.Join(fetchArgs, "\x1f"))
		var childOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &childOut, &childOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for len(okNow()) < k && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
		done := okNow()
		if len(done) < k {
			t.Fatalf("child recorded %d images in 30 s, want %d; output:\n%s", len(done), k, childOut.String())
		}
		mu.Lock()
		defer mu.Unlock()
		seen := map[string]int{}
		for p := range done {
			seen[p] = hits[p]
		}
		return done, seen
	}
	// First crash: while downloads hang (the server holds them back).
	done1, hits1 := killAt(before / 2)
	if len(done1) >= n {
		t.Fatalf("child finished before it was killed")
	}
	close(gate)
	// Second crash: at whatever moment the next third of the images is in,
	// with downloads, file writes and catalog commits under way.
	done2, hits2 := killAt(len(done1) + n/3)

	if code, out, errOut := motif(t, fetchArgs...); code != exitOK {
		t.Fatalf("motif fetch after the crash = %d: %s%s", code, out, errOut)
	}
	if final := okNow(); len(final) != n {
		t.Errorf("after resuming, %d of %d URLs are ok", len(final), n)
	}
	mu.Lock()
	for _, snap := range []map[string]int{hits1, hits2} {
		for path, h := range snap {
			if hits[path] != h {
				t.Errorf("%s was recorded before a crash (after %d requests) but requested %d times in all", path, h, hits[path])
			}
		}
	}
	mu.Unlock()
	counts := map[string]int{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			top := strings.Split(filepath.ToSlash(rel), "/")[0]
			if strings.HasPrefix(d.Name(), ".tmp-") {
				t.Errorf("half-written file left: %s", rel)
			}
			counts[top]++
		}
		return nil
	})
	if counts["images"] != n || counts["thumbs"] != n {
		t.Errorf("files: %d originals, %d thumbnails; want %d of each", counts["images"], counts["thumbs"], n)
	}
	if code, out, errOut := motif(t, "check", "--project", dir, "--deep"); code != exitOK || !strings.Contains(out, "catalog and files agree") {
		t.Errorf("motif check = %d: %s%s", code, out, errOut)
	}
	t.Logf("killed after %d and %d of %d images were recorded", len(done1), len(done2), n)
}

func TestIngestFetchURLsCommands(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone.png" {
			http.Error(w, "gone", http.StatusNotFound)
			return
		}
		w.Write(crashPNG(7))
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "proj")
	posts := filepath.Join(t.TempDir(), "posts.jsonl")
	os.WriteFile(posts, []byte(fmt.Sprintf(`{"post": "a", "pic": "%s/ok.png"}
{"post": "b", "pic": ["%s/ok.png", "%s/gone.png"]}
{"post": "c", "pic": "mailto:someone@example.org"}
`, srv.URL, srv.URL, srv.URL)), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"missing column", []string{"ingest", "--project", dir, "--url-column", "media", posts}, exitError,
			[]string{`column "media" not found; columns are: pic, post — use --url-column`}},
		{"ingest", []string{"ingest", "--project", dir, "--id-column", "post", "--url-column", "pic", posts}, exitOK,
			[]string{"2 posts with 3 image URLs", "1 rows rejected", "row 3:"}},
		{"ingest again", []string{"ingest", "--project", dir, "--id-column", "post", posts}, exitOK,
			[]string{"already ingested"}},
		{"fetch refuses loopback", []string{"fetch", "--project", dir}, exitOK, []string{"blocked_address", "2"}},
		{"fetch allowed", []string{"fetch", "--project", dir, "--allow-private", "--retry-status", "blocked_address"}, exitOK,
			[]string{"ok", "http_404", "1 new images"}},
		{"nothing left", []string{"fetch", "--project", dir, "--allow-private"}, exitOK, []string{"nothing to fetch"}},
		{"urls table", []string{"urls", "--project", dir}, exitOK, []string{"STATUS", "http_404", srv.URL + "/gone.png", "a,b"}},
		{"urls csv", []string{"urls", "--project", dir, "--format", "csv", "--status", "http_404"}, exitOK,
			[]string{"url,status,http_status", srv.URL + "/gone.png,http_404,404"}},
		{"urls parquet needs output", []string{"urls", "--project", dir, "--format", "parquet"}, exitUsage, []string{"--output"}},
		{"urls bad format", []string{"urls", "--project", dir, "--format", "xml"}, exitUsage, []string{"table, csv or parquet"}},
		{"check", []string{"check", "--project", dir}, exitOK, []string{"1 images in the catalog", "catalog and files agree"}},
	}
	for _, tt := range tests {
		code, out, errOut := motif(t, tt.args...)
		if code != tt.code {
			t.Errorf("%s: motif %q = exit %d, want %d: %s%s", tt.name, tt.args, code, tt.code, out, errOut)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out+errOut, w) {
				t.Errorf("%s: motif %q output lacks %q:\n%s%s", tt.name, tt.args, w, out, errOut)
			}
		}
	}
	pq := filepath.Join(t.TempDir(), "urls.parquet")
	if code, out, errOut := motif(t, "urls", "--project", dir, "--format", "parquet", "--output", pq); code != exitOK || !strings.Contains(out, "wrote 2 URLs") {
		t.Errorf("motif urls --format parquet = %d: %s%s", code, out, errOut)
	}
}
