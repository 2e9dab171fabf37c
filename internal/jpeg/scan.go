// Copyright 2012 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import "fmt"

// maxScans bounds the number of scans in a file: progressive encoders write about ten,
// and each scan may cost a pass over every block of the picture.
const maxScans = 256

// scanComp is one component of a scan.
type scanComp struct {
	ci     int
	dc, ac *huffman
}

// processSOS reads a scan header (section B.2.3) and decodes the scan's entropy-coded
// data that follows it.
func (d *decoder) processSOS(seg []byte) error {
	if !d.sawSOF {
		return FormatError("missing SOF marker")
	}
	if len(seg) < 1 {
		return FormatError("SOS has wrong length")
	}
	n := int(seg[0])
	if n < 1 || n > d.nComp || len(seg) != 4+2*n {
		return FormatError("SOS has wrong length")
	}
	d.scans++
	if d.scans > maxScans {
		return FormatError(fmt.Sprintf("more than %d scans", maxScans))
	}
	if !d.allocated {
		if err := d.allocate(); err != nil {
			return err
		}
	}
	var scan [maxComponents]scanComp
	blocksPerMCU := 0
	for i := 0; i < n; i++ {
		cs := seg[1+2*i]
		ci := -1
		for j := 0; j < d.nComp; j++ {
			if d.comp[j].id == cs {
				ci = j
			}
		}
		if ci < 0 {
			return FormatError("unknown component selector")
		}
		for j := 0; j < i; j++ {
			if scan[j].ci == ci {
				return FormatError("repeated component selector")
			}
		}
		td, ta := seg[2+2*i]>>4, seg[2+2*i]&0x0f
		if td > maxTh || ta > maxTh {
			return FormatError("bad Huffman table selector")
		}
		scan[i] = scanComp{ci: ci, dc: &d.huff[0][td], ac: &d.huff[1][ta]}
		blocksPerMCU += d.comp[ci].hs * d.comp[ci].vs
	}
	if n > 1 && blocksPerMCU > 10 {
		return FormatError("too many blocks per MCU")
	}
	ss, se := int(seg[1+2*n]), int(seg[2+2*n])
	ah, al := uint(seg[3+2*n]>>4), uint(seg[3+2*n]&0x0f)
	if d.progressive {
		if ss > se || se > 63 || (ss == 0 && se != 0) || (ss > 0 && n != 1) || al > 13 || (ah != 0 && ah != al+1) {
			return FormatError("bad progressive scan parameters")
		}
	} else {
		ss, se, ah, al = 0, 63, 0, 0
	}
	for i := 0; i < n; i++ {
		if !d.progressive || ss == 0 && ah == 0 {
			if !scan[i].dc.defined {
				return FormatError("missing DC Huffman table")
			}
		}
		if (!d.progressive || ss > 0) && !scan[i].ac.defined {
			return FormatError("missing AC Huffman table")
		}
		if !d.progressive && !d.quantSet[d.comp[scan[i].ci].tq] {
			return FormatError("missing quantization table")
		}
	}

	d.resetBits()
	d.eobRun = 0
	var dc [maxComponents]int
	var blk [blockSize]int16
	// Non-interleaved scans (one component) code each block inside the component once,
	// left to right, top to bottom (section A.2.2); interleaved scans code whole MCUs.
	mcusX, mcusY := d.mcusX, d.mcusY
	if n == 1 {
		c := &d.comp[scan[0].ci]
		mcusX, mcusY = (c.w+7)/8, (c.h+7)/8
	}
	expectedRST := 0
	total := mcusX * mcusY
	for m := 0; m < total; m++ {
		if d.ri > 0 && m > 0 && m%d.ri == 0 {
			if err := d.restart(expectedRST); err != nil {
				return err
			}
			expectedRST = (expectedRST + 1) & 7
			dc = [maxComponents]int{}
			d.eobRun = 0
		}
		mx, my := m%mcusX, m/mcusX
		if mx == 0 && (d.pastEnd() || d.padConsumed() > maxPadBits) {
			return FormatError("scan data ends early (truncated or damaged file)")
		}
		for i := 0; i < n; i++ {
			sc := &scan[i]
			c := &d.comp[sc.ci]
			hs, vs := c.hs, c.vs
			if n == 1 {
				hs, vs = 1, 1
			}
			for j := 0; j < hs*vs; j++ {
				bx, by := mx*hs+j%hs, my*vs+j/hs
				if d.bits.n < 32 {
					d.fill()
				}
				if !d.progressive {
					blk = [blockSize]int16{}
					ac, err := d.decodeBlock(&blk, sc, &dc[sc.ci])
					if err != nil {
						return err
					}
					if bx >= c.bx0 && bx < c.bx1 && by >= c.by0 && by < c.by1 {
						off := (by-c.by0)*8*c.stride + (bx-c.bx0)*8
						if ac {
							idct(c.pix[off:], c.stride, &blk, &d.quant[c.tq])
						} else {
							idctDC(c.pix[off:], c.stride, blk[0], d.quant[c.tq][0])
						}
					}
					continue
				}
				bi := by*c.bw + bx
				b := (*[blockSize]int16)(c.coef[bi*blockSize:])
				var err error
				switch {
				case ss == 0 && ah == 0:
					err = d.decodeDCFirst(b, sc, &dc[sc.ci], al)
				case ss == 0:
					if d.getBits(1) != 0 {
						b[0] |= 1 << al
					}
				case ah == 0:
					err = d.decodeACFirst(b, &c.last[bi], sc, ss, se, al)
				default:
					err = d.decodeACRefine(b, &c.last[bi], sc, ss, se, al)
				}
				if err != nil {
					return err
				}
			}
		}
	}
	if d.pastEnd() {
		return FormatError("unexpected end of file in scan data")
	}
	return nil
}

