package embed

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Preprocessing describes how a picture becomes a model input, with the fields and meaning
// of a Hugging Face image processor's preprocessor_config.json (BitImageProcessor for
// DINOv2, ViTImageProcessor, CLIPImageProcessor): resize, centre crop, rescale, normalise.
// Steps run in that order on the 8-bit RGB picture; the result is a float32 CHW tensor.
type Preprocessing struct {
	// Resize: when ShortestEdge > 0 the shorter side becomes ShortestEdge and the longer
	// int(ShortestEdge·long/short) pixels; otherwise, when Width and Height > 0, the picture
	// is resized to exactly Width×Height; otherwise it is not resized.
	ShortestEdge int `json:"shortest_edge,omitempty"`
	Width        int `json:"width,omitempty"`
	Height       int `json:"height,omitempty"`
	// Resample is the resize filter (Pillow numbering).
	Resample Resample `json:"resample"`
	// CropWidth×CropHeight is the centre crop, padded with black when the picture is
	// smaller; 0 means no crop.
	CropWidth  int `json:"crop_width,omitempty"`
	CropHeight int `json:"crop_height,omitempty"`
	// RescaleFactor multiplies the 0–255 samples; 0 means no rescaling.
	RescaleFactor float64 `json:"rescale_factor,omitempty"`
	// Mean and Std normalise each channel after rescaling, (x − mean)/std; nil means none.
	Mean []float64 `json:"image_mean,omitempty"`
	Std  []float64 `json:"image_std,omitempty"`
}

// DINOv2 is the preprocessing of facebook/dinov2-* (and of most ViT image embedders):
// shortest edge 256, bicubic, centre crop 224, rescale 1/255, ImageNet mean and std.
func DINOv2() Preprocessing {
	return Preprocessing{
		ShortestEdge:  256,
		Resample:      Bicubic,
		CropWidth:     224,
		CropHeight:    224,
		RescaleFactor: 1.0 / 255,
		Mean:          []float64{0.485, 0.456, 0.406},
		Std:           []float64{0.229, 0.224, 0.225},
	}
}

// OutputSize is the width and height of the tensor Tensor produces for a w×h picture.
func (p Preprocessing) OutputSize(w, h int) (int, int) {
	if p.CropWidth > 0 && p.CropHeight > 0 {
		return p.CropWidth, p.CropHeight
	}
	return p.resizedSize(w, h)
}

// FixedSize is the width and height of every tensor, when the preprocessing fixes them
// (a centre crop, or a resize to exact width and height).
func (p Preprocessing) FixedSize() (w, h int, ok bool) {
	if p.CropWidth > 0 && p.CropHeight > 0 {
		return p.CropWidth, p.CropHeight, true
	}
	if p.ShortestEdge == 0 && p.Width > 0 && p.Height > 0 {
		return p.Width, p.Height, true
	}
	return 0, 0, false
}

func (p Preprocessing) resizedSize(w, h int) (int, int) {
	switch {
	case p.ShortestEdge > 0:
		s := p.ShortestEdge
		if w <= h {
			return s, int(float64(s) * float64(h) / float64(w))
		}
		return int(float64(s) * float64(w) / float64(h)), s
	case p.Width > 0 && p.Height > 0:
		return p.Width, p.Height
	}
	return w, h
}

// String describes the preprocessing in one line, for the catalog and for humans.
func (p Preprocessing) String() string {
	var b strings.Builder
	switch {
	case p.ShortestEdge > 0:
		fmt.Fprintf(&b, "resize shortest_edge=%d %s", p.ShortestEdge, p.Resample)
	case p.Width > 0 && p.Height > 0:
		fmt.Fprintf(&b, "resize %dx%d %s", p.Width, p.Height, p.Resample)
	default:
		b.WriteString("no resize")
	}
	if p.CropWidth > 0 && p.CropHeight > 0 {
		fmt.Fprintf(&b, "; centre crop %dx%d", p.CropWidth, p.CropHeight)
	}
	if p.RescaleFactor != 0 {
		fmt.Fprintf(&b, "; rescale %.9g", p.RescaleFactor)
	}
	if p.Mean != nil {
		fmt.Fprintf(&b, "; normalise mean=%v std=%v", p.Mean, p.Std)
	}
	return b.String()
}

