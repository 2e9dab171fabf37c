// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package jpeg decodes baseline and progressive (Huffman-coded, 8-bit) JPEG files to the
// same pixels libjpeg-turbo produces with its default settings, and so the same pixels
// Pillow returns: the accurate integer inverse DCT (libjpeg's "islow", the
// Loeffler–Ligtenberg–Moschytz algorithm with 13-bit constants), "fancy" triangle
// upsampling of subsampled components, and libjpeg's integer YCbCr→RGB tables. Grey files
// decode to one sample per pixel, YCbCr and RGB files to RGB, CMYK and YCCK files to CMYK
// with Pillow's polarity (0 = no ink).
//
// Files that use Huffman tables without defining them (Motion-JPEG frames) get the
// specification's example tables, as libjpeg gives them. Not supported: arithmetic
// coding, lossless and hierarchical JPEG, 12-bit samples, and libjpeg's block smoothing of
// progressive files whose scans leave low-frequency coefficients incomplete (truncated
// files, which Pillow refuses too, and unusual scan scripts; encoders' usual scripts
// complete every coefficient, and then libjpeg does not smooth).
//
// A caller that needs only part of the picture passes Options.Region: every block is still
// entropy-decoded (the format requires it), but the inverse DCT, upsampling and colour
// conversion run only where the region needs them, and the pixels inside the region are
// exactly those of a full decode.
//
// The package is derived from the Go standard library's image/jpeg (Copyright 2009 The Go
// Authors, BSD-3-Clause; the licence is in this directory's LICENSE file): marker parsing
// and the scan structure follow it, while the bit reader, inverse DCT, upsampling and
// colour conversion are new, written after the JPEG specification (ITU-T T.81) and the
// arithmetic libjpeg documents.
package jpeg

import (
	"encoding/binary"
	"fmt"
	"image"
)

// A FormatError reports that the input is not a valid JPEG.
type FormatError string

func (e FormatError) Error() string { return "invalid JPEG format: " + string(e) }

// An UnsupportedError reports a valid JPEG that this decoder refuses: lossless,
// hierarchical or arithmetic-coded frames, 12-bit samples, DNL markers and
// component counts other than 1, 3 or 4.
type UnsupportedError string

func (e UnsupportedError) Error() string { return "unsupported JPEG feature: " + string(e) }

// ColorSpace is the colour space of a JPEG file's components, as libjpeg infers it from
// the JFIF and Adobe markers and the component identifiers.
type ColorSpace int

// The colour spaces a JPEG file can have.
const (
	Gray ColorSpace = iota + 1
	YCbCr
	RGB
	CMYK
	YCCK
)

func (c ColorSpace) String() string {
	switch c {
	case Gray:
		return "gray"
	case YCbCr:
		return "ycbcr"
	case RGB:
		return "rgb"
	case CMYK:
		return "cmyk"
	case YCCK:
		return "ycck"
	}
	return fmt.Sprintf("colorspace(%d)", int(c))
}

// Channels is the number of samples per pixel Decode returns for the colour space:
// 1 for Gray, 3 for YCbCr and RGB (both decode to RGB), 4 for CMYK and YCCK.
func (c ColorSpace) Channels() int {
	switch c {
	case Gray:
		return 1
	case CMYK, YCCK:
		return 4
	}
	return 3
}

// Config describes a JPEG file without decoding its pixels.
type Config struct {
	Width, Height int
	ColorSpace    ColorSpace
	Progressive   bool
}

// Options adjust Decode. The zero value decodes the whole picture with the default limit.
type Options struct {
	// Region, when not empty, is the part of the picture (in the file's pixel coordinates,
	// before any EXIF orientation) that the caller will read. Pixels inside it are exactly
	// those of a full decode; pixels outside it are unspecified. Default: everything.
	Region image.Rectangle
	// MaxPixels is the largest Width·Height Decode accepts, so that a hostile header cannot
	// make it allocate gigabytes. Default (0): 100 megapixels.
	MaxPixels int
	// Pix, when it holds at least Width·Height·Channels bytes, is used for Image.Pix
	// instead of a new buffer (so that a caller decoding many pictures can reuse one);
	// bytes outside Region are unspecified. Default: a new buffer.
	Pix []uint8
}

// DefaultMaxPixels is the limit of Options.MaxPixels when it is zero.
const DefaultMaxPixels = 100 << 20

// Image is a decoded JPEG: Width×Height pixels, row-major, Channels samples per pixel
// (see ColorSpace.Channels) in Pix.
type Image struct {
	Width, Height int
	Channels      int
	ColorSpace    ColorSpace
	Pix           []uint8
	// Region is the part of Pix that was decoded (the whole picture unless
	// Options.Region asked for less); the rest of Pix is unspecified.
	Region image.Rectangle
}

