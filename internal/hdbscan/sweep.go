package hdbscan

import (
	"context"
	"slices"
	"sync"
)

// SweepRow is the outcome of one (MinClusterSize, MinSamples) setting of a
// sweep, the columns of the reference notebook's parameter table.
type SweepRow struct {
	MinClusterSize int
	MinSamples     int
	// Clusters is the number of clusters found.
	Clusters int
	// NoiseFraction is the fraction of points labelled −1, in [0, 1].
	NoiseFraction float64
	// MeanPersistence is the mean of the clusters' Persistence, 0 when
	// there are no clusters.
	MeanPersistence float64
	// RelativeValidity is Result.RelativeValidity.
	RelativeValidity float64
	// Labels are the setting's labels, as Result.Labels.
	Labels []int32
	// Result is the full clustering.
	Result *Result
}

// Sweep clusters data for every pair of minClusterSizes × minSamples, with
// the other parameters from base. The minimum spanning tree depends only
// on min_samples, so it is built once per value of minSamples (a 0 entry
// means "equal to min_cluster_size" and builds one tree per size) and
// re-condensed for each min_cluster_size. Rows come ordered by
// minSamples, then minClusterSizes, as given.
func Sweep(ctx context.Context, data []float32, n, dim int, minClusterSizes, minSamples []int, base Options) ([]SweepRow, error) {
	if len(minSamples) == 0 {
		minSamples = []int{base.MinSamples}
	}
	var rows []SweepRow
	trees := map[int]*Tree{}
	for _, ms := range minSamples {
		for _, mcs := range minClusterSizes {
			o := base
			o.MinClusterSize, o.MinSamples = mcs, ms
			key := o.resolve().minSamples
			t := trees[key]
			if t == nil {
				var err error
				t, err = BuildTree(ctx, data, n, dim, o)
				if err != nil {
					return nil, err
				}
				trees[key] = t
			}
			rows = append(rows, SweepRow{MinClusterSize: mcs, MinSamples: key})
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	threads := base.resolve().threads
	errs := make([]error, len(rows))
	var wg sync.WaitGroup
	sem := make(chan struct{}, threads)
	progress := base.Progress
	var mu sync.Mutex
	done := 0
	for i := range rows {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			r := &rows[i]
			o := base
			o.MinClusterSize, o.MinSamples, o.Progress = r.MinClusterSize, r.MinSamples, nil
			res, err := trees[r.MinSamples].Cluster(o)
			if err != nil {
				errs[i] = err
				return
			}
			r.Result, r.Labels = res, res.Labels
			r.Clusters = len(res.Clusters)
			noise := 0
			for _, l := range res.Labels {
				if l < 0 {
					noise++
				}
			}
			if n > 0 {
				r.NoiseFraction = float64(noise) / float64(n)
			}
			if len(res.Clusters) > 0 {
				var s float64
				for _, c := range res.Clusters {
					s += c.Persistence
				}
				r.MeanPersistence = s / float64(len(res.Clusters))
			}
			r.RelativeValidity = res.RelativeValidity
			if progress != nil {
				mu.Lock()
				done++
				progress("sweep", done, len(rows))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return slices.Clip(rows), nil
}