// Validate reports a preprocessing that cannot be applied.
func (p Preprocessing) Validate() error {
	if p.ShortestEdge > 0 || (p.Width > 0 && p.Height > 0) {
		if _, ok := filters[p.Resample]; !ok {
			return fmt.Errorf("resample filter %d is not supported (use 1 lanczos, 2 bilinear, 3 bicubic, 4 box or 5 hamming)", int(p.Resample))
		}
	}
	if (p.Mean == nil) != (p.Std == nil) || (p.Mean != nil && (len(p.Mean) != 3 || len(p.Std) != 3)) {
		return errors.New("image_mean and image_std need three values each")
	}
	for _, s := range p.Std {
		if s == 0 {
			return errors.New("image_std has a zero")
		}
	}
	return nil
}

// hfConfig is the subset of preprocessor_config.json that Preprocessing reads.
type hfConfig struct {
	DoResize       *bool           `json:"do_resize"`
	Size           json.RawMessage `json:"size"`
	Resample       *int            `json:"resample"`
	DoCenterCrop   *bool           `json:"do_center_crop"`
	CropSize       json.RawMessage `json:"crop_size"`
	DoRescale      *bool           `json:"do_rescale"`
	RescaleFactor  *float64        `json:"rescale_factor"`
	DoNormalize    *bool           `json:"do_normalize"`
	ImageMean      []float64       `json:"image_mean"`
	ImageStd       []float64       `json:"image_std"`
	ImageProcessor string          `json:"image_processor_type"`
}

