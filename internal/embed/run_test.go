//go:build cgo

package embed

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
)

// testItems lists the committed test pictures as items keyed by file name, plus one file
// that is not a picture.
func testItems(t testing.TB) []Item {
	t.Helper()
	var items []Item
	for _, dir := range []string{"images", "photos"} {
		ents, err := os.ReadDir(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			items = append(items, Item{Key: dir + "/" + e.Name(), Path: filepath.Join("testdata", dir, e.Name())})
		}
	}
	return append(items, Item{Key: "broken", Path: "testdata/README.md"})
}

// feed sends items on a channel it closes after the last; it gives up when the test ends
// (Run may stop reading early).
func feed(t testing.TB, items []Item) <-chan Item {
	ch := make(chan Item)
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		defer close(ch)
		for _, it := range items {
			select {
			case ch <- it:
			case <-done:
				return
			}
		}
	}()
	return ch
}

// TestRun embeds every test picture through the pipeline with several batch sizes and
// worker counts: the same vectors come out, each equal to a direct Embed of the picture,
// and the broken file is reported, not fatal.
func TestRun(t *testing.T) {
	needRuntime(t)
	e := openT(t, Options{Model: tinyViT, Threads: 2})
	items := testItems(t)
	var ref map[string][]float32
	for _, tc := range []struct{ batch, workers int }{{1, 1}, {5, 2}, {32, 3}} {
		t.Run(fmt.Sprintf("batch%d-workers%d", tc.batch, tc.workers), func(t *testing.T) {
			got := map[string][]float32{}
			var failed []string
			var progress atomic.Int64
			err := Run(context.Background(), e, feed(t, items), RunOptions{
				Batch: tc.batch, Workers: tc.workers, Total: len(items),
				Progress: func(phase string, done, total int) { progress.Store(int64(done)) },
			}, func(key string, vec []float32) error {
				got[key] = slices.Clone(vec)
				return nil
			}, func(key string, err error) {
				failed = append(failed, key)
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(failed, []string{"broken"}) {
				t.Errorf("Run(...) failed = %v, want [broken]", failed)
			}
			if len(got) != len(items)-1 || progress.Load() != int64(len(items)) {
				t.Fatalf("Run(...) emitted %d vectors, progress %d; want %d, %d", len(got), progress.Load(), len(items)-1, len(items))
			}
			if ref == nil {
				ref = got
				return
			}
			for k, v := range got {
				for j := range v {
					if math.Abs(float64(v[j]-ref[k][j])) > 1e-5 {
						t.Fatalf("Run(batch %d) vector %s[%d] = %v, want %v", tc.batch, k, j, v[j], ref[k][j])
					}
				}
			}
		})
	}
	// one picture directly
	img, err := DecodeFile("testdata/photos/coffee.jpg")
	if err != nil {
		t.Fatal(err)
	}
	p := e.Preprocessing()
	v, err := e.Embed(context.Background(), p.Tensor(make([]float32, 3*224*224), p.Crop(img)), 1)
	if err != nil {
		t.Fatal(err)
	}
	for j := range v {
		if math.Abs(float64(v[j]-ref["photos/coffee.jpg"][j])) > 1e-5 {
			t.Fatalf("Run vector of coffee.jpg [%d] = %v, Embed gives %v", j, ref["photos/coffee.jpg"][j], v[j])
		}
	}
}

// TestRunResume: an emit error stops Run; what was emitted stays, and a second run over
// the missing keys completes the set with the same vectors.
func TestRunResume(t *testing.T) {
	needRuntime(t)
	e := openT(t, Options{Model: tinyViT, Threads: 2})
	items := testItems(t)[:20]
	stop := errors.New("disk full")
	got := map[string][]float32{}
	err := Run(context.Background(), e, feed(t, items), RunOptions{Batch: 4, Workers: 2}, func(key string, vec []float32) error {
		if len(got) == 9 {
			return stop
		}
		got[key] = slices.Clone(vec)
		return nil
	}, func(string, error) {})
	if !errors.Is(err, stop) {
		t.Fatalf("Run(...) error = %v, want %v", err, stop)
	}
	if len(got) != 9 {
		t.Fatalf("Run(...) kept %d vectors before the error, want 9", len(got))
	}
	var rest []Item
	for _, it := range items {
		if got[it.Key] == nil {
			rest = append(rest, it)
		}
	}
	err = Run(context.Background(), e, feed(t, rest), RunOptions{Batch: 4}, func(key string, vec []float32) error {
		if got[key] != nil {
			return fmt.Errorf("key %s embedded twice", key)
		}
		got[key] = slices.Clone(vec)
		return nil
	}, func(string, error) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(items) {
		t.Fatalf("after resuming, %d vectors, want %d", len(got), len(items))
	}
}

func TestRunCancel(t *testing.T) {
	needRuntime(t)
	e := openT(t, Options{Model: tinyViT, Threads: 1})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Run(ctx, e, feed(t, testItems(t)), RunOptions{Batch: 2, Workers: 2}, func(string, []float32) error {
		n++
		if n == 2 {
			cancel()
		}
		return nil
	}, func(string, error) {})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run(cancelled) error = %v, want context.Canceled", err)
	}
}
