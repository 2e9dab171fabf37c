// Package examples holds the small datasets bundled with motif, compiled into
// the binary so that `motif demo` works anywhere.
package examples

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/binary"
	"fmt"
	"io"
)

//go:embed fashion-mnist/*.gz
var files embed.FS

// FashionCategories names the ten Fashion-MNIST classes by label.
var FashionCategories = [10]string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// Fashion is the bundled Fashion-MNIST subset: N grey images of Rows×Cols
// pixels stored row-major one after another, and their labels.
type Fashion struct {
	N, Rows, Cols int
	Pixels        []byte // N×Rows×Cols
	Labels        []byte // N
}

// FashionMNIST decodes the bundled subset.
func FashionMNIST() (*Fashion, error) {
	img, err := readGz("fashion-mnist/images-idx3-ubyte.gz")
	if err != nil {
		return nil, err
	}
	lab, err := readGz("fashion-mnist/labels-idx1-ubyte.gz")
	if err != nil {
		return nil, err
	}
	if len(img) < 16 || binary.BigEndian.Uint32(img) != 2051 {
		return nil, fmt.Errorf("fashion-mnist images: not an IDX3 file")
	}
	if len(lab) < 8 || binary.BigEndian.Uint32(lab) != 2049 {
		return nil, fmt.Errorf("fashion-mnist labels: not an IDX1 file")
	}
	f := &Fashion{
		N:    int(binary.BigEndian.Uint32(img[4:])),
		Rows: int(binary.BigEndian.Uint32(img[8:])),
		Cols: int(binary.BigEndian.Uint32(img[12:])),
	}
	f.Pixels = img[16:]
	f.Labels = lab[8:]
	if len(f.Pixels) != f.N*f.Rows*f.Cols || len(f.Labels) != f.N || int(binary.BigEndian.Uint32(lab[4:])) != f.N {
		return nil, fmt.Errorf("fashion-mnist: sizes disagree (%d images of %d×%d, %d pixel bytes, %d labels)",
			f.N, f.Rows, f.Cols, len(f.Pixels), len(f.Labels))
	}
	return f, nil
}

func readGz(name string) ([]byte, error) {
	raw, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return io.ReadAll(zr)
}
