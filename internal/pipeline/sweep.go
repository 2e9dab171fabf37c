package pipeline

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"motif/internal/catalog"
	"motif/internal/hdbscan"
	"motif/internal/quality"
	"motif/internal/tabular"
)

// SweepOptions say what to sweep.
type SweepOptions struct {
	Set, On, Metric string // as in ClusterOptions
	MinClusterSizes []int
	MinSamples      []int
	HDBSCAN         hdbscan.Options // the other parameters, shared by every setting
	// SilhouetteSample is the number of clustered points the silhouette is
	// computed on, drawn with SilhouetteSeed (the notebook: 20,000); 0 means
	// 20,000, negative means every clustered point.
	SilhouetteSample int
	SilhouetteSeed   int64
	// Reuse returns the newest finished sweep with the same input and
	// parameters instead of sweeping again.
	Reuse    bool
	Progress Progress
}

// SweepRow is one setting of a sweep and what it gave.
type SweepRow struct {
	MinClusterSize, MinSamples int
	Clusters                   int
	NoiseFraction              float64
	MeanPersistence            float64
	Silhouette                 float64 // on clustered points; NaN with fewer than 2 clusters
	RelativeValidity           float64
}

// SweepResult is a sweep's table and its recommendation.
type SweepResult struct {
	Run         catalog.Run
	Rows        []SweepRow
	Recommended int    // index into Rows, or -1
	Rule        string // the rule that chose it, in one line
}

