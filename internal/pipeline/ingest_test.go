package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestIngestInterruptedThenResumed cancels an ingest part-way through and
// checks that running it again adds exactly the posts that were missing.
func TestIngestInterruptedThenResumed(t *testing.T) {
	const n = 5000
	var sb strings.Builder
	sb.WriteString("id,url\n")
	for i := range n {
		fmt.Fprintf(&sb, "%d,https://cdn.example.org/%d.jpg\n", i, i%4000)
	}
	path := writeTemp(t, "big.csv", sb.String())
	p := newProject(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first, err := Ingest(ctx, p, IngestOptions{Path: path, Progress: func(_ string, done, _ int) {
		if done >= 2000 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Ingest(cancelled) error = %v, want context.Canceled", err)
	}
	if first.NewPosts == 0 || first.NewPosts >= n {
		t.Fatalf("Ingest(cancelled) committed %d posts, want some but not all", first.NewPosts)
	}
	second, err := Ingest(context.Background(), p, IngestOptions{Path: path})
	if err != nil || second.AlreadyIngested {
		t.Fatalf("Ingest(again) = %+v, %v; want a completed ingest", second, err)
	}
	if first.NewPosts+second.NewPosts != n || first.NewURLs+second.NewURLs != 4000 {
		t.Errorf("posts %d + %d, URLs %d + %d; want %d posts and 4000 URLs in all",
			first.NewPosts, second.NewPosts, first.NewURLs, second.NewURLs, n)
	}
	if got, _ := p.Catalog.PostCount(context.Background()); got != n {
		t.Errorf("PostCount() = %d, want %d", got, n)
	}
	third, err := Ingest(context.Background(), p, IngestOptions{Path: path})
	if err != nil || !third.AlreadyIngested {
		t.Errorf("Ingest(third time) = %+v, %v; want already ingested", third, err)
	}
}
