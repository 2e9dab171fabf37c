//go:build !cgo

package embed

import "errors"

// errNoCgo explains why a build without cgo cannot embed.
var errNoCgo = errors.New("motif was built without cgo; ONNX Runtime needs a cgo build (CGO_ENABLED=1 and a C compiler)")

// Open fails in a build without cgo: the ONNX Runtime backend needs cgo.
func Open(opts Options) (Embedder, error) {
	return nil, errNoCgo
}

// Inspect reports what a build without cgo can know: the library it would load and the
// model's sha256 and preprocessing, with the error that says ONNX Runtime is unavailable.
func Inspect(opts Options) (Info, error) {
	var info Info
	info.Library, _ = FindLibrary(opts.Library)
	if opts.Model != "" {
		info.Model = opts.Model
		info.ModelSHA256, _ = FileSHA256(opts.Model)
		info.Preprocessing, info.PreprocessFrom, _ = ModelPreprocessing(opts)
	}
	return info, errNoCgo
}
