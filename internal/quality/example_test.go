package quality_test

import (
	"context"
	"fmt"

	"motif/internal/quality"
)

func ExampleSilhouette() {
	// Two tight groups on a line and one noise point.
	data := []float32{0, 0.1, 0.2, 5, 5.1, 5.2, 9}
	labels := []int32{0, 0, 0, 1, 1, 1, -1}
	clustered, clusteredLabels := quality.WithoutNoise(data, 1, labels)
	s, err := quality.Silhouette(context.Background(), clustered, len(clusteredLabels), 1, clusteredLabels, quality.Euclidean, quality.SilhouetteOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("silhouette %.4f\n", s)
	// Output: silhouette 0.9733
}

func ExampleAdjustedRand() {
	truth := []int32{0, 0, 0, 1, 1, 1, 2, 2}
	labels := []int32{5, 5, -1, 7, 7, 7, -1, 9}
	fmt.Printf("all points: ARI %.4f AMI %.4f\n", quality.AdjustedRand(truth, labels), quality.AdjustedMutualInfo(truth, labels))
	t, l := quality.Clustered(truth, labels)
	fmt.Printf("clustered:  ARI %.4f AMI %.4f\n", quality.AdjustedRand(t, l), quality.AdjustedMutualInfo(t, l))
	// Output:
	// all points: ARI 0.5789 AMI 0.5600
	// clustered:  ARI 1.0000 AMI 1.0000
}
