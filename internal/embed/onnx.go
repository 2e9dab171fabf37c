//go:build cgo

package embed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// The ONNX Runtime environment is process-wide: one library, initialised once.
var env struct {
	sync.Mutex
	library string
}

// initRuntime loads the ONNX Runtime library (once per process) and returns its path.
func initRuntime(explicit string) (string, error) {
	env.Lock()
	defer env.Unlock()
	if env.library != "" {
		if explicit != "" && explicit != env.library {
			return "", fmt.Errorf("ONNX Runtime is already loaded from %s; cannot also load %s", env.library, explicit)
		}
		return env.library, nil
	}
	lib, err := FindLibrary(explicit)
	if err != nil {
		return "", err
	}
	ort.SetSharedLibraryPath(lib)
	if err := ort.InitializeEnvironment(ort.WithLogLevelError()); err != nil {
		return "", fmt.Errorf("load ONNX Runtime from %s: %w\n%s", lib, err, GetLibrary)
	}
	env.library = lib
	return lib, nil
}

func typeName(t ort.TensorElementDataType) string {
	s := t.String()
	s = strings.TrimPrefix(s, "ONNX_TENSOR_ELEMENT_DATA_TYPE_")
	return strings.ToLower(s)
}

func tensorInfos(in []ort.InputOutputInfo) []TensorInfo {
	out := make([]TensorInfo, len(in))
	for i, v := range in {
		out[i] = TensorInfo{Name: v.Name, Type: typeName(v.DataType), Shape: slices.Clone([]int64(v.Dimensions))}
	}
	return out
}

// onnxEmbedder is the ONNX Runtime backend of Embedder.
type onnxEmbedder struct {
	sess    *ort.DynamicAdvancedSession
	m       model
	pre     Preprocessing
	pooling Pooling
	prefix  int
	h, w    int
}

// Open loads a model into an ONNX Runtime session. See Options for the defaults. With
// Device "cuda" it appends the CUDA execution provider and fails, saying why, when the
// library or the machine cannot run it.
func Open(opts Options) (Embedder, error) {
	if opts.Model == "" {
		return nil, errors.New("no model given (--model FILE.onnx)")
	}
	if err := checkModel(opts.Model); err != nil {
		return nil, err
	}
	pre, _, err := ModelPreprocessing(opts)
	if err != nil {
		return nil, err
	}
	lib, err := initRuntime(opts.Library)
	if err != nil {
		return nil, err
	}
	ins, outs, err := ort.GetInputOutputInfo(opts.Model)
	if err != nil {
		return nil, fmt.Errorf("read model %s: %w", opts.Model, err)
	}
	m, err := chooseIO(tensorInfos(ins), tensorInfos(outs), opts)
	if err != nil {
		return nil, err
	}
	if err := checkInputSize(m, pre); err != nil {
		return nil, fmt.Errorf("model %s: %w", opts.Model, err)
	}
	so, err := sessionOptions(opts, lib)
	if err != nil {
		return nil, err
	}
	defer so.Destroy()
	sess, err := ort.NewDynamicAdvancedSession(opts.Model, []string{m.input}, []string{m.output}, so)
	if err != nil {
		if isCUDA(opts.Device) {
			return nil, fmt.Errorf("open model %s on CUDA device %d: %w; check the GPU, CUDA 12 and cuDNN 9 (or use --device cpu)", opts.Model, opts.DeviceID, err)
		}
		return nil, fmt.Errorf("open model %s: %w", opts.Model, err)
	}
	w, h, _ := pre.FixedSize()
	return &onnxEmbedder{sess: sess, m: m, pre: pre, pooling: opts.Pooling, prefix: opts.prefixTokens(), w: w, h: h}, nil
}

func sessionOptions(opts Options, lib string) (*ort.SessionOptions, error) {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("session options: %w", err)
	}
	fail := func(err error) (*ort.SessionOptions, error) {
		so.Destroy()
		return nil, err
	}
	if err := so.SetIntraOpNumThreads(opts.threads()); err != nil {
		return fail(fmt.Errorf("set intra-op threads: %w", err))
	}
	if err := so.SetInterOpNumThreads(1); err != nil {
		return fail(fmt.Errorf("set inter-op threads: %w", err))
	}
	spin := "0"
	if opts.Spin {
		spin = "1"
	}
	if err := so.AddSessionConfigEntry("session.intra_op.allow_spinning", spin); err != nil {
		return fail(fmt.Errorf("set intra-op spinning: %w", err))
	}
	switch {
	case opts.Device == "" || strings.EqualFold(opts.Device, "cpu"):
	case isCUDA(opts.Device):
		if err := appendCUDA(so, opts.DeviceID); err != nil {
			return fail(fmt.Errorf("CUDA execution provider unavailable with %s: %w; use a GPU build of ONNX Runtime 1.30 (with libonnxruntime_providers_cuda.so, CUDA 12 and cuDNN 9 installed) or --device cpu", lib, err))
		}
	default:
		return fail(fmt.Errorf("device %q is not cpu or cuda", opts.Device))
	}
	return so, nil
}

func isCUDA(device string) bool {
	return strings.EqualFold(device, "cuda") || strings.EqualFold(device, "gpu")
}