// sizeSpec reads a Hugging Face size: an int, {"shortest_edge": n} or {"height", "width"}.
func sizeSpec(raw json.RawMessage) (shortest, w, h int, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, 0, 0, nil
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n, 0, 0, nil
	}
	var m struct {
		ShortestEdge int `json:"shortest_edge"`
		Height       int `json:"height"`
		Width        int `json:"width"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return 0, 0, 0, err
	}
	return m.ShortestEdge, m.Width, m.Height, nil
}

// ParsePreprocessing reads a Hugging Face preprocessor_config.json. Fields it does not set
// keep the Hugging Face defaults of BitImageProcessor (DINOv2's processor).
func ParsePreprocessing(data []byte) (Preprocessing, error) {
	var c hfConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return Preprocessing{}, fmt.Errorf("preprocessor config: %w", err)
	}
	p := DINOv2()
	on := func(b *bool) bool { return b == nil || *b }
	if !on(c.DoResize) {
		p.ShortestEdge, p.Width, p.Height = 0, 0, 0
	} else if len(c.Size) > 0 {
		s, w, h, err := sizeSpec(c.Size)
		if err != nil {
			return Preprocessing{}, fmt.Errorf("preprocessor config: size: %w", err)
		}
		p.ShortestEdge, p.Width, p.Height = s, w, h
	}
	if c.Resample != nil {
		p.Resample = Resample(*c.Resample)
	}
	if !on(c.DoCenterCrop) {
		p.CropWidth, p.CropHeight = 0, 0
	} else if len(c.CropSize) > 0 {
		s, w, h, err := sizeSpec(c.CropSize)
		if err != nil {
			return Preprocessing{}, fmt.Errorf("preprocessor config: crop_size: %w", err)
		}
		if s > 0 {
			w, h = s, s
		}
		p.CropWidth, p.CropHeight = w, h
	}
	if !on(c.DoRescale) {
		p.RescaleFactor = 0
	} else if c.RescaleFactor != nil {
		p.RescaleFactor = *c.RescaleFactor
	}
	if !on(c.DoNormalize) {
		p.Mean, p.Std = nil, nil
	} else {
		if c.ImageMean != nil {
			p.Mean = c.ImageMean
		}
		if c.ImageStd != nil {
			p.Std = c.ImageStd
		}
	}
	if err := p.Validate(); err != nil {
		return Preprocessing{}, fmt.Errorf("preprocessor config: %w", err)
	}
	return p, nil
}

// LoadPreprocessing reads path (a preprocessor_config.json); see ParsePreprocessing.
func LoadPreprocessing(path string) (Preprocessing, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Preprocessing{}, err
	}
	p, err := ParsePreprocessing(data)
	if err != nil {
		return Preprocessing{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Crop applies the resize and centre-crop steps to img and returns the 8-bit picture the
// model's tensor is computed from.
func (p Preprocessing) Crop(img *RGB) *RGB {
	rw, rh := p.resizedSize(img.W, img.H)
	cw, ch := p.CropWidth, p.CropHeight
	if cw > 0 && ch > 0 && cw <= rw && ch <= rh && (rw != img.W || rh != img.H) {
		// resize only the window the crop keeps
		return resizeRegion(img, rw, rh, p.Resample, floorDiv2(rw-cw), floorDiv2(rh-ch), cw, ch)
	}
	if rw != img.W || rh != img.H {
		img = Resize(img, rw, rh, p.Resample)
	}
	if p.CropWidth > 0 && p.CropHeight > 0 && (p.CropWidth != img.W || p.CropHeight != img.H) {
		img = centreCrop(img, p.CropWidth, p.CropHeight)
	}
	return img
}

// floorDiv2 is Python's x // 2.
func floorDiv2(x int) int {
	if x < 0 {
		return -((-x + 1) / 2)
	}
	return x / 2
}

// centreCrop cuts w×h from the middle of img as Hugging Face's center_crop does, padding
// with black (zeros) where img is smaller.
func centreCrop(img *RGB, w, h int) *RGB {
	out := &RGB{W: w, H: h, Pix: make([]uint8, 3*w*h)}
	top := floorDiv2(img.H - h)
	left := floorDiv2(img.W - w)
	if img.H < h {
		top = -((h - img.H + 1) / 2)
	}
	if img.W < w {
		left = -((w - img.W + 1) / 2)
	}
	for y := 0; y < h; y++ {
		sy := y + top
		if sy < 0 || sy >= img.H {
			continue
		}
		for x := 0; x < w; x++ {
			sx := x + left
			if sx < 0 || sx >= img.W {
				continue
			}
			copy(out.Pix[3*(y*w+x):3*(y*w+x)+3], img.Pix[3*(sy*img.W+sx):])
		}
	}
	return out
}

// Tensor writes the CHW float32 tensor of img (already resized and cropped) into dst,
// which must hold 3·W·H values, and returns it. The arithmetic is Hugging Face's: the
// rescale in float64 rounded to float32, then (x − mean)/std in float32.
func (p Preprocessing) Tensor(dst []float32, img *RGB) []float32 {
	n := img.W * img.H
	if len(dst) < 3*n {
		panic(fmt.Sprintf("embed: Tensor dst holds %d values, want %d", len(dst), 3*n))
	}
	var lut [3][256]float32
	for c := 0; c < 3; c++ {
		for v := 0; v < 256; v++ {
			x := float32(v)
			if p.RescaleFactor != 0 {
				x = float32(float64(v) * p.RescaleFactor)
			}
			if p.Mean != nil {
				x = (x - float32(p.Mean[c])) / float32(p.Std[c])
			}
			lut[c][v] = x
		}
	}
	r, g, b := dst[:n], dst[n:2*n], dst[2*n:3*n]
	for i := 0; i < n; i++ {
		r[i] = lut[0][img.Pix[3*i]]
		g[i] = lut[1][img.Pix[3*i+1]]
		b[i] = lut[2][img.Pix[3*i+2]]
	}
	return dst[:3*n]
}