// ParseIntRange parses "A:B:S" (A, A+S, … below B, as Python's range),
// "A:B" (step 1), "N" or a comma-separated list of those.
func ParseIntRange(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		f := strings.Split(part, ":")
		nums := make([]int, len(f))
		for i, x := range f {
			v, err := strconv.Atoi(strings.TrimSpace(x))
			if err != nil {
				return nil, fmt.Errorf("%q: want N, A:B or A:B:STEP with integers", s)
			}
			nums[i] = v
		}
		switch len(nums) {
		case 1:
			out = append(out, nums[0])
		case 2, 3:
			step := 1
			if len(nums) == 3 {
				step = nums[2]
			}
			if step <= 0 || nums[1] <= nums[0] {
				return nil, fmt.Errorf("%q: want A:B:STEP with A < B and STEP > 0", s)
			}
			for v := nums[0]; v < nums[1]; v += step {
				out = append(out, v)
			}
		default:
			return nil, fmt.Errorf("%q: want N, A:B or A:B:STEP", s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: no values", s)
	}
	return out, nil
}

// Sweep clusters with every (min_samples, min_cluster_size) setting, reusing
// the single-linkage tree across min_cluster_size, and writes the notebook's
// table to runs/<id>/sweep.csv with a chart of its curves in sweep.svg.
func Sweep(ctx context.Context, p *Project, opts SweepOptions) (SweepResult, error) {
	var res SweepResult
	opts.Progress.report("load", 0, 0)
	in, err := loadClusterInput(ctx, p, opts.Set, opts.On, opts.Metric)
	if err != nil {
		return res, err
	}
	if len(opts.MinClusterSizes) == 0 || len(opts.MinSamples) == 0 {
		return res, fmt.Errorf("a sweep needs at least one min cluster size and one min samples value")
	}
	h := opts.HDBSCAN
	h.Metric = in.metric
	h.Progress = opts.Progress
	params := in.params(h)
	delete(params, "min_cluster_size")
	delete(params, "min_samples")
	params["min_cluster_sizes"] = opts.MinClusterSizes
	params["min_samples"] = opts.MinSamples
	sample := opts.SilhouetteSample
	if sample == 0 {
		sample = 20000
	}
	params["silhouette_sample"] = sample
	params["silhouette_seed"] = opts.SilhouetteSeed
	if opts.Reuse {
		if run, ok := findDone(ctx, p, catalog.KindSweep, in.set.ID, in.parent, params); ok {
			rows, err := LoadSweep(p, run)
			if err == nil {
				res.Run, res.Rows = run, rows
				res.Recommended, res.Rule = recommend(rows)
				return res, nil
			}
		}
	}
	qm := quality.Euclidean
	if in.metric == hdbscan.Cosine {
		qm = quality.Cosine
	}
	res.Run, err = runStage(ctx, p, catalog.Run{Kind: catalog.KindSweep, EmbeddingSet: in.set.ID, Parent: in.parent, Params: params},
		func(run catalog.Run) (map[string]any, error) {
			start := time.Now()
			rows, err := hdbscan.Sweep(ctx, in.data, in.n, in.dim, opts.MinClusterSizes, opts.MinSamples, h)
			if err != nil {
				return nil, err
			}
			res.Rows = make([]SweepRow, len(rows))
			for i, r := range rows {
				opts.Progress.report("silhouette", i, len(rows))
				sr := SweepRow{
					MinClusterSize: r.MinClusterSize, MinSamples: r.MinSamples, Clusters: r.Clusters,
					NoiseFraction: r.NoiseFraction, MeanPersistence: r.MeanPersistence,
					RelativeValidity: r.RelativeValidity, Silhouette: math.NaN(),
				}
				if r.Clusters >= 2 {
					data, labels := quality.WithoutNoise(in.data, in.dim, r.Labels)
					// Float32 distances: the table needs a few digits, not 1e-9.
					so := quality.SilhouetteOptions{SampleSize: sample, Seed: opts.SilhouetteSeed, Float32: true}
					if sample < 0 || sample >= len(labels) {
						so.SampleSize = 0
					}
					if s, err := quality.Silhouette(ctx, data, len(labels), in.dim, labels, qm, so); err == nil {
						sr.Silhouette = s
					} else if ctx.Err() != nil {
						return nil, ctx.Err()
					}
				}
				res.Rows[i] = sr
			}
			opts.Progress.report("silhouette", len(rows), len(rows))
			res.Recommended, res.Rule = recommend(res.Rows)
			dir := p.Path(run.Dir)
			if err := writeSweepCSV(filepath.Join(dir, SweepFile), res.Rows); err != nil {
				return nil, err
			}
			if err := tabular.WriteFileAtomic(filepath.Join(dir, SweepChart), func(w io.Writer) error {
				return sweepSVG(w, res.Rows, res.Recommended)
			}); err != nil {
				return nil, err
			}
			m := map[string]any{"seconds": time.Since(start).Seconds(), "settings": len(res.Rows), "rule": res.Rule}
			if res.Recommended >= 0 {
				r := res.Rows[res.Recommended]
				m["recommended_min_cluster_size"] = r.MinClusterSize
				m["recommended_min_samples"] = r.MinSamples
			}
			return m, nil
		})
	return res, err
}

// RecommendRule is the rule recommend applies, in one line.
const RecommendRule = "highest silhouette × clustered share, S·(1 − noise), among settings with at least 2 clusters; ties go to the larger min_cluster_size"

// recommend picks the setting that best trades cluster separation against
// noise: the notebook's analysts look for a high silhouette without
// throwing most points away as noise. Silhouette is computed on clustered
// points only, so it is weighted by the share of points clustered.
func recommend(rows []SweepRow) (int, string) {
	best, bestScore := -1, math.Inf(-1)
	for i, r := range rows {
		if r.Clusters < 2 || math.IsNaN(r.Silhouette) {
			continue
		}
		s := r.Silhouette * (1 - r.NoiseFraction)
		if s > bestScore || (s == bestScore && r.MinClusterSize > rows[best].MinClusterSize) {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return -1, "no setting gave 2 or more clusters; try smaller min_cluster_size values"
	}
	return best, RecommendRule
}

func fmtFloat(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}

func writeSweepCSV(path string, rows []SweepRow) error {
	return tabular.WriteFileAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"min_cluster_size", "min_samples", "clusters", "noise_percent", "mean_persistence", "silhouette", "relative_validity"})
		for _, r := range rows {
			cw.Write([]string{
				strconv.Itoa(r.MinClusterSize), strconv.Itoa(r.MinSamples), strconv.Itoa(r.Clusters),
				fmtFloat(100 * r.NoiseFraction), fmtFloat(r.MeanPersistence), fmtFloat(r.Silhouette), fmtFloat(r.RelativeValidity),
			})
		}
		cw.Flush()
		return cw.Error()
	})
}

// LoadSweep reads the table of a finished sweep run.
func LoadSweep(p *Project, run catalog.Run) ([]SweepRow, error) {
	f, err := os.Open(p.Path(run.Dir + "/" + SweepFile))
	if err != nil {
		return nil, fmt.Errorf("sweep of run %d: %w", run.ID, err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("sweep of run %d: %w", run.ID, err)
	}
	if len(recs) == 0 || len(recs[0]) != 7 {
		return nil, fmt.Errorf("sweep of run %d: %s has no table", run.ID, SweepFile)
	}
	num := func(s string) float64 {
		if s == "" {
			return math.NaN()
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	rows := make([]SweepRow, 0, len(recs)-1)
	for _, r := range recs[1:] {
		rows = append(rows, SweepRow{
			MinClusterSize: int(num(r[0])), MinSamples: int(num(r[1])), Clusters: int(num(r[2])),
			NoiseFraction: num(r[3]) / 100, MeanPersistence: num(r[4]), Silhouette: num(r[5]), RelativeValidity: num(r[6]),
		})
	}
	return rows, nil
}
