//go:build cgo

package pipeline

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"motif/internal/embed"
	"motif/internal/tabular"
)

const tinyViT = "../embed/testdata/vit/tiny_vit.onnx"

// embedFolder makes a folder of test pictures plus a file that is not a picture and a
// JPEG that is cut short.
func embedFolder(t *testing.T) string {
	t.Helper()
	if _, err := embed.FindLibrary(""); err != nil {
		t.Skipf("ONNX Runtime library not found; set %s: %v", embed.LibraryEnv, err)
	}
	dir := t.TempDir()
	src := "../embed/testdata/images"
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents[:12] {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a picture"), 0o644)
	jpg, _ := os.ReadFile(filepath.Join(src, "rgb420.jpg"))
	os.WriteFile(filepath.Join(dir, "truncated.jpg"), jpg[:len(jpg)/3], 0o644)
	return dir
}

func readSet(t *testing.T, p *Project, rel string) map[string][]float32 {
	t.Helper()
	tb, err := tabular.Read(p.Path(rel))
	if err != nil {
		t.Fatal(err)
	}
	ids, vec := tb.Column(ColID), tb.Column(ColEmbedding)
	out := map[string][]float32{}
	for i, k := range ids.Strings {
		out[k] = vec.Vectors[i*vec.Dim : (i+1)*vec.Dim]
	}
	return out
}

func TestEmbedFolderAndResume(t *testing.T) {
	dir := embedFolder(t)
	ctx := context.Background()
	p, err := Create(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	model := embed.Options{Model: tinyViT, Threads: 2, Pooling: embed.PoolingCLSMean}

	full, err := Embed(ctx, p, EmbedOptions{Model: model, ImagesDir: dir, Name: "full", Batch: 3, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if full.Set.Rows != 12 || full.Set.Dims != 64 || len(full.Failed) != 2 {
		t.Fatalf("Embed(...) = %d rows × %d dims, %d failed; want 12 × 64, 2 failed (%v)", full.Set.Rows, full.Set.Dims, len(full.Failed), full.Failed)
	}
	if full.Set.ModelSHA256 == "" || full.Set.Params["pooling"] != "cls+mean" {
		t.Errorf("Embed(...) set = %+v, want the model's sha256 and pooling recorded", full.Set)
	}
	if _, err := os.Stat(p.Path("embeddings/full.failed.csv")); err != nil {
		t.Errorf("failures not listed: %v", err)
	}
	want := readSet(t, p, full.Set.Path)
	for k, v := range want {
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-5 {
			t.Fatalf("vector %s has squared norm %v, want 1", k, n)
		}
	}

	// Interrupt a second run after a few checkpoints, then resume it.
	cctx, cancel := context.WithCancel(ctx)
	opts := EmbedOptions{Model: model, ImagesDir: dir, Name: "resumed", Batch: 2, Workers: 1, Checkpoint: 2,
		Progress: func(phase string, done, total int) {
			if phase == "embed" && done >= 5 {
				cancel()
			}
		}}
	first, err := Embed(cctx, p, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Embed(...) error = %v, want context.Canceled", err)
	}
	if first.Embedded < 4 || first.Embedded >= 12 {
		t.Fatalf("interrupted Embed(...) embedded %d, want between 4 and 11", first.Embedded)
	}
	opts.Progress = nil
	second, err := Embed(ctx, p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if second.Resumed != first.Embedded || second.Resumed+second.Embedded != 12 {
		t.Fatalf("resumed Embed(...) resumed %d and embedded %d; want %d and %d", second.Resumed, second.Embedded, first.Embedded, 12-first.Embedded)
	}
	got := readSet(t, p, second.Set.Path)
	for k, v := range want {
		g := got[k]
		if len(g) != len(v) {
			t.Fatalf("resumed set lacks %s", k)
		}
		for j := range v {
			if math.Abs(float64(g[j]-v[j])) > 1e-5 {
				t.Fatalf("resumed set %s[%d] = %v, want %v", k, j, g[j], v[j])
			}
		}
	}
	if _, err := os.Stat(p.Path("embeddings/resumed.partial")); !os.IsNotExist(err) {
		t.Errorf("checkpoint directory left behind: %v", err)
	}
	if _, err := Embed(ctx, p, opts); err == nil || !isSetExists(err) {
		t.Errorf("Embed(existing name) error = %v, want the set-exists error", err)
	}
}

// TestEmbedProjectImages embeds the images already in the catalog (as fetch leaves them):
// every image is either a row or a recorded failure.
func TestEmbedProjectImages(t *testing.T) {
	dir := embedFolder(t)
	ctx := context.Background()
	p, err := Create(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := Embed(ctx, p, EmbedOptions{Model: embed.Options{Model: tinyViT}}); err == nil {
		t.Fatal("Embed(empty project) succeeded, want an error saying there are no images")
	}
	if _, _, _, err := storeFolder(ctx, p, dir, nil); err != nil {
		t.Fatal(err)
	}
	ims, err := p.Catalog.Images(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Embed(ctx, p, EmbedOptions{Model: embed.Options{Model: tinyViT, Threads: 1}, Batch: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Set.Rows < 12 || res.Set.Rows+len(res.Failed) != len(ims) {
		t.Fatalf("Embed(project) = %d rows + %d failed, want at least 12 rows and %d in all", res.Set.Rows, len(res.Failed), len(ims))
	}
	if res.Set.Name != "tiny_vit" || res.Set.Params["pooling"] != "auto" || res.Set.Dims != 32 {
		t.Errorf("Embed(project) set = %q, pooling %v, %d dims; want tiny_vit, auto, 32", res.Set.Name, res.Set.Params["pooling"], res.Set.Dims)
	}
}
