package embed

import (
	"strings"
	"testing"
)

func TestChooseIO(t *testing.T) {
	pixels := TensorInfo{Name: "pixel_values", Type: "float", Shape: []int64{-1, 3, 224, 224}}
	tokens := TensorInfo{Name: "last_hidden_state", Type: "float", Shape: []int64{-1, 257, 384}}
	pooled := TensorInfo{Name: "pooler_output", Type: "float", Shape: []int64{-1, 384}}
	logits := TensorInfo{Name: "logits", Type: "float", Shape: []int64{-1, 1000}}
	tests := []struct {
		name      string
		ins, outs []TensorInfo
		opts      Options
		output    string
		tokens    int
		dim       int
		err       string
	}{
		{"auto takes the pooled output", []TensorInfo{pixels}, []TensorInfo{tokens, pooled}, Options{}, "pooler_output", 0, 384, ""},
		{"pooler_output preferred", []TensorInfo{pixels}, []TensorInfo{logits, pooled}, Options{}, "pooler_output", 0, 384, ""},
		{"auto without pooled output: tokens", []TensorInfo{pixels}, []TensorInfo{tokens}, Options{}, "last_hidden_state", 257, 384, ""},
		{"cls", []TensorInfo{pixels}, []TensorInfo{pooled, tokens}, Options{Pooling: PoolingCLS}, "last_hidden_state", 257, 384, ""},
		{"cls+mean doubles", []TensorInfo{pixels}, []TensorInfo{tokens, pooled}, Options{Pooling: PoolingCLSMean}, "last_hidden_state", 257, 768, ""},
		{"explicit output", []TensorInfo{pixels}, []TensorInfo{tokens, pooled, logits}, Options{Output: "logits"}, "logits", 0, 1000, ""},
		{"mean needs tokens", []TensorInfo{pixels}, []TensorInfo{pooled}, Options{Pooling: PoolingMean}, "", 0, 0, "needs a token output"},
		{"pooling an explicit pooled output", []TensorInfo{pixels}, []TensorInfo{pooled}, Options{Output: "pooler_output", Pooling: PoolingMean}, "", 0, 0, "already pooled"},
		{"no such output", []TensorInfo{pixels}, []TensorInfo{pooled}, Options{Output: "x"}, "", 0, 0, `no output "x"`},
		{"int input", []TensorInfo{{Name: "ids", Type: "int64", Shape: []int64{-1, 77}}}, []TensorInfo{pooled}, Options{}, "", 0, 0, "want one float input"},
		{"two inputs", []TensorInfo{pixels, pixels}, []TensorInfo{pooled}, Options{}, "", 0, 0, "want one float input"},
		{"no float output", []TensorInfo{pixels}, []TensorInfo{{Name: "o", Type: "int64", Shape: []int64{-1, 4}}}, Options{}, "", 0, 0, "no float output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := chooseIO(tc.ins, tc.outs, tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("chooseIO(...) error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.output != tc.output || m.tokens != tc.tokens || m.dim != tc.dim || m.input != "pixel_values" {
				t.Fatalf("chooseIO(...) = %s → %s, %d tokens, dim %d; want pixel_values → %s, %d, %d", m.input, m.output, m.tokens, m.dim, tc.output, tc.tokens, tc.dim)
			}
		})
	}
}

func TestCheckInputSize(t *testing.T) {
	fixed := model{h: 224, w: 224}
	if err := checkInputSize(fixed, DINOv2()); err != nil {
		t.Errorf("checkInputSize(224, DINOv2) = %v", err)
	}
	p := DINOv2()
	p.CropWidth, p.CropHeight = 0, 0
	if err := checkInputSize(model{h: -1, w: -1}, p); err == nil {
		t.Error("checkInputSize(no crop) succeeded, want an error: tensors would vary in size")
	}
	p = DINOv2()
	p.CropWidth, p.CropHeight = 518, 518
	if err := checkInputSize(fixed, p); err == nil || !strings.Contains(err.Error(), "wants 224×224") {
		t.Errorf("checkInputSize(518 crop, 224 model) = %v, want a size mismatch", err)
	}
}

func TestPool(t *testing.T) {
	// 3 tokens of 2 values: CLS (1, 2), patches (3, 4) and (5, 8)
	out := []float32{1, 2, 3, 4, 5, 8}
	for _, tc := range []struct {
		p    Pooling
		want []float32
	}{
		{PoolingCLS, []float32{1, 2}},
		{PoolingAuto, []float32{1, 2}},
		{PoolingMean, []float32{4, 6}},
		{PoolingCLSMean, []float32{1, 2, 4, 6}},
	} {
		got := make([]float32, len(tc.want))
		pool(got, out, 3, 2, tc.p, 1)
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("pool(%s) = %v, want %v", tc.p, got, tc.want)
			}
		}
	}
	v := []float32{3, 4}
	normalize(v)
	if v[0] != 0.6 || v[1] != 0.8 {
		t.Errorf("normalize([3 4]) = %v, want [0.6 0.8]", v)
	}
}