const (
	sof0Marker = 0xc0 // Start Of Frame (Baseline Sequential).
	sof1Marker = 0xc1 // Start Of Frame (Extended Sequential).
	sof2Marker = 0xc2 // Start Of Frame (Progressive).
	dhtMarker  = 0xc4 // Define Huffman Table.
	rst0Marker = 0xd0 // ReSTart (0).
	rst7Marker = 0xd7 // ReSTart (7).
	soiMarker  = 0xd8 // Start Of Image.
	eoiMarker  = 0xd9 // End Of Image.
	sosMarker  = 0xda // Start Of Scan.
	dqtMarker  = 0xdb // Define Quantization Table.
	driMarker  = 0xdd // Define Restart Interval.
	comMarker  = 0xfe // COMment.
	app0Marker = 0xe0
	app14      = 0xee
	app15      = 0xef
)

const (
	blockSize     = 64
	maxComponents = 4
	maxTh         = 3
	maxTq         = 3
)

// natural maps zig-zag positions to natural (row-major) positions within a block. Its 16
// extra entries catch run lengths that overshoot the block in corrupt data, as libjpeg's
// jpeg_natural_order does.
var natural = [blockSize + 16]int{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
	63, 63, 63, 63, 63, 63, 63, 63,
	63, 63, 63, 63, 63, 63, 63, 63,
}

// component is one colour component of the frame and, once the frame is known, its
// sample plane.
type component struct {
	id     uint8
	hs, vs int   // sampling factors
	tq     uint8 // quantisation table
	// w×h are the component's samples inside the picture (libjpeg's downsampled size);
	// bw×bh are its blocks, padded to whole MCUs. The plane pix holds only the blocks
	// bx0…bx1−1, by0…by1−1 that the region needs, stride bytes a row.
	w, h, bw, bh, stride int
	pix                  []uint8
	coef                 []int16 // progressive: bw·bh blocks of 64 coefficients
	// last[i] bounds the zig-zag index of block i's non-zero AC coefficients, so that
	// refinement scans need not look past it.
	last []uint8
	// bx0…bx1−1, by0…by1−1 are the blocks the region needs.
	bx0, bx1, by0, by1 int
}

type decoder struct {
	data []byte
	pos  int
	bits bitReader

	width, height int
	nComp         int
	comp          [maxComponents]component
	hmax, vmax    int
	mcusX, mcusY  int
	baseline      bool
	progressive   bool
	sawSOF        bool
	allocated     bool

	jfif           bool
	adobe          bool
	adobeTransform uint8

	scans  int
	ri     int // restart interval, in MCUs
	eobRun int

	huff     [2][maxTh + 1]huffman // [0] DC, [1] AC
	quant    [maxTq + 1][blockSize]int32
	quantSet [maxTq + 1]bool

	region    image.Rectangle
	maxPixels int
	pix       []uint8
}

// DecodeConfig reads the dimensions and colour space of a JPEG file.
func DecodeConfig(data []byte) (Config, error) {
	d := decoder{data: data}
	if err := d.decode(true); err != nil {
		return Config{}, err
	}
	return Config{Width: d.width, Height: d.height, ColorSpace: d.colorSpace(), Progressive: d.progressive}, nil
}

// Decode decodes a JPEG file; opts may be nil. See the package documentation for what the
// pixels are.
func Decode(data []byte, opts *Options) (*Image, error) {
	d := decoder{data: data, maxPixels: DefaultMaxPixels}
	if opts != nil {
		d.region = opts.Region
		if opts.MaxPixels > 0 {
			d.maxPixels = opts.MaxPixels
		}
		d.pix = opts.Pix
	}
	d.loadStdHuffman()
	if err := d.decode(false); err != nil {
		return nil, err
	}
	if !d.allocated {
		return nil, FormatError("missing SOS marker")
	}
	if d.progressive {
		d.reconstructProgressive()
	}
	return d.convert(), nil
}

// colorSpace is libjpeg's guess of the colour space (jdapimin.c, default_decompress_parms).
func (d *decoder) colorSpace() ColorSpace {
	switch d.nComp {
	case 1:
		return Gray
	case 3:
		switch {
		case d.jfif:
			return YCbCr
		case d.adobe:
			if d.adobeTransform == 0 {
				return RGB
			}
			return YCbCr
		case d.comp[0].id == 'R' && d.comp[1].id == 'G' && d.comp[2].id == 'B':
			return RGB
		}
		return YCbCr
	case 4:
		if d.adobe && d.adobeTransform != 0 {
			return YCCK
		}
		return CMYK
	}
	return 0
}

