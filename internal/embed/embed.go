// Package embed turns pictures into embedding vectors with an image model run by ONNX
// Runtime: DINOv2-class vision transformers exported to ONNX, or any model with an NCHW
// float input and a pooled [N, D] or token [N, T, D] output.
//
// The preprocessing is Hugging Face's (preprocessor_config.json beside the model, else
// DINOv2's), computed as Pillow computes it, so that vectors match those of the Python
// stack; see Decode, Preprocessing and Resize. Vectors are L2-normalised. Run keeps the model
// busy: decoding and preprocessing on all cores feed batches to one session.
//
// The ONNX Runtime backend needs cgo and the ONNX Runtime shared library (see FindLibrary);
// a build without cgo compiles, and Open then says why it cannot embed.
package embed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Embedder computes embeddings of preprocessed pictures.
type Embedder interface {
	// Embed runs the model on n pictures whose CHW tensors lie one after the other in
	// pixels (n·3·H·W values, H×W as Preprocessing gives) and returns n·Dim() values: one
	// L2-normalised vector per picture, row-major. It may be called from one goroutine at
	// a time.
	Embed(ctx context.Context, pixels []float32, n int) ([]float32, error)
	// Dim is the length of one vector.
	Dim() int
	// Preprocessing is how pictures must be prepared for Embed.
	Preprocessing() Preprocessing
	// Close releases the model.
	Close() error
}

// Pooling says how a token output [N, T, D] becomes one vector per picture.
type Pooling string

// The poolings. PoolingAuto uses a pooled [N, D] output when the model has one (a
// DINOv2 export's pooler_output, which is the normalised CLS token), else the CLS token.
const (
	PoolingAuto    Pooling = ""
	PoolingCLS     Pooling = "cls"      // token 0
	PoolingMean    Pooling = "mean"     // mean of the patch tokens (after the prefix tokens)
	PoolingCLSMean Pooling = "cls+mean" // both, concatenated (2·D values), as DINOv2's linear probes
)

// ParsePooling reads a --pooling value: "", "auto", "cls", "mean" or "cls+mean".
func ParsePooling(s string) (Pooling, error) {
	switch p := Pooling(strings.ToLower(strings.TrimSpace(s))); p {
	case "", "auto":
		return PoolingAuto, nil
	case PoolingCLS, PoolingMean, PoolingCLSMean:
		return p, nil
	}
	return "", fmt.Errorf("pooling %q is not one of auto, cls, mean, cls+mean", s)
}

func (p Pooling) String() string {
	if p == PoolingAuto {
		return "auto"
	}
	return string(p)
}

// Options configure Open. The zero value of each field means its default.
type Options struct {
	// Model is the path of the .onnx file. Required.
	Model string
	// Library is the path of the ONNX Runtime shared library. Default: $MOTIF_ORT_LIB,
	// then the standard locations FindLibrary lists.
	Library string
	// Threads is ONNX Runtime's intra-op thread count. Default: the number of CPUs.
	Threads int
	// Spin lets ONNX Runtime's intra-op threads busy-wait for work between operators
	// (its own default, session.intra_op.allow_spinning = 1). Default false: they sleep,
	// which leaves the cores to the goroutines that decode the next batch (with
	// MobileNetV2 on CPU, spinning cost half as much CPU time again per picture).
	Spin bool
	// Device is "cpu" (default) or "cuda" (the CUDA execution provider, which needs a
	// GPU build of ONNX Runtime).
	Device string
	// DeviceID is the CUDA device ordinal. Default 0.
	DeviceID int
	// Pooling chooses the output and how tokens are pooled. Default PoolingAuto.
	Pooling Pooling
	// Output names the model output to use, overriding the choice Pooling makes.
	Output string
	// PrefixTokens is the number of tokens before the patch tokens (CLS plus any
	// registers), which PoolingMean leaves out. Default 1.
	PrefixTokens int
	// Preprocessing overrides the preprocessing. Default: preprocessor_config.json beside
	// the model when present, else DINOv2().
	Preprocessing *Preprocessing
}

func (o Options) threads() int {
	if o.Threads > 0 {
		return o.Threads
	}
	return runtime.NumCPU()
}

func (o Options) prefixTokens() int {
	if o.PrefixTokens > 0 {
		return o.PrefixTokens
	}
	return 1
}

// ConfigPath is where a model's preprocessor_config.json is looked for: beside the model.
func ConfigPath(model string) string {
	return filepath.Join(filepath.Dir(model), "preprocessor_config.json")
}

// ModelPreprocessing returns the preprocessing for a model: opts.Preprocessing, else the
// preprocessor_config.json beside it, else DINOv2(). source says which ("options", the
// config's path, or "default (DINOv2)").
func ModelPreprocessing(opts Options) (p Preprocessing, source string, err error) {
	if opts.Preprocessing != nil {
		if err := opts.Preprocessing.Validate(); err != nil {
			return Preprocessing{}, "", err
		}
		return *opts.Preprocessing, "options", nil
	}
	path := ConfigPath(opts.Model)
	if _, err := os.Stat(path); err == nil {
		p, err := LoadPreprocessing(path)
		return p, path, err
	}
	return DINOv2(), "default (DINOv2)", nil
}

// checkModel reports a model path that is not a readable file.
func checkModel(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	if st.IsDir() {
		return fmt.Errorf("model %s is a directory; name the .onnx file", path)
	}
	return nil
}

// FileSHA256 returns the hex sha256 of a file, which identifies a model in the catalog.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// TensorInfo describes a model input or output.
type TensorInfo struct {
	Name  string
	Type  string  // element type, e.g. "float32"
	Shape []int64 // −1 for a dynamic dimension
}

func (t TensorInfo) String() string {
	dims := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		if d < 0 {
			dims[i] = "?"
		} else {
			dims[i] = fmt.Sprint(d)
		}
	}
	return fmt.Sprintf("%s %s [%s]", t.Name, t.Type, strings.Join(dims, ", "))
}

// Info is what `motif doctor` reports about the runtime and a model.
type Info struct {
	Library        string // path of the ONNX Runtime library in use
	Version        string // its version
	Providers      []string
	CUDA           string // "available" or why not
	Model          string
	ModelSHA256    string
	Inputs         []TensorInfo
	Outputs        []TensorInfo
	Input          string // the input Open would use
	Output         string // the output Open would use
	Dim            int    // vector length Open would produce; 0 when unknown
	Preprocessing  Preprocessing
	PreprocessFrom string
}

// pool turns the output of one picture into its vector in dst (not normalised). out holds
// T·D values for a token output (tokens > 0) or D values for a pooled one.
func pool(dst, out []float32, tokens, d int, p Pooling, prefix int) {
	if tokens == 0 {
		copy(dst, out[:d])
		return
	}
	if p == PoolingCLS || p == PoolingCLSMean || p == PoolingAuto {
		copy(dst, out[:d])
	}
	if p == PoolingMean || p == PoolingCLSMean {
		m := dst
		if p == PoolingCLSMean {
			m = dst[d : 2*d]
		}
		acc := make([]float64, d)
		for t := prefix; t < tokens; t++ {
			row := out[t*d : (t+1)*d]
			for j, v := range row {
				acc[j] += float64(v)
			}
		}
		for j := range acc {
			m[j] = float32(acc[j] / float64(tokens-prefix))
		}
	}
}

// normalize scales v to unit L2 norm in place (a zero vector stays zero).
func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := 1 / math.Sqrt(s)
	for i := range v {
		v[i] = float32(float64(v[i]) * inv)
	}
}
