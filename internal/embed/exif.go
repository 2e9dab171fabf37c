package embed

import (
	"encoding/binary"
	"image"
)

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG file, or 1 when the file has
// no APP1 Exif segment, no orientation tag, or is not a JPEG. It reads only the markers
// before the first scan, and never fails: malformed metadata means "upright".
func jpegOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return 1
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 {
			p += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		p += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 (Orientation) of IFD0 of a TIFF structure, as found in
// an EXIF segment. It returns 0 when the tag is absent or invalid.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := 0; i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		var v int
		switch bo.Uint16(t[e+2:]) { // type
		case 3: // SHORT
			v = int(bo.Uint16(t[e+8:]))
		case 4: // LONG
			v = int(bo.Uint32(t[e+8:]))
		default:
			return 0
		}
		if v < 1 || v > 8 {
			return 0
		}
		return v
	}
	return 0
}

// orient applies an EXIF orientation to img, returning the upright picture, as Pillow's
// ImageOps.exif_transpose does: 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90°
// clockwise, 7 transverse, 8 rotate 90° anticlockwise. Only the pixels inside win (in
// upright coordinates) are computed; the others are black.
func orient(img *RGB, o int, win image.Rectangle) *RGB {
	if o <= 1 || o > 8 {
		return img
	}
	w, h := img.W, img.H
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	out := &RGB{W: ow, H: oh, Pix: make([]uint8, len(img.Pix))}
	win = win.Intersect(image.Rect(0, 0, ow, oh))
	for y := win.Min.Y; y < win.Max.Y; y++ {
		// The source of (x, y) moves by a constant step (dx, dy) as x grows.
		sx, sy := orientSource(win.Min.X, y, o, w, h)
		nx, ny := orientSource(win.Min.X+1, y, o, w, h)
		step := 3 * ((ny-sy)*w + (nx - sx))
		s := 3 * (sy*w + sx)
		d := 3 * (y*ow + win.Min.X)
		for x := win.Min.X; x < win.Max.X; x++ {
			out.Pix[d], out.Pix[d+1], out.Pix[d+2] = img.Pix[s], img.Pix[s+1], img.Pix[s+2]
			d += 3
			s += step
		}
	}
	return out
}

// orientSource is the pixel of the stored w×h picture that orientation o moves to (x, y).
func orientSource(x, y, o, w, h int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	}
	return x, y
}
