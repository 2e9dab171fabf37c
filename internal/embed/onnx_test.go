//go:build cgo

package embed

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// needRuntime skips a test when the ONNX Runtime library is not installed.
func needRuntime(t testing.TB) {
	t.Helper()
	if _, err := FindLibrary(""); err != nil {
		t.Skipf("ONNX Runtime library not found; set %s (testdata/get-ort.sh installs it): %v", LibraryEnv, err)
	}
}

const tinyViT = "testdata/vit/tiny_vit.onnx"

type golden struct {
	Inputs  []string
	Pooler  [][]float64
	CLS     [][]float64 `json:"cls"`
	Mean    [][]float64
	CLSMean [][]float64 `json:"cls+mean"`
}

func loadGolden(t *testing.T) (golden, []float32) {
	t.Helper()
	data, err := os.ReadFile("testdata/vit/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	p := DINOv2()
	px := make([]float32, len(g.Inputs)*3*224*224)
	for i, in := range g.Inputs {
		p.Tensor(px[i*3*224*224:], readPNG(t, filepath.Join("testdata", in)))
	}
	return g, px
}

func openT(t testing.TB, opts Options) Embedder {
	t.Helper()
	e, err := Open(opts)
	if err != nil {
		t.Fatalf("Open(%+v): %v", opts, err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// TestTinyViTMatchesNumpy checks every pooling against the numpy forward pass of gen.py.
func TestTinyViTMatchesNumpy(t *testing.T) {
	needRuntime(t)
	g, px := loadGolden(t)
	n := len(g.Inputs)
	for _, tc := range []struct {
		pooling Pooling
		want    [][]float64
		dim     int
	}{
		{PoolingAuto, g.Pooler, 32},
		{PoolingCLS, g.CLS, 32},
		{PoolingMean, g.Mean, 32},
		{PoolingCLSMean, g.CLSMean, 64},
	} {
		t.Run(tc.pooling.String(), func(t *testing.T) {
			e := openT(t, Options{Model: tinyViT, Pooling: tc.pooling, Threads: 2})
			if e.Dim() != tc.dim {
				t.Fatalf("Dim() = %d, want %d", e.Dim(), tc.dim)
			}
			got, err := e.Embed(context.Background(), px, n)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				for j := 0; j < tc.dim; j++ {
					if d := math.Abs(float64(got[i*tc.dim+j]) - tc.want[i][j]); d > 1e-4 {
						t.Fatalf("Embed(%s)[%d][%d] = %v, want %v (±1e-4)", g.Inputs[i], i, j, got[i*tc.dim+j], tc.want[i][j])
					}
				}
			}
		})
	}
}

// TestInvariance: the vectors do not depend on the batch split, the thread count or
// whether the threads spin.
func TestInvariance(t *testing.T) {
	needRuntime(t)
	g, px := loadGolden(t)
	n := len(g.Inputs)
	per := 3 * 224 * 224
	var ref []float32
	for _, tc := range []struct {
		name           string
		batch, threads int
		spin           bool
	}{
		{"batch4-threads1", 4, 1, false},
		{"batch1-threads1", 1, 1, false},
		{"batch3-threads2", 3, 2, false},
		{"batch2-threads2", 2, 2, false},
		{"batch2-threads2-spin", 2, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := openT(t, Options{Model: tinyViT, Pooling: PoolingCLSMean, Threads: tc.threads, Spin: tc.spin})
			var got []float32
			for i := 0; i < n; i += tc.batch {
				k := min(tc.batch, n-i)
				v, err := e.Embed(context.Background(), px[i*per:(i+k)*per], k)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, v...)
			}
			if ref == nil {
				ref = got
				return
			}
			for i := range got {
				if d := math.Abs(float64(got[i] - ref[i])); d > 1e-5 {
					t.Fatalf("Embed with batch %d, threads %d: [%d] = %v, want %v (±1e-5)", tc.batch, tc.threads, i, got[i], ref[i])
				}
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	needRuntime(t)
	real := filepath.Join("..", "..", "..", "shared", "models", "mobilenet_v2_embedder.onnx")
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no model", Options{}, "no model given"},
		{"missing model", Options{Model: "testdata/nothing.onnx"}, "no such file"},
		{"unknown output", Options{Model: tinyViT, Output: "logits"}, `no output "logits"`},
		{"bad device", Options{Model: tinyViT, Device: "tpu"}, `device "tpu"`},
		{"wrong crop", Options{Model: tinyViT, Preprocessing: &Preprocessing{ShortestEdge: 256, Resample: Bicubic, CropWidth: 200, CropHeight: 200}}, "wants 224×224 input"},
	}
	if _, err := os.Stat(real); err == nil {
		tests = append(tests, struct {
			name string
			opts Options
			want string
		}{"pooling on pooled output", Options{Model: real, Pooling: PoolingMean}, "needs a token output"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Open(tc.opts)
			if err == nil {
				e.Close()
				t.Fatalf("Open(%+v) succeeded, want an error containing %q", tc.opts, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open(%+v) error = %q, want it to contain %q", tc.opts, err, tc.want)
			}
		})
	}
}

// TestCUDA runs the CUDA path: on a CPU-only library it must fail and say so; where CUDA
// works, its vectors must match the CPU's.
func TestCUDA(t *testing.T) {
	needRuntime(t)
	g, px := loadGolden(t)
	e, err := Open(Options{Model: tinyViT, Device: "cuda"})
	if err != nil {
		if !strings.Contains(err.Error(), "CUDA execution provider unavailable") {
			t.Fatalf("Open(cuda) error = %q, want it to say the CUDA execution provider is unavailable", err)
		}
		t.Logf("CUDA unavailable, as reported: %v", err)
		return
	}
	defer e.Close()
	got, err := e.Embed(context.Background(), px, len(g.Inputs))
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Inputs {
		for j := 0; j < 32; j++ {
			if d := math.Abs(float64(got[i*32+j]) - g.Pooler[i][j]); d > 1e-3 {
				t.Fatalf("Embed on CUDA [%d][%d] = %v, want %v (±1e-3)", i, j, got[i*32+j], g.Pooler[i][j])
			}
		}
	}
}

func TestEmbedCancelled(t *testing.T) {
	needRuntime(t)
	_, px := loadGolden(t)
	e := openT(t, Options{Model: tinyViT})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Embed(ctx, px, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed(cancelled) error = %v, want context.Canceled", err)
	}
}

func TestInspect(t *testing.T) {
	needRuntime(t)
	info, err := Inspect(Options{Model: tinyViT, Pooling: PoolingMean})
	if err != nil {
		t.Fatal(err)
	}
	if info.Version == "" || info.Library == "" || len(info.Providers) == 0 {
		t.Errorf("Inspect() runtime = %q %q %v, want library, version and providers", info.Library, info.Version, info.Providers)
	}
	sum, err := FileSHA256(tinyViT)
	if err != nil {
		t.Fatal(err)
	}
	if info.ModelSHA256 != sum || len(sum) != 64 {
		t.Errorf("Inspect().ModelSHA256 = %q, want %q", info.ModelSHA256, sum)
	}
	if info.Input != "pixel_values" || info.Output != "last_hidden_state" || info.Dim != 32 {
		t.Errorf("Inspect() chose %s → %s (dim %d), want pixel_values → last_hidden_state (32)", info.Input, info.Output, info.Dim)
	}
	if len(info.Outputs) != 2 || info.Outputs[0].String() != "last_hidden_state float [?, 257, 32]" {
		t.Errorf("Inspect().Outputs = %v, want last_hidden_state float [?, 257, 32] and pooler_output", info.Outputs)
	}
}

// TestFixedBatch: a model whose batch dimension is fixed gets full batches, the last one
// padded, and the same vectors.
func TestFixedBatch(t *testing.T) {
	needRuntime(t)
	g, px := loadGolden(t)
	e := openT(t, Options{Model: "testdata/vit/tiny_vit_batch3.onnx", Threads: 1})
	for _, n := range []int{1, 4} {
		got, err := e.Embed(context.Background(), px, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n*32 {
			t.Fatalf("Embed(%d pictures) gave %d values, want %d", n, len(got), n*32)
		}
		for i := 0; i < n; i++ {
			for j := 0; j < 32; j++ {
				if d := math.Abs(float64(got[i*32+j]) - g.Pooler[i][j]); d > 1e-4 {
					t.Fatalf("Embed(%d pictures, batch fixed at 3)[%d][%d] = %v, want %v", n, i, j, got[i*32+j], g.Pooler[i][j])
				}
			}
		}
	}
}