// readSegment returns the payload of the marker segment at d.pos (after the two marker
// bytes) and moves past it.
func (d *decoder) readSegment() ([]byte, error) {
	if d.pos+2 > len(d.data) {
		return nil, FormatError("short segment")
	}
	n := int(binary.BigEndian.Uint16(d.data[d.pos:]))
	if n < 2 {
		return nil, FormatError("short segment length")
	}
	if d.pos+n > len(d.data) {
		return nil, FormatError("segment runs past the end of the file")
	}
	seg := d.data[d.pos+2 : d.pos+n]
	d.pos += n
	return seg, nil
}

// decode walks the markers. With configOnly it stops at the first SOF.
func (d *decoder) decode(configOnly bool) error {
	if len(d.data) < 2 || d.data[0] != 0xff || d.data[1] != soiMarker {
		return FormatError("missing SOI marker")
	}
	d.pos = 2
	for {
		// Find the next marker, skipping extraneous bytes as libjpeg does (next_marker).
		for d.pos < len(d.data) && d.data[d.pos] != 0xff {
			d.pos++
		}
		for d.pos < len(d.data) && d.data[d.pos] == 0xff {
			d.pos++ // fill bytes
		}
		if d.pos >= len(d.data) {
			// Pillow refuses a file that ends before its EOI marker too ("image file is
			// truncated").
			return FormatError("missing EOI marker: the file is truncated")
		}
		marker := d.data[d.pos]
		d.pos++
		if marker == 0 {
			continue // stuffed 0xff00 outside a scan: extraneous data
		}
		if marker == eoiMarker {
			if configOnly && !d.sawSOF {
				return FormatError("missing SOF marker")
			}
			return nil
		}
		if rst0Marker <= marker && marker <= rst7Marker || marker == soiMarker || marker == 0x01 {
			continue // markers without a length; a stray RST is harmless
		}
		seg, err := d.readSegment()
		if err != nil {
			return err
		}
		switch {
		case marker == sof0Marker || marker == sof1Marker || marker == sof2Marker:
			d.baseline = marker == sof0Marker
			d.progressive = marker == sof2Marker
			if err := d.processSOF(seg); err != nil {
				return err
			}
			if configOnly {
				// The colour space needs the JFIF and Adobe markers, which come before
				// the frame in every file we know of.
				return nil
			}
		case marker == dhtMarker:
			err = d.processDHT(seg)
		case marker == dqtMarker:
			err = d.processDQT(seg)
		case marker == sosMarker:
			if configOnly {
				return FormatError("missing SOF marker")
			}
			err = d.processSOS(seg)
		case marker == driMarker:
			if len(seg) != 2 {
				return FormatError("DRI has wrong length")
			}
			d.ri = int(binary.BigEndian.Uint16(seg))
		case marker == app0Marker:
			d.jfif = d.jfif || len(seg) >= 5 && string(seg[:5]) == "JFIF\x00"
		case marker == app14:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				d.adobe = true
				d.adobeTransform = seg[11]
			}
		case app0Marker <= marker && marker <= app15 || marker == comMarker:
			// ignored
		case marker == 0xc3 || 0xc5 <= marker && marker <= 0xcf && marker != 0xc8 && marker != 0xcc:
			return UnsupportedError(fmt.Sprintf("SOF%d (lossless, hierarchical or arithmetic coding)", marker-0xc0))
		case marker == 0xcc:
			return UnsupportedError("arithmetic coding")
		case marker == 0xdc:
			return UnsupportedError("DNL marker")
		case marker < 0xc0:
			return FormatError(fmt.Sprintf("unknown marker 0x%02x", marker))
		default:
			// other reserved markers carry a length and can be skipped
		}
		if err != nil {
			return err
		}
	}
}

