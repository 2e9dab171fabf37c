package jpeg

// The accurate integer inverse DCT libjpeg calls "islow" (its default, JDCT_ISLOW): the
// Loeffler–Ligtenberg–Moschytz factorisation (12 multiplies, 32 adds per 1-D pass) with
// constants scaled by 2^13, a first (column) pass that keeps PASS1_BITS = 2 extra bits,
// and rounding right shifts ("descale") after each pass. Reproducing libjpeg's exact
// arithmetic is what makes the pixels identical; libjpeg-turbo's SIMD versions are
// bit-exact with it.
const (
	constBits = 13
	pass1Bits = 2

	fix0_298631336 = 2446  // round(0.298631336 · 2^13)
	fix0_390180644 = 3196  // round(0.390180644 · 2^13)
	fix0_541196100 = 4433  // round(0.541196100 · 2^13)
	fix0_765366865 = 6270  // round(0.765366865 · 2^13)
	fix0_899976223 = 7373  // round(0.899976223 · 2^13)
	fix1_175875602 = 9633  // round(1.175875602 · 2^13)
	fix1_501321110 = 12299 // round(1.501321110 · 2^13)
	fix1_847759065 = 15137 // round(1.847759065 · 2^13)
	fix1_961570560 = 16069 // round(1.961570560 · 2^13)
	fix2_053119869 = 16819 // round(2.053119869 · 2^13)
	fix2_562915447 = 20995 // round(2.562915447 · 2^13)
	fix3_072711026 = 25172 // round(3.072711026 · 2^13)
)

// idctRange is libjpeg's post-IDCT range limit (jdmaster.c, prepare_range_limit_table),
// indexed by the descaled value masked to 10 bits: −128…127 become 0…255 (the +128 level
// shift), 128…511 saturate at 255, −512…−129 at 0; values further out wrap, as in
// libjpeg.
var idctRange = func() (t [1024]uint8) {
	for i := range t {
		switch {
		case i < 128:
			t[i] = uint8(i + 128)
		case i < 512:
			t[i] = 255
		case i < 896:
			t[i] = 0
		default:
			t[i] = uint8(i - 896)
		}
	}
	return t
}()

// idct runs the inverse DCT of one block into dst (8 rows of 8 samples, stride apart):
// the AVX2 version where the processor has it, else idctIslow. Both give the same samples
// for every block of valid data; for coefficients so large that intermediate values
// overflow 32 bits (only corrupt files have them) the two may differ, as libjpeg-turbo's
// own SIMD and C versions do.
func idct(dst []uint8, stride int, coef *[blockSize]int16, q *[blockSize]int32) {
	if useIDCTAsm {
		_ = dst[7*stride+7] // the assembly writes 8 rows of 8 bytes
		idctAVX2(dst, stride, coef, q)
		return
	}
	idctIslow(dst, stride, coef, q)
}

// descale is libjpeg's DESCALE: a right shift by n rounding half up.
func descale(x int, n uint) int { return (x + 1<<(n-1)) >> n }

