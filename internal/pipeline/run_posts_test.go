//go:build cgo

package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"motif/internal/embed"
	"motif/internal/hdbscan"
)

// TestRunPosts drives the whole chain from a posts export: ingest, fetch
// from a local server, embed with the tiny test model, map and cluster; a
// second run reuses every stage.
func TestRunPosts(t *testing.T) {
	if _, err := embed.FindLibrary(""); err != nil {
		t.Skipf("ONNX Runtime library not found; set %s: %v", embed.LibraryEnv, err)
	}
	src := "../embed/testdata/images"
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if ext := filepath.Ext(e.Name()); ext == ".jpg" || ext == ".png" || ext == ".gif" || ext == ".webp" {
			names = append(names, e.Name())
		}
	}
	srv := httptest.NewServer(http.StripPrefix("/img/", http.FileServer(http.Dir(src))))
	defer srv.Close()
	var csv strings.Builder
	csv.WriteString("id,text,media_url\n")
	for i, n := range names {
		// Every picture twice: under its own post and, with a dead link, a second one.
		fmt.Fprintf(&csv, "p%d,\"post %d\",%s/img/%s\n", i, i, srv.URL, n)
		fmt.Fprintf(&csv, "q%d,\"repost %d\",\"%s/img/%s %s/img/missing-%d.jpg\"\n", i, i, srv.URL, n, srv.URL, i)
	}
	posts := filepath.Join(t.TempDir(), "posts.csv")
	if err := os.WriteFile(posts, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := func() RunOptions {
		u := NotebookMap()
		u.NNeighbors, u.NEpochs = 5, 50
		o := RunOptions{
			Posts: &PostsOptions{
				Ingest: IngestOptions{Path: posts},
				Embed:  EmbedOptions{Model: embed.Options{Model: tinyViT, Threads: 2}, Batch: 4},
			},
			Map:     MapOptions{UMAP: u},
			Cluster: ClusterOptions{HDBSCAN: hdbscan.Options{MinClusterSize: 3, MinSamples: 2}},
		}
		o.Posts.Fetch.HTTP.AllowPrivate = true
		return o
	}
	ctx := context.Background()
	p := newProject(t)
	first, err := Run(ctx, p, opts())
	if err != nil {
		t.Fatalf("Run(posts) = %v", err)
	}
	if first.Ingest == nil || first.Ingest.NewPosts != 2*len(names) {
		t.Errorf("Run ingested %+v, want %d posts", first.Ingest, 2*len(names))
	}
	if first.Fetch == nil || first.Fetch.Counts["ok"] != len(names) || first.Fetch.Counts["http_404"] != len(names) {
		t.Errorf("Run fetch counts = %v, want %d ok and %d http_404", first.Fetch.Counts, len(names), len(names))
	}
	if first.Set.Rows == 0 || first.Set.Source != "embed" || first.Cluster.Status != "done" {
		t.Fatalf("Run made set %+v, cluster run %+v", first.Set, first.Cluster)
	}
	second, err := Run(ctx, p, opts())
	if err != nil {
		t.Fatalf("second Run(posts) = %v", err)
	}
	for _, stage := range []string{"ingest", "embed", "map", "cluster"} {
		if !slices.Contains(second.Reused, stage) {
			t.Errorf("second Run reused %v, want %s among them", second.Reused, stage)
		}
	}
	if second.Cluster.ID != first.Cluster.ID {
		t.Errorf("second Run made cluster run %d, want %d reused", second.Cluster.ID, first.Cluster.ID)
	}
}
