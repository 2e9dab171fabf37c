package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"motif/internal/tabular"
)

// ExportOptions say what to export and where.
type ExportOptions struct {
	Set     string // embedding set name; default: the newest
	Run     int64  // a map or cluster run; default: the newest results of the set
	Out     string // output file; .csv or .parquet
	Format  string // "csv" or "parquet"; default: from Out's extension
	Vectors bool   // add the embedding column (list<float32>; JSON arrays in CSV)
}

// ExportResult says what was written.
type ExportResult struct {
	Rows    int
	Columns []string
	Results Results
	Format  string
}

// Export writes one row per image of a set: its id, image key, metadata, and
// whatever the chosen runs have (x, y, cluster, cluster name and note,
// probability, outlier score), as CSV or Parquet.
func Export(ctx context.Context, p *Project, opts ExportOptions) (ExportResult, error) {
	var res ExportResult
	format := strings.ToLower(opts.Format)
	if format == "" {
		switch strings.ToLower(filepath.Ext(opts.Out)) {
		case ".csv":
			format = "csv"
		case ".parquet", ".pq":
			format = "parquet"
		default:
			return res, fmt.Errorf("cannot tell the format of %q from its extension; name it .csv or .parquet, or use --format", opts.Out)
		}
	}
	if format != "csv" && format != "parquet" {
		return res, fmt.Errorf("unknown export format %q; use csv or parquet", opts.Format)
	}
	r, err := FindResults(ctx, p, opts.Set, opts.Run)
	if err != nil {
		return res, err
	}
	emb, err := LoadEmbeddings(ctx, p, r.Set)
	if err != nil {
		return res, err
	}
	t := emb.Table
	out := &tabular.Table{Rows: t.Rows}
	for _, c := range t.Columns {
		if c.Name == ColEmbedding {
			continue
		}
		out.Columns = append(out.Columns, c)
	}
	add := func(c *tabular.Column) {
		// A metadata column of the same name gives way to the run's.
		for i, old := range out.Columns {
			if old.Name == c.Name {
				old2 := *old
				old2.Name = "source_" + old.Name
				out.Columns[i] = &old2
			}
		}
		out.Columns = append(out.Columns, c)
	}
	if r.Layout != nil {
		l, err := LoadLayout(p, *r.Layout)
		if err != nil {
			return res, err
		}
		if len(l.Coords) != t.Rows*l.Dim {
			return res, fmt.Errorf("layout of run %d has %d rows, the set %d", r.Layout.ID, len(l.Coords)/l.Dim, t.Rows)
		}
		for d, name := range layoutColumns(l.Dim) {
			col := make([]float64, t.Rows)
			for i := range col {
				col[i] = float64(l.Coords[i*l.Dim+d])
			}
			add(&tabular.Column{Name: name, Type: tabular.Float64, Floats: col})
		}
	}
	if r.Clusters != nil {
		cl, err := LoadClustering(p, *r.Clusters)
		if err != nil {
			return res, err
		}
		if len(cl.Labels) != t.Rows {
			return res, fmt.Errorf("clusters of run %d have %d rows, the set %d", r.Clusters.ID, len(cl.Labels), t.Rows)
		}
		table, err := p.Catalog.Clusters(ctx, r.Clusters.ID)
		if err != nil {
			return res, err
		}
		names := map[int64][2]string{}
		for _, c := range table {
			names[int64(c.Label)] = [2]string{c.Name, c.Note}
		}
		cn, nn := make([]string, t.Rows), make([]string, t.Rows)
		for i, l := range cl.Labels {
			cn[i], nn[i] = names[l][0], names[l][1]
		}
		add(&tabular.Column{Name: "cluster", Type: tabular.Int64, Ints: cl.Labels})
		add(&tabular.Column{Name: "cluster_name", Type: tabular.String, Strings: cn})
		add(&tabular.Column{Name: "cluster_note", Type: tabular.String, Strings: nn})
		add(&tabular.Column{Name: "probability", Type: tabular.Float64, Floats: cl.Probabilities})
		add(&tabular.Column{Name: "outlier_score", Type: tabular.Float64, Floats: cl.OutlierScores})
	}
	if opts.Vectors {
		add(emb.Vectors)
	}
	if format == "csv" {
		err = tabular.WriteCSV(opts.Out, out)
	} else {
		err = tabular.WriteParquet(opts.Out, out)
	}
	if err != nil {
		return res, err
	}
	return ExportResult{Rows: out.Rows, Columns: out.Names(), Results: r, Format: format}, nil
}