func appendCUDA(so *ort.SessionOptions, device int) error {
	co, err := ort.NewCUDAProviderOptions()
	if err != nil {
		return err
	}
	defer co.Destroy()
	if err := co.Update(map[string]string{"device_id": fmt.Sprint(device)}); err != nil {
		return err
	}
	return so.AppendExecutionProviderCUDA(co)
}

func (e *onnxEmbedder) Dim() int                     { return e.m.dim }
func (e *onnxEmbedder) Preprocessing() Preprocessing { return e.pre }

func (e *onnxEmbedder) Close() error {
	if e.sess == nil {
		return nil
	}
	err := e.sess.Destroy()
	e.sess = nil
	return err
}

func (e *onnxEmbedder) Embed(ctx context.Context, pixels []float32, n int) ([]float32, error) {
	per := 3 * e.h * e.w
	if len(pixels) < n*per {
		panic(fmt.Sprintf("embed: Embed got %d values for %d pictures of %d", len(pixels), n, per))
	}
	out := make([]float32, n*e.m.dim)
	step := n
	if e.m.batch > 0 {
		step = int(e.m.batch)
	}
	for i := 0; i < n; i += step {
		k := min(step, n-i)
		if e.m.batch > 0 && k != int(e.m.batch) {
			// a fixed batch size: pad the last batch
			buf := make([]float32, int(e.m.batch)*per)
			copy(buf, pixels[i*per:(i+k)*per])
			if err := e.run(ctx, buf, int(e.m.batch), k, out[i*e.m.dim:]); err != nil {
				return nil, err
			}
			continue
		}
		if err := e.run(ctx, pixels[i*per:(i+k)*per], k, k, out[i*e.m.dim:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// run runs one batch of n pictures and pools the first keep of them into dst.
func (e *onnxEmbedder) run(ctx context.Context, pixels []float32, n, keep int, dst []float32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	in, err := ort.NewTensor(ort.NewShape(int64(n), 3, int64(e.h), int64(e.w)), pixels)
	if err != nil {
		return fmt.Errorf("input tensor: %w", err)
	}
	defer in.Destroy()
	ro, err := ort.NewRunOptions()
	if err != nil {
		return fmt.Errorf("run options: %w", err)
	}
	defer ro.Destroy()
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			ro.Terminate()
		case <-done:
		}
	}()
	outs := []ort.Value{nil}
	err = e.sess.RunWithOptions([]ort.Value{in}, outs, ro)
	close(done)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("run model: %w", err)
	}
	defer outs[0].Destroy()
	t, ok := outs[0].(*ort.Tensor[float32])
	if !ok {
		return fmt.Errorf("model output %s is not a float tensor", e.m.output)
	}
	shape := t.GetShape()
	data := t.GetData()
	var tokens, d int
	switch len(shape) {
	case 2:
		d = int(shape[1])
	case 3:
		tokens, d = int(shape[1]), int(shape[2])
		if tokens <= e.prefix && e.pooling != PoolingCLS && e.pooling != PoolingAuto {
			return fmt.Errorf("model output %s has %d tokens, no patch tokens after %d prefix tokens", e.m.output, tokens, e.prefix)
		}
	default:
		return fmt.Errorf("model output %s has shape %v", e.m.output, shape)
	}
	if int(shape[0]) != n || d != e.m.d {
		return fmt.Errorf("model output %s has shape %v; want [%d, …, %d]", e.m.output, shape, n, e.m.d)
	}
	per := d
	if tokens > 0 {
		per = tokens * d
	}
	for i := 0; i < keep; i++ {
		v := dst[i*e.m.dim : (i+1)*e.m.dim]
		pool(v, data[i*per:(i+1)*per], tokens, d, e.pooling, e.prefix)
		normalize(v)
	}
	return nil
}

// Inspect reports the runtime and a model's interface, for `motif doctor`. It fills what it
// can and returns the first error it met; opts.Model may be empty to check only the
// runtime.
func Inspect(opts Options) (Info, error) {
	var info Info
	lib, err := initRuntime(opts.Library)
	if err != nil {
		return info, err
	}
	info.Library = lib
	info.Version = ort.GetVersion()
	info.Providers = []string{"CPUExecutionProvider"}
	if so, err := ort.NewSessionOptions(); err == nil {
		if err := appendCUDA(so, opts.DeviceID); err != nil {
			info.CUDA = "unavailable: " + err.Error()
		} else {
			info.CUDA = "available"
			info.Providers = append(info.Providers, "CUDAExecutionProvider")
		}
		so.Destroy()
	}
	if opts.Model == "" {
		return info, nil
	}
	info.Model = opts.Model
	if info.ModelSHA256, err = FileSHA256(opts.Model); err != nil {
		return info, fmt.Errorf("model: %w", err)
	}
	if info.Preprocessing, info.PreprocessFrom, err = ModelPreprocessing(opts); err != nil {
		return info, err
	}
	ins, outs, err := ort.GetInputOutputInfo(opts.Model)
	if err != nil {
		return info, fmt.Errorf("read model %s: %w", opts.Model, err)
	}
	info.Inputs, info.Outputs = tensorInfos(ins), tensorInfos(outs)
	m, err := chooseIO(info.Inputs, info.Outputs, opts)
	if err != nil {
		return info, err
	}
	info.Input, info.Output, info.Dim = m.input, m.output, m.dim
	return info, checkInputSize(m, info.Preprocessing)
}
