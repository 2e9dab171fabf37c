//go:build cgo

package embed

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// realModel is the MobileNetV2 embedder beside the repository (see its README there).
var realModel = filepath.Join("..", "..", "..", "shared", "models", "mobilenet_v2_embedder.onnx")

func jpegQ70(t *testing.T, img *RGB) *RGB {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, img.W, img.H))
	for i := 0; i < img.W*img.H; i++ {
		copy(m.Pix[4*i:4*i+3], img.Pix[3*i:3*i+3])
		m.Pix[4*i+3] = 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 70}); err != nil {
		t.Fatal(err)
	}
	out, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cropRGB cuts the rectangle [x0, x1)×[y0, y1) out of img.
func cropRGB(img *RGB, x0, y0, x1, y1 int) *RGB {
	out := &RGB{W: x1 - x0, H: y1 - y0}
	for y := y0; y < y1; y++ {
		out.Pix = append(out.Pix, img.Pix[3*(y*img.W+x0):3*(y*img.W+x1)]...)
	}
	return out
}

// TestRealModelVariants: with a real vision model, a photograph's vector is nearer to those
// of its resized, JPEG-recompressed (quality 70) and cropped versions than to the vector of
// any other photograph or variant.
func TestRealModelVariants(t *testing.T) {
	needRuntime(t)
	if _, err := os.Stat(realModel); err != nil {
		t.Skipf("real model absent: %v", err)
	}
	e := openT(t, Options{Model: realModel, Threads: 2})
	ents, err := os.ReadDir("testdata/photos")
	if err != nil {
		t.Fatal(err)
	}
	type pic struct {
		name    string
		variant string
		img     *RGB
	}
	var pics []pic
	for _, ent := range ents {
		img, err := DecodeFile(filepath.Join("testdata/photos", ent.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, h := img.W, img.H
		pics = append(pics,
			pic{ent.Name(), "original", img},
			pic{ent.Name(), "resized 60%", Resize(img, w*6/10, h*6/10, Bicubic)},
			pic{ent.Name(), "jpeg q70", jpegQ70(t, img)},
			pic{ent.Name(), "cropped 80%", cropRGB(img, w/20, h/8, w/20+w*8/10, h/8+h*8/10)},
		)
	}
	p := e.Preprocessing()
	per := 3 * 224 * 224
	px := make([]float32, len(pics)*per)
	for i, pc := range pics {
		p.Tensor(px[i*per:], p.Crop(pc.img))
	}
	vecs, err := e.Embed(context.Background(), px, len(pics))
	if err != nil {
		t.Fatal(err)
	}
	d := e.Dim()
	sim := func(i, j int) float32 {
		var s float32
		for k := 0; k < d; k++ {
			s += vecs[i*d+k] * vecs[j*d+k]
		}
		return s
	}
	for i, a := range pics {
		if a.variant != "original" {
			continue
		}
		var nearestOther float32 = -2
		var other string
		for j, b := range pics {
			if b.name != a.name && sim(i, j) > nearestOther {
				nearestOther, other = sim(i, j), b.name+" "+b.variant
			}
		}
		for j, b := range pics {
			if b.name == a.name && j != i {
				s := sim(i, j)
				t.Logf("%s: cos to %s %.3f; nearest other picture %s %.3f", a.name, b.variant, s, other, nearestOther)
				if s <= nearestOther {
					t.Errorf("cos(%s, its %s) = %.3f, not above cos to %s = %.3f", a.name, b.variant, s, other, nearestOther)
				}
			}
		}
	}
}
