package tabular

import (
	"bytes"
	"math"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// float16Type is FIXED_LEN_BYTE_ARRAY(2) annotated FLOAT16, as pyarrow
// writes numpy float16 columns; parquet-go has no node for it.
type float16Type struct{ parquet.Type }

func (float16Type) LogicalType() *format.LogicalType {
	return &format.LogicalType{Value: new(format.Float16Type)}
}

func TestHalfToFloat32(t *testing.T) {
	tests := []struct {
		h    uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x0000, 0}, {0x7bff, 65504}, {0x0001, float32(math.Ldexp(1, -24))},
		{0x3555, 0.333251953125}, {0x7c00, float32(math.Inf(1))}, {0xfc00, float32(math.Inf(-1))},
	}
	for _, tt := range tests {
		if got := halfToFloat32(tt.h); got != tt.want {
			t.Errorf("halfToFloat32(%#04x) = %v, want %v", tt.h, got, tt.want)
		}
	}
	if got := halfToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("halfToFloat32(0x8000) = %v, want -0", got)
	}
	if got := halfToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("halfToFloat32(0x7e00) = %v, want NaN", got)
	}
}

// TestReadParquetFloat16 reads FLOAT16 scalars and a list of FLOAT16 (a
// half-precision embedding) as Float64 and Vector columns.
func TestReadParquetFloat16(t *testing.T) {
	half := parquet.Leaf(float16Type{parquet.FixedLenByteArrayType(2)})
	schema := parquet.NewSchema("schema", orderedGroup{
		&namedField{Node: parquet.Required(half), name: "h"},
		&namedField{Node: parquet.List(half), name: "embedding"},
	})
	// Row i: h = halves[i], embedding = halves[i], halves[i+1].
	halves := []uint16{0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema)
	for i := range 4 {
		le := func(h uint16) []byte { return []byte{byte(h), byte(h >> 8)} }
		row := parquet.Row{
			parquet.FixedLenByteArrayValue(le(halves[i])).Level(0, 0, 0),
			parquet.FixedLenByteArrayValue(le(halves[i])).Level(0, 1, 1),
			parquet.FixedLenByteArrayValue(le(halves[i+1])).Level(1, 1, 1),
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tab, err := readParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "half.parquet", ReadOptions{})
	if err != nil {
		t.Fatalf("readParquet(FLOAT16 file) = %v", err)
	}
	h, emb := tab.Column("h"), tab.Column("embedding")
	if h == nil || h.Type != Float64 || emb == nil || emb.Type != Vector || emb.Dim != 2 {
		t.Fatalf("readParquet(FLOAT16 file) columns = %+v, %+v, want Float64 and 2-dimensional Vector", h, emb)
	}
	for i := range tab.Rows {
		if got, want := h.Floats[i], float64(halfToFloat32(halves[i])); got != want {
			t.Errorf("h row %d = %v, want %v", i, got, want)
		}
		if got, want := emb.Row(i), []float32{halfToFloat32(halves[i]), halfToFloat32(halves[i+1])}; got[0] != want[0] || got[1] != want[1] {
			t.Errorf("embedding row %d = %v, want %v", i, got, want)
		}
	}
}