// restart finds the restart marker that ends an interval and resets the bit reader. When
// the marker is not the expected one it resynchronises as libjpeg's
// jpeg_resync_to_restart does.
func (d *decoder) restart(expected int) error {
	d.resetBits()
	for {
		// next marker
		for d.pos < len(d.data) && d.data[d.pos] != 0xff {
			d.pos++
		}
		p := d.pos
		for p < len(d.data) && d.data[p] == 0xff {
			p++
		}
		if p >= len(d.data) {
			return FormatError("missing restart marker")
		}
		marker := int(d.data[p])
		if marker == 0 {
			d.pos = p + 1 // stuffed byte: still scan data
			continue
		}
		want := rst0Marker + expected
		if marker == want {
			d.pos = p + 1
			return nil
		}
		action := 1 // discard the marker
		switch {
		case marker < sof0Marker:
			action = 2 // invalid marker: scan on
		case marker < rst0Marker || marker > rst7Marker:
			action = 3 // a valid non-restart marker: leave it, read zeros
		case marker == rst0Marker+(expected+1)&7 || marker == rst0Marker+(expected+2)&7:
			action = 3
		case marker == rst0Marker+(expected+7)&7 || marker == rst0Marker+(expected+6)&7:
			action = 2
		}
		switch action {
		case 1:
			d.pos = p + 1
			return nil
		case 2:
			d.pos = p + 1
		case 3:
			d.bits.atMarker = true
			return nil
		}
	}
}

// decodeBlock decodes one block of a sequential scan (section F.2.2). It reports whether
// the block has AC coefficients (when not, its inverse DCT is a constant).
func (d *decoder) decodeBlock(b *[blockSize]int16, sc *scanComp, dc *int) (bool, error) {
	s, err := d.decodeHuffman(sc.dc)
	if err != nil {
		return false, err
	}
	hasAC := false
	*dc += int(d.receiveExtend(s))
	b[0] = int16(*dc)
	ac := sc.ac
	for k := 1; k < blockSize; k++ {
		if d.bits.n < 32 {
			d.fill()
		}
		if f := ac.fast[d.bits.acc>>(64-lookBits)]; f != 0 {
			n := uint(f & 15)
			d.bits.acc <<= n
			d.bits.n -= n
			k += int(f>>4) & 15
			b[natural[k]] = f >> 8
			hasAC = true
			continue
		}
		rs, err := d.decodeHuffman(ac)
		if err != nil {
			return false, err
		}
		r, s := int(rs>>4), rs&15
		if s != 0 {
			k += r
			b[natural[k]] = int16(d.receiveExtend(s))
			hasAC = true
		} else {
			if r != 15 {
				break
			}
			k += 15
		}
	}
	return hasAC, nil
}

