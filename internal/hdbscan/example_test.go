package hdbscan_test

import (
	"context"
	"fmt"

	"motif/internal/hdbscan"
)

func ExampleCluster() {
	// Two tight groups of four points and one point far away.
	data := []float32{
		0, 0, 0, 1, 1, 0, 1, 1,
		10, 10, 10, 11, 11, 10, 11, 11,
		50, 50,
	}
	res, err := hdbscan.Cluster(context.Background(), data, 9, 2, hdbscan.Options{MinClusterSize: 3, MinSamples: 2})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Labels, len(res.Clusters))
	// Output: [0 0 0 0 1 1 1 1 -1] 2
}

func ExampleBuildTree() {
	data := []float32{0, 0, 0, 1, 1, 0, 1, 1, 10, 10, 10, 11, 11, 10, 11, 11, 50, 50}
	tree, err := hdbscan.BuildTree(context.Background(), data, 9, 2, hdbscan.Options{MinSamples: 2})
	if err != nil {
		panic(err)
	}
	for _, mcs := range []int{2, 3, 5} {
		res, err := tree.Cluster(hdbscan.Options{MinClusterSize: mcs})
		if err != nil {
			panic(err)
		}
		fmt.Println(mcs, len(res.Clusters))
	}
	// Output:
	// 2 2
	// 3 2
	// 5 0
}
