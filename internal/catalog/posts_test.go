package catalog

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestAddPostsIdempotent(t *testing.T) {
	ctx := context.Background()
	c, _ := openTemp(t)
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	posts := []PostRecord{
		{SourceID: "1", Text: "a", PostedAt: at, URLs: []string{"https://x.org/1.jpg", "https://x.org/2.jpg"}},
		{SourceID: "2", Text: "b", URLs: []string{"https://x.org/1.jpg"}},
	}
	np, nu, err := c.AddPosts(ctx, posts)
	if err != nil || np != 2 || nu != 2 {
		t.Fatalf("AddPosts() = %d, %d, %v; want 2 posts, 2 URLs", np, nu, err)
	}
	np, nu, err = c.AddPosts(ctx, posts)
	if err != nil || np != 0 || nu != 0 {
		t.Errorf("AddPosts(again) = %d, %d, %v; want nothing new", np, nu, err)
	}
	// A known post gains a new URL; its fields stay.
	np, nu, err = c.AddPosts(ctx, []PostRecord{{SourceID: "2", Text: "changed", URLs: []string{"https://x.org/3.jpg"}}})
	if err != nil || np != 0 || nu != 1 {
		t.Errorf("AddPosts(known post, new URL) = %d, %d, %v; want 0, 1", np, nu, err)
	}
	urls, err := c.URLs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, u := range urls {
		got[u.URL] = fmt.Sprint(u.PostIDs)
		if u.Status != "pending" {
			t.Errorf("new URL %s has status %q, want pending", u.URL, u.Status)
		}
	}
	want := map[string]string{"https://x.org/1.jpg": "[1 2]", "https://x.org/2.jpg": "[1]", "https://x.org/3.jpg": "[2]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("URLs() posts = %v, want %v", got, want)
	}
	if n, _ := c.PostCount(ctx); n != 2 {
		t.Errorf("PostCount() = %d, want 2", n)
	}
}

func TestRecordFetchesAndRetry(t *testing.T) {
	ctx := context.Background()
	c, _ := openTemp(t)
	var recs []PostRecord
	for i := range 4 {
		recs = append(recs, PostRecord{SourceID: fmt.Sprint(i), URLs: []string{fmt.Sprintf("https://x.org/%d.jpg", i)}})
	}
	if _, _, err := c.AddPosts(ctx, recs); err != nil {
		t.Fatal(err)
	}
	jobs, err := c.URLsToFetch(ctx, false, nil)
	if err != nil || len(jobs) != 4 {
		t.Fatalf("URLsToFetch() = %v, %v; want 4", jobs, err)
	}
	ph := uint64(0xfedcba9876543210) // does not fit a signed integer: stored as its bit pattern
	err = c.RecordFetches(ctx, []FetchRecord{
		{URLID: jobs[0].ID, Status: "ok", HTTPStatus: 200, Bytes: 10, Attempts: 1,
			Image: &Image{Key: "k1", Path: "images/k1.jpg", Thumb: "thumbs/k1.jpg", Format: "jpeg", Width: 2, Height: 3, Bytes: 10, PHash: &ph}},
		{URLID: jobs[1].ID, Status: "timeout", Attempts: 4, Retryable: true, Error: "deadline"},
		{URLID: jobs[2].ID, Status: "http_404", HTTPStatus: 404, Attempts: 1},
		{URLID: jobs[3].ID, Status: "blocked_address", Attempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		retry    bool
		statuses []string
		want     int
	}{
		{false, nil, 0},
		{true, nil, 1},
		{false, []string{"blocked_address"}, 1},
		{true, []string{"blocked_address", "http_404"}, 3},
	}
	for _, tt := range tests {
		jobs, err := c.URLsToFetch(ctx, tt.retry, tt.statuses)
		if err != nil || len(jobs) != tt.want {
			t.Errorf("URLsToFetch(%v, %v) = %d jobs, %v; want %d", tt.retry, tt.statuses, len(jobs), err, tt.want)
		}
	}
	im, err := c.ImageByKey(ctx, "k1")
	if err != nil || im.PHash == nil || *im.PHash != ph {
		t.Errorf("ImageByKey(k1) = %+v, %v; want the recorded pHash %x", im, err, ph)
	}
	counts, err := c.URLStatusCounts(ctx)
	if err != nil || counts["ok"] != 1 || counts["timeout"] != 1 {
		t.Errorf("URLStatusCounts() = %v, %v", counts, err)
	}
	if bad, err := c.OKURLsWithoutImage(ctx); err != nil || len(bad) != 0 {
		t.Errorf("OKURLsWithoutImage() = %v, %v; want none", bad, err)
	}
	n, err := c.ResetURLs(ctx, []int64{jobs[2].ID}, "k1")
	if err != nil || n != 2 {
		t.Errorf("ResetURLs() = %d, %v; want 2", n, err)
	}
	if jobs, _ := c.URLsToFetch(ctx, false, nil); len(jobs) != 2 {
		t.Errorf("URLsToFetch() after reset = %d, want 2", len(jobs))
	}
}

func TestSourceFiles(t *testing.T) {
	ctx := context.Background()
	c, _ := openTemp(t)
	if _, err := c.SourceFileBySHA(ctx, "abc"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SourceFileBySHA(unknown) = %v, want ErrNotFound", err)
	}
	id, err := c.AddSourceFile(ctx, SourceFile{Path: "/p.csv", SHA256: "abc", Kind: "posts", Rows: 5, Rejected: 2},
		[]RejectedRow{{Row: 3, Reason: "no URL"}, {Row: 5, Reason: "empty id"}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.AddSourceFile(ctx, SourceFile{Path: "/other.csv", SHA256: "abc", Kind: "posts"}, nil)
	if err != nil || again != id {
		t.Errorf("AddSourceFile(same sha) = %d, %v; want the existing id %d", again, err, id)
	}
	f, err := c.SourceFileBySHA(ctx, "abc")
	if err != nil || f.Rows != 5 || f.Rejected != 2 || f.Path != "/p.csv" {
		t.Errorf("SourceFileBySHA() = %+v, %v", f, err)
	}
	rows, err := c.RejectedRows(ctx, id)
	if err != nil || len(rows) != 2 || rows[1].Reason != "empty id" {
		t.Errorf("RejectedRows() = %+v, %v", rows, err)
	}
}