// decodeDCFirst decodes the first scan of a DC coefficient (section G.1.2.1).
func (d *decoder) decodeDCFirst(b *[blockSize]int16, sc *scanComp, dc *int, al uint) error {
	s, err := d.decodeHuffman(sc.dc)
	if err != nil {
		return err
	}
	*dc += int(d.receiveExtend(s))
	b[0] = int16(*dc << al)
	return nil
}

// decodeACFirst decodes the first scan of a band of AC coefficients (section G.1.2.2).
func (d *decoder) decodeACFirst(b *[blockSize]int16, last *uint8, sc *scanComp, ss, se int, al uint) error {
	if d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	for k := ss; k <= se; k++ {
		if d.bits.n < 32 {
			d.fill()
		}
		if f := sc.ac.fast[d.bits.acc>>(64-lookBits)]; f != 0 {
			n := uint(f & 15)
			d.bits.acc <<= n
			d.bits.n -= n
			k += int(f>>4) & 15
			b[natural[k]] = (f >> 8) << al
			*last = max(*last, uint8(min(k, 63)))
			continue
		}
		rs, err := d.decodeHuffman(sc.ac)
		if err != nil {
			return err
		}
		r, s := int(rs>>4), rs&15
		if s != 0 {
			k += r
			b[natural[k]] = int16(int(d.receiveExtend(s)) << al)
			*last = max(*last, uint8(min(k, 63)))
			continue
		}
		if r == 15 {
			k += 15
			continue
		}
		d.eobRun = 1 << r
		if r > 0 {
			d.eobRun += d.getBits(uint(r))
		}
		d.eobRun--
		break
	}
	return nil
}

// decodeACRefine decodes a successive-approximation refinement of a band of AC
// coefficients (section G.1.2.3), as libjpeg's decode_mcu_AC_refine does.
func (d *decoder) decodeACRefine(b *[blockSize]int16, last *uint8, sc *scanComp, ss, se int, al uint) error {
	p1 := int16(1) << al
	m1 := int16(-1) << al
	refine := func(k int) {
		c := &b[natural[k]]
		if d.bits.n < 1 {
			d.fill()
		}
		if d.getBits(1) != 0 && *c&p1 == 0 {
			if *c >= 0 {
				*c += p1
			} else {
				*c += m1
			}
		}
	}
	k := ss
	if d.eobRun == 0 {
		for ; k <= se; k++ {
			if d.bits.n < 32 {
				d.fill()
			}
			rs, err := d.decodeHuffman(sc.ac)
			if err != nil {
				return err
			}
			r, s := int(rs>>4), int(rs&15)
			var v int16
			if s != 0 {
				if s != 1 {
					return FormatError(fmt.Sprintf("refinement coefficient of size %d", s))
				}
				if d.getBits(1) != 0 {
					v = p1
				} else {
					v = m1
				}
			} else if r != 15 {
				d.eobRun = 1 << r
				if r > 0 {
					d.eobRun += d.getBits(uint(r))
				}
				break
			}
			// Skip r zero coefficients, refining the non-zero ones on the way.
			for ; k <= se; k++ {
				if b[natural[k]] != 0 {
					refine(k)
				} else {
					if r == 0 {
						break
					}
					r--
				}
			}
			if v != 0 {
				if k > se {
					return FormatError("refinement runs past the band")
				}
				b[natural[k]] = v
				*last = max(*last, uint8(k))
			}
		}
	}
	if d.eobRun > 0 {
		// Only coefficients up to the block's last non-zero one can need a correction bit.
		for end := min(se, int(*last)); k <= end; k++ {
			if b[natural[k]] != 0 {
				refine(k)
			}
		}
		d.eobRun--
	}
	return nil
}

// reconstructProgressive runs the inverse DCT of the blocks the region needs, once all
// scans are in.
func (d *decoder) reconstructProgressive() {
	for i := 0; i < d.nComp; i++ {
		c := &d.comp[i]
		q := &d.quant[c.tq]
		for by := c.by0; by < c.by1; by++ {
			for bx := c.bx0; bx < c.bx1; bx++ {
				bi := by*c.bw + bx
				b := (*[blockSize]int16)(c.coef[bi*blockSize:])
				off := (by-c.by0)*8*c.stride + (bx-c.bx0)*8
				idct(c.pix[off:], c.stride, b, q)
			}
		}
	}
}
