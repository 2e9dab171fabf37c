package imagestore

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// DefaultMaxPixels is the largest width × height decoded when an Options
// field or argument leaves it unset: 50 megapixels (an 8,660 × 5,773 photo;
// social-media images are far smaller). Decoding holds about 4 bytes per pixel.
const DefaultMaxPixels = 50_000_000

// Info is what the header of an image says about it.
type Info struct {
	Format        string // JPEG, PNG, GIF or WebP
	Width, Height int    // pixels (for GIF, the logical screen)
}

// Inspect sniffs data and reads its header with the format's DecodeConfig,
// without decoding pixels. It refuses (with an *Error) bytes that are not an
// image, formats that cannot be decoded, headers that do not parse, and
// images of more than maxPixels pixels (DefaultMaxPixels if maxPixels ≤ 0),
// so decompression bombs are refused before any pixel is allocated.
func Inspect(data []byte, maxPixels int64) (Info, error) {
	format := Sniff(data)
	if !Supported(format) {
		if imageLike(format) {
			return Info{}, refuse(ErrUnsupportedFormat, format, nil)
		}
		return Info{}, refuse(ErrNotImage, format, nil)
	}
	var cfg image.Config
	var err error
	r := bytes.NewReader(data)
	switch format {
	case JPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case PNG:
		cfg, err = png.DecodeConfig(r)
	case GIF:
		cfg, err = gif.DecodeConfig(r)
	case WebP:
		cfg, err = webp.DecodeConfig(r)
	}
	if err != nil {
		return Info{}, refuse(ErrDecode, format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, refuse(ErrDecode, format, fmt.Errorf("empty image %d×%d", cfg.Width, cfg.Height))
	}
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return Info{}, refuse(ErrTooManyPixels, format, fmt.Errorf("%d×%d exceeds %d pixels", cfg.Width, cfg.Height, maxPixels))
	}
	return Info{Format: format, Width: cfg.Width, Height: cfg.Height}, nil
}

// Decode inspects data as Inspect does and, if it passes, decodes the pixels
// (the first frame of a GIF). Errors are *Error values.
func Decode(data []byte, maxPixels int64) (image.Image, Info, error) {
	info, err := Inspect(data, maxPixels)
	if err != nil {
		return nil, Info{}, err
	}
	var img image.Image
	r := bytes.NewReader(data)
	switch info.Format {
	case JPEG:
		img, err = jpeg.Decode(r)
	case PNG:
		img, err = png.Decode(r)
	case GIF:
		img, err = gif.Decode(r)
	case WebP:
		img, err = webp.Decode(r)
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, Info{}, refuse(ErrDecode, info.Format, err)
	}
	if b := img.Bounds(); b.Empty() {
		return nil, Info{}, refuse(ErrDecode, info.Format, fmt.Errorf("empty first frame"))
	}
	return img, info, nil
}
