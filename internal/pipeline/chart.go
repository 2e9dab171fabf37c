package pipeline

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// sweepSVG draws the sweep's curves against min_cluster_size, one small
// panel per measure (clusters, noise %, mean persistence, silhouette,
// relative validity), marking the recommended setting. Settings with several
// min_samples values are drawn as one line each.
func sweepSVG(w io.Writer, rows []SweepRow, rec int) error {
	type measure struct {
		name string
		get  func(SweepRow) float64
	}
	measures := []measure{
		{"clusters", func(r SweepRow) float64 { return float64(r.Clusters) }},
		{"noise %", func(r SweepRow) float64 { return 100 * r.NoiseFraction }},
		{"mean persistence", func(r SweepRow) float64 { return r.MeanPersistence }},
		{"silhouette", func(r SweepRow) float64 { return r.Silhouette }},
		{"relative validity", func(r SweepRow) float64 { return r.RelativeValidity }},
	}
	const pw, ph, left, top, gap = 420.0, 150.0, 60.0, 50.0, 40.0
	width := left + pw + 30
	height := top + float64(len(measures))*(ph+gap) + 20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="11">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="20" font-size="13">HDBSCAN sweep over min_cluster_size</text>`+"\n", left)
	xmin, xmax := math.Inf(1), math.Inf(-1)
	var samples []int
	for _, r := range rows {
		xmin, xmax = math.Min(xmin, float64(r.MinClusterSize)), math.Max(xmax, float64(r.MinClusterSize))
		found := false
		for _, s := range samples {
			found = found || s == r.MinSamples
		}
		if !found {
			samples = append(samples, r.MinSamples)
		}
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	colours := []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"}
	for mi, m := range measures {
		y0 := top + float64(mi)*(ph+gap)
		ymin, ymax := math.Inf(1), math.Inf(-1)
		for _, r := range rows {
			if v := m.get(r); !math.IsNaN(v) {
				ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
			}
		}
		if math.IsInf(ymin, 0) {
			ymin, ymax = 0, 1
		}
		if ymax == ymin {
			ymax = ymin + 1
		}
		px := func(x float64) float64 { return left + (x-xmin)/(xmax-xmin)*pw }
		py := func(y float64) float64 { return y0 + ph - (y-ymin)/(ymax-ymin)*ph }
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#999"/>`+"\n", left, y0, pw, ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", left, y0-6, html.EscapeString(m.name))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%.3g</text>`+"\n", left-4, y0+10, ymax)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%.3g</text>`+"\n", left-4, y0+ph, ymin)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%g</text>`+"\n", left, y0+ph+14, xmin)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%g</text>`+"\n", left+pw, y0+ph+14, xmax)
		for si, s := range samples {
			var pts []string
			for _, r := range rows {
				if r.MinSamples != s {
					continue
				}
				if v := m.get(r); !math.IsNaN(v) {
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(float64(r.MinClusterSize)), py(v)))
				}
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", colours[si%len(colours)], strings.Join(pts, " "))
		}
		if rec >= 0 {
			x := px(float64(rows[rec].MinClusterSize))
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e377c2" stroke-dasharray="4 3"/>`+"\n", x, y0, x, y0+ph)
		}
	}
	if len(samples) > 1 {
		for si, s := range samples {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s">min_samples %d</text>`+"\n", left+pw-90, top+12+float64(si)*13, colours[si%len(colours)], s)
		}
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