// idctIslow dequantizes coef with the quantisation table q (both in natural order),
// computes the inverse DCT and writes the 8×8 level-shifted, range-limited samples to
// dst with the given stride.
func idctIslow(dst []uint8, stride int, coef *[blockSize]int16, q *[blockSize]int32) {
	var ws [blockSize]int32
	// Pass 1: columns, from coef into ws, scaled up by sqrt(8)·2^pass1Bits.
	for c := 0; c < 8; c++ {
		if coef[8+c] == 0 && coef[16+c] == 0 && coef[24+c] == 0 && coef[32+c] == 0 &&
			coef[40+c] == 0 && coef[48+c] == 0 && coef[56+c] == 0 {
			dc := int32(coef[c]) * q[c] << pass1Bits
			for r := 0; r < 8; r++ {
				ws[8*r+c] = dc
			}
			continue
		}
		// Even part.
		z2 := int(int32(coef[16+c]) * q[16+c])
		z3 := int(int32(coef[48+c]) * q[48+c])
		z1 := (z2 + z3) * fix0_541196100
		tmp2 := z1 - z3*fix1_847759065
		tmp3 := z1 + z2*fix0_765366865
		z2 = int(int32(coef[c]) * q[c])
		z3 = int(int32(coef[32+c]) * q[32+c])
		tmp0 := (z2 + z3) << constBits
		tmp1 := (z2 - z3) << constBits
		tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
		tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2
		// Odd part.
		tmp0 = int(int32(coef[56+c]) * q[56+c])
		tmp1 = int(int32(coef[40+c]) * q[40+c])
		tmp2 = int(int32(coef[24+c]) * q[24+c])
		tmp3 = int(int32(coef[8+c]) * q[8+c])
		z1 = tmp0 + tmp3
		z2 = tmp1 + tmp2
		z3 = tmp0 + tmp2
		z4 := tmp1 + tmp3
		z5 := (z3 + z4) * fix1_175875602
		tmp0 *= fix0_298631336
		tmp1 *= fix2_053119869
		tmp2 *= fix3_072711026
		tmp3 *= fix1_501321110
		z1 *= -fix0_899976223
		z2 *= -fix2_562915447
		z3 = z3*-fix1_961570560 + z5
		z4 = z4*-fix0_390180644 + z5
		tmp0 += z1 + z3
		tmp1 += z2 + z4
		tmp2 += z2 + z3
		tmp3 += z1 + z4
		const n = constBits - pass1Bits
		ws[c] = int32(descale(tmp10+tmp3, n))
		ws[56+c] = int32(descale(tmp10-tmp3, n))
		ws[8+c] = int32(descale(tmp11+tmp2, n))
		ws[48+c] = int32(descale(tmp11-tmp2, n))
		ws[16+c] = int32(descale(tmp12+tmp1, n))
		ws[40+c] = int32(descale(tmp12-tmp1, n))
		ws[24+c] = int32(descale(tmp13+tmp0, n))
		ws[32+c] = int32(descale(tmp13-tmp0, n))
	}
	// Pass 2: rows, from ws to dst, removing the pass-1 scaling and the factor 8.
	for r := 0; r < 8; r++ {
		w := ws[8*r : 8*r+8 : 8*r+8]
		out := dst[r*stride : r*stride+8 : r*stride+8]
		if w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0 {
			v := idctRange[descale(int(w[0]), pass1Bits+3)&1023]
			for i := range out {
				out[i] = v
			}
			continue
		}
		z2, z3 := int(w[2]), int(w[6])
		z1 := (z2 + z3) * fix0_541196100
		tmp2 := z1 - z3*fix1_847759065
		tmp3 := z1 + z2*fix0_765366865
		tmp0 := (int(w[0]) + int(w[4])) << constBits
		tmp1 := (int(w[0]) - int(w[4])) << constBits
		tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
		tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2
		tmp0, tmp1, tmp2, tmp3 = int(w[7]), int(w[5]), int(w[3]), int(w[1])
		z1 = tmp0 + tmp3
		z2 = tmp1 + tmp2
		z3 = tmp0 + tmp2
		z4 := tmp1 + tmp3
		z5 := (z3 + z4) * fix1_175875602
		tmp0 *= fix0_298631336
		tmp1 *= fix2_053119869
		tmp2 *= fix3_072711026
		tmp3 *= fix1_501321110
		z1 *= -fix0_899976223
		z2 *= -fix2_562915447
		z3 = z3*-fix1_961570560 + z5
		z4 = z4*-fix0_390180644 + z5
		tmp0 += z1 + z3
		tmp1 += z2 + z4
		tmp2 += z2 + z3
		tmp3 += z1 + z4
		const n = constBits + pass1Bits + 3
		out[0] = idctRange[descale(tmp10+tmp3, n)&1023]
		out[7] = idctRange[descale(tmp10-tmp3, n)&1023]
		out[1] = idctRange[descale(tmp11+tmp2, n)&1023]
		out[6] = idctRange[descale(tmp11-tmp2, n)&1023]
		out[2] = idctRange[descale(tmp12+tmp1, n)&1023]
		out[5] = idctRange[descale(tmp12-tmp1, n)&1023]
		out[3] = idctRange[descale(tmp13+tmp0, n)&1023]
		out[4] = idctRange[descale(tmp13-tmp0, n)&1023]
	}
}

// idctDC is idctIslow for a block whose AC coefficients are all zero: both passes then
// reduce to their shortcuts, and every sample is the same.
func idctDC(dst []uint8, stride int, dc int16, q int32) {
	v := idctRange[descale(int(int32(dc)*q<<pass1Bits), pass1Bits+3)&1023]
	for r := 0; r < 8; r++ {
		row := dst[r*stride : r*stride+8 : r*stride+8]
		for i := range row {
			row[i] = v
		}
	}
}
