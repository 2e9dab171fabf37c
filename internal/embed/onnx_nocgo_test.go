//go:build !cgo

package embed

import (
	"strings"
	"testing"
)

func TestOpenWithoutCgo(t *testing.T) {
	_, err := Open(Options{Model: "testdata/vit/tiny_vit.onnx"})
	if err == nil || !strings.Contains(err.Error(), "built without cgo") {
		t.Fatalf("Open without cgo: error = %v, want one saying motif was built without cgo", err)
	}
	info, err := Inspect(Options{Model: "testdata/vit/tiny_vit.onnx"})
	if err == nil || len(info.ModelSHA256) != 64 {
		t.Fatalf("Inspect without cgo = %+v, %v; want the model's sha256 and the cgo error", info, err)
	}
}
