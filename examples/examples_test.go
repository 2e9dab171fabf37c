package examples

import "testing"

func TestFashionMNIST(t *testing.T) {
	f, err := FashionMNIST()
	if err != nil {
		t.Fatal(err)
	}
	if f.N != 5000 || f.Rows != 28 || f.Cols != 28 {
		t.Fatalf("FashionMNIST() = %d images of %d×%d, want 5000 of 28×28", f.N, f.Rows, f.Cols)
	}
	var count [10]int
	for _, l := range f.Labels {
		if int(l) >= len(count) {
			t.Fatalf("label %d out of range", l)
		}
		count[l]++
	}
	for l, c := range count {
		if c < 400 {
			t.Errorf("category %d (%s) has %d images, want a balanced subset", l, FashionCategories[l], c)
		}
	}
}
