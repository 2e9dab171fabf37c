// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

// lookBits is the number of bits the Huffman look-up table decodes at once; longer codes
// take the canonical-code slow path (section F.2.2.3).
const lookBits = 9

// huffman is a decoding table for one Huffman table (section C).
type huffman struct {
	defined bool
	// lut maps the next lookBits bits to value<<8 | code length, or 0 when the code is
	// longer than lookBits.
	lut [1 << lookBits]uint16
	// maxCode[l] is the largest code of length l (−1 if none); valOff[l] turns a code of
	// length l into an index into vals. Index 17 is a sentinel.
	maxCode [18]int32
	valOff  [18]int32
	vals    [256]uint8
	// fast decodes a whole AC coefficient when its code and magnitude bits together
	// fit in lookBits: value<<8 | run<<4 | total length (0 when they do not).
	fast [1 << lookBits]int16
}

// processDHT reads Huffman tables (section B.2.4.2).
func (d *decoder) processDHT(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return FormatError("DHT has wrong length")
		}
		tc, th := seg[0]>>4, seg[0]&0x0f
		if tc > 1 || th > maxTh {
			return FormatError("bad Huffman table class or index")
		}
		var counts [17]int
		total := 0
		for l := 1; l <= 16; l++ {
			counts[l] = int(seg[l])
			total += counts[l]
		}
		if total == 0 || total > 256 {
			return FormatError("bad Huffman table length")
		}
		if len(seg) < 17+total {
			return FormatError("DHT has wrong length")
		}
		h := &d.huff[tc][th]
		*h = huffman{defined: true}
		copy(h.vals[:], seg[17:17+total])
		seg = seg[17+total:]
		if tc == 0 {
			for _, v := range h.vals[:total] {
				if v > 15 {
					return FormatError("DC Huffman value larger than 15")
				}
			}
		}
		// Canonical codes (Annex C), checking that no code overflows its length.
		code, k := int32(0), int32(0)
		for l := 1; l <= 16; l++ {
			h.valOff[l] = k - code
			if code+int32(counts[l]) > 1<<l {
				return FormatError("bad Huffman table")
			}
			for i := 0; i < counts[l]; i++ {
				if l <= lookBits {
					shift := lookBits - l
					v := uint16(h.vals[k])<<8 | uint16(l)
					for j := code << shift; j < (code+1)<<shift; j++ {
						h.lut[j] = v
					}
				}
				code++
				k++
			}
			if counts[l] > 0 {
				h.maxCode[l] = code - 1
			} else {
				h.maxCode[l] = -1
			}
			code <<= 1
		}
		h.maxCode[17] = 1 << 30 // sentinel
		if tc == 1 {
			h.buildFast()
		}
	}
	return nil
}

// buildFast fills the AC fast table from the look-up table.
func (h *huffman) buildFast() {
	for i, v := range h.lut {
		if v == 0 {
			continue
		}
		rs, l := int(v>>8), int(v&0xff)
		run, size := rs>>4, rs&15
		if size == 0 || l+size > lookBits {
			continue
		}
		x := (i >> (lookBits - l - size)) & (1<<size - 1)
		if x < 1<<(size-1) {
			x += -1<<size + 1
		}
		if x < -128 || x > 127 {
			continue
		}
		h.fast[i] = int16(x<<8 | run<<4 | (l + size))
	}
}

// bitReader reads entropy-coded bits MSB first. acc holds n valid bits at its top. When
// the data reaches a marker (or the end of the file) it feeds zero bits, as libjpeg does,
// and stops advancing pos, which is then at the marker.
type bitReader struct {
	acc uint64
	n   uint
	// atMarker: pos is at a marker (or the end); zeros are being fed.
	atMarker bool
	// zeros counts the zero bytes fed past the end of the file; fed counts all the zero
	// bytes fed (at a marker or the end).
	zeros, fed int
}

// fill tops the accumulator up to at least 57 bits.
func (d *decoder) fill() {
	b := &d.bits
	for b.n <= 56 {
		var c byte
		if !b.atMarker {
			if d.pos >= len(d.data) {
				b.atMarker = true
			} else if c = d.data[d.pos]; c != 0xff {
				d.pos++
			} else {
				// 0xff, any fill bytes, then 0x00 is a stuffed 0xff; anything else is
				// a marker, and pos stays at it (libjpeg's fill_bit_buffer).
				p := d.pos + 1
				for p < len(d.data) && d.data[p] == 0xff {
					p++
				}
				if p >= len(d.data) {
					d.pos = p // 0xff at the very end: the end of the file
					b.atMarker = true
					c = 0
				} else if d.data[p] == 0 {
					d.pos = p + 1
				} else {
					b.atMarker = true
					c = 0
				}
			}
		}
		if b.atMarker {
			b.fed++
			if d.pos >= len(d.data) {
				b.zeros++
			}
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

// pastEnd reports whether the decoder has used bits fed past the end of the file.
func (d *decoder) pastEnd() bool {
	return d.bits.zeros > 0 && 8*uint(d.bits.zeros) > d.bits.n
}

// maxPadBits is how many zero bits a scan may consume after its data has run into a
// marker before Decode gives up on it: libjpeg would go on decoding zeros (a grey smear)
// for as long as the frame lasts, which lets a few bytes claim seconds of work.
const maxPadBits = 8 << 10

// padConsumed is the number of zero bits fed at a marker that the decoder has used.
func (d *decoder) padConsumed() int {
	return 8*d.bits.fed - int(d.bits.n)
}

// resetBits discards the accumulator (at a restart marker or a new scan).
func (d *decoder) resetBits() {
	d.bits = bitReader{}
}

// decodeHuffman returns the next Huffman-coded value. The caller has made sure that at
// least 16 bits are in the accumulator.
func (d *decoder) decodeHuffman(h *huffman) (uint8, error) {
	b := &d.bits
	if v := h.lut[b.acc>>(64-lookBits)]; v != 0 {
		n := uint(v & 0xff)
		b.acc <<= n
		b.n -= n
		return uint8(v >> 8), nil
	}
	l := uint(lookBits + 1)
	code := int32(b.acc >> (64 - l))
	for code > h.maxCode[l] {
		l++
		if l > 16 {
			return 0, FormatError("bad Huffman code")
		}
		code = int32(b.acc >> (64 - l))
	}
	b.acc <<= l
	b.n -= l
	return h.vals[(code+h.valOff[l])&0xff], nil
}

// receiveExtend reads s bits (s ≤ 16, available) and sign-extends them (section F.2.2.1).
func (d *decoder) receiveExtend(s uint8) int32 {
	if s == 0 {
		return 0
	}
	b := &d.bits
	v := int32(b.acc >> (64 - uint(s)))
	b.acc <<= s
	b.n -= uint(s)
	if v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}

// getBits reads n bits (n ≤ 16, available) as an unsigned number.
func (d *decoder) getBits(n uint) int {
	if n == 0 {
		return 0
	}
	b := &d.bits
	v := int(b.acc >> (64 - n))
	b.acc <<= n
	b.n -= n
	return v
}