// processSOF reads the frame header (section B.2.2).
func (d *decoder) processSOF(seg []byte) error {
	if d.sawSOF {
		return FormatError("multiple SOF markers")
	}
	d.sawSOF = true
	if len(seg) < 6 {
		return FormatError("SOF has wrong length")
	}
	if seg[0] != 8 {
		return UnsupportedError(fmt.Sprintf("%d-bit precision", seg[0]))
	}
	d.height = int(binary.BigEndian.Uint16(seg[1:]))
	d.width = int(binary.BigEndian.Uint16(seg[3:]))
	d.nComp = int(seg[5])
	if d.width == 0 || d.height == 0 {
		return FormatError("empty picture (or a DNL marker, which is not supported)")
	}
	switch d.nComp {
	case 1, 3, 4:
	default:
		return UnsupportedError(fmt.Sprintf("%d components", d.nComp))
	}
	if len(seg) != 6+3*d.nComp {
		return FormatError("SOF has wrong length")
	}
	d.hmax, d.vmax = 1, 1
	for i := 0; i < d.nComp; i++ {
		c := &d.comp[i]
		c.id = seg[6+3*i]
		for j := 0; j < i; j++ {
			if d.comp[j].id == c.id {
				return FormatError("repeated component identifier")
			}
		}
		c.hs, c.vs = int(seg[7+3*i]>>4), int(seg[7+3*i]&0x0f)
		if c.hs < 1 || c.hs > 4 || c.vs < 1 || c.vs > 4 {
			return FormatError("bad sampling factors")
		}
		c.tq = seg[8+3*i]
		if c.tq > maxTq {
			return FormatError("bad Tq value")
		}
		d.hmax, d.vmax = max(d.hmax, c.hs), max(d.vmax, c.vs)
	}
	if d.nComp == 1 {
		// A single component is non-interleaved: its MCU is one block whatever its
		// sampling factors say (section A.2).
		d.comp[0].hs, d.comp[0].vs, d.hmax, d.vmax = 1, 1, 1, 1
	}
	for i := 0; i < d.nComp; i++ {
		c := &d.comp[i]
		if d.hmax%c.hs != 0 || d.vmax%c.vs != 0 {
			return UnsupportedError("fractional sampling ratio")
		}
	}
	return nil
}

// processDQT reads quantisation tables (section B.2.4.1), stored in natural order.
func (d *decoder) processDQT(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, seg[0]&0x0f
		if tq > maxTq {
			return FormatError("bad Tq value")
		}
		seg = seg[1:]
		switch pq {
		case 0:
			if len(seg) < blockSize {
				return FormatError("DQT has wrong length")
			}
			for zig := 0; zig < blockSize; zig++ {
				d.quant[tq][natural[zig]] = int32(seg[zig])
			}
			seg = seg[blockSize:]
		case 1:
			if len(seg) < 2*blockSize {
				return FormatError("DQT has wrong length")
			}
			for zig := 0; zig < blockSize; zig++ {
				d.quant[tq][natural[zig]] = int32(binary.BigEndian.Uint16(seg[2*zig:]))
			}
			seg = seg[2*blockSize:]
		default:
			return FormatError("bad Pq value")
		}
		d.quantSet[tq] = true
	}
	return nil
}

// allocate sizes the component planes once the first scan starts, and works out which
// blocks the region needs.
func (d *decoder) allocate() error {
	if int64(d.width)*int64(d.height) > int64(d.maxPixels) {
		return fmt.Errorf("jpeg: %d×%d pixels is more than the limit of %d", d.width, d.height, d.maxPixels)
	}
	d.mcusX = (d.width + 8*d.hmax - 1) / (8 * d.hmax)
	d.mcusY = (d.height + 8*d.vmax - 1) / (8 * d.vmax)
	full := image.Rect(0, 0, d.width, d.height)
	if d.region.Empty() {
		d.region = full
	}
	d.region = d.region.Intersect(full)
	if d.region.Empty() {
		d.region = image.Rect(0, 0, 0, 0)
	}
	for i := 0; i < d.nComp; i++ {
		c := &d.comp[i]
		c.w = (d.width*c.hs + d.hmax - 1) / d.hmax
		c.h = (d.height*c.vs + d.vmax - 1) / d.vmax
		c.bw, c.bh = d.mcusX*c.hs, d.mcusY*c.vs
		// Samples the region needs: upsampling reads one neighbour on each side.
		rx, ry := d.hmax/c.hs, d.vmax/c.vs
		x0, x1 := d.region.Min.X/rx, (d.region.Max.X+rx-1)/rx
		y0, y1 := d.region.Min.Y/ry, (d.region.Max.Y+ry-1)/ry
		if rx > 1 {
			x0, x1 = x0-1, x1+1
		}
		if ry > 1 {
			y0, y1 = y0-1, y1+1
		}
		x0, x1 = max(0, x0), min(c.w, x1)
		y0, y1 = max(0, y0), min(c.h, y1)
		if d.region.Empty() {
			x0, x1, y0, y1 = 0, 0, 0, 0
		}
		c.bx0, c.bx1 = x0/8, (x1+7)/8
		c.by0, c.by1 = y0/8, (y1+7)/8
		if c.bx1 <= c.bx0 || c.by1 <= c.by0 {
			c.bx0, c.bx1, c.by0, c.by1 = 0, 0, 0, 0
		}
		// The plane holds only the needed block rows and columns.
		c.pix = make([]uint8, 64*(c.bx1-c.bx0)*(c.by1-c.by0))
		c.stride = 8 * (c.bx1 - c.bx0)
		if d.progressive {
			c.coef = make([]int16, 64*c.bw*c.bh)
			c.last = make([]uint8, c.bw*c.bh)
		}
	}
	d.allocated = true
	return nil
}
