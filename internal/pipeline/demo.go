package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"motif/examples"
	"motif/internal/catalog"
	"motif/internal/hdbscan"
	"motif/internal/knn"
	"motif/internal/quality"
	"motif/internal/tabular"
	"motif/internal/umap"
)

// DemoSet is the name of the demo's embedding set.
const DemoSet = "fashion-mnist"

// DemoResult says what the demo made.
type DemoResult struct {
	Set                        catalog.EmbeddingSet
	Map                        catalog.Run
	Sweep                      SweepResult
	Cluster                    catalog.Run
	NClusters                  int
	ARI, AMI                   float64 // clusters vs true categories, noise as its own label
	ARIClustered, AMIClustered float64 // on clustered points only
	Clustered                  float64 // share of points in a cluster
	ExportPath                 string
	SourceDir                  string // where the demo's input files were written
}

// NotebookMap is the reference notebook's UMAP: n_neighbors 20, cosine,
// min_dist 0, spread 1, random_state 42, two dimensions.
func NotebookMap() umap.Options {
	return umap.Options{NNeighbors: 20, NComponents: 2, MinDist: 0, Spread: 1, Metric: knn.Cosine, Seed: 42}
}

// Demo builds a project from the bundled Fashion-MNIST subset: it writes the
// images as PNG files and their pixels as embeddings in the notebook's
// Parquet format, imports them, maps them with the notebook's parameters,
// sweeps min_cluster_size, clusters with the recommended setting, compares
// the clusters with the true categories and exports the result. Steps
// already done in the project are reused.
func Demo(ctx context.Context, p *Project, progress Progress) (DemoResult, error) {
	var res DemoResult
	set, err := p.Catalog.EmbeddingSetByName(ctx, DemoSet)
	if errors.Is(err, catalog.ErrNotFound) {
		src, err := writeDemoInput(p.Path("demo-data"), progress)
		if err != nil {
			return res, err
		}
		imp, err := Import(ctx, p, ImportOptions{
			Path: src, ImagesDir: filepath.Join(filepath.Dir(src), "images"), Name: DemoSet, Progress: progress,
		})
		if err != nil {
			return res, err
		}
		set = imp.Set
	} else if err != nil {
		return res, err
	}
	res.Set, res.SourceDir = set, p.Path("demo-data")

	mo := MapOptions{Set: DemoSet, UMAP: NotebookMap(), Progress: progress}
	if res.Map, err = reuseOrMap(ctx, p, set, mo); err != nil {
		return res, err
	}
	layout := fmt.Sprintf("layout:%d", res.Map.ID)
	res.Sweep, err = Sweep(ctx, p, SweepOptions{
		Set: DemoSet, On: layout, MinClusterSizes: mustRange("10:200:10"), MinSamples: []int{5},
		SilhouetteSeed: 42, Reuse: true, Progress: progress,
	})
	if err != nil {
		return res, err
	}
	mcs := 50
	if res.Sweep.Recommended >= 0 {
		mcs = res.Sweep.Rows[res.Sweep.Recommended].MinClusterSize
	}
	res.Cluster, _, err = Cluster(ctx, p, ClusterOptions{
		Set: DemoSet, On: layout, HDBSCAN: hdbscan.Options{MinClusterSize: mcs, MinSamples: 5}, Reuse: true, Progress: progress,
	})
	if err != nil {
		return res, err
	}
	res.NClusters = intParam(normalise(res.Cluster.Metrics), "clusters", 0)
	if err := res.score(ctx, p); err != nil {
		return res, err
	}
	res.ExportPath = p.Path("export.csv")
	if _, err := Export(ctx, p, ExportOptions{Set: DemoSet, Run: res.Cluster.ID, Out: res.ExportPath}); err != nil {
		return res, err
	}
	return res, nil
}

func mustRange(s string) []int {
	v, err := ParseIntRange(s)
	if err != nil {
		panic(err)
	}
	return v
}

// reuseOrMap returns a finished map run of the set with the same parameters,
// or makes one.
func reuseOrMap(ctx context.Context, p *Project, set catalog.EmbeddingSet, mo MapOptions) (catalog.Run, error) {
	if r, ok := findDone(ctx, p, catalog.KindMap, set.ID, 0, mapParams(set, mo.UMAP)); ok {
		return r, nil
	}
	return Map(ctx, p, mo)
}

// score compares the demo's clusters with the true categories.
func (res *DemoResult) score(ctx context.Context, p *Project) error {
	emb, err := LoadEmbeddings(ctx, p, res.Set)
	if err != nil {
		return err
	}
	cat := emb.Table.Column("label")
	if cat == nil || cat.Type != tabular.Int64 {
		return fmt.Errorf("demo set lacks its label column")
	}
	truth := make([]int32, len(cat.Ints))
	for i, v := range cat.Ints {
		truth[i] = int32(v)
	}
	cl, err := LoadClustering(p, res.Cluster)
	if err != nil {
		return err
	}
	labels := make([]int32, len(cl.Labels))
	for i, l := range cl.Labels {
		labels[i] = int32(l)
	}
	res.ARI = quality.AdjustedRand(truth, labels)
	res.AMI = quality.AdjustedMutualInfo(truth, labels)
	tc, lc := quality.Clustered(truth, labels)
	res.Clustered = float64(len(lc)) / float64(len(labels))
	if len(lc) > 0 {
		res.ARIClustered = quality.AdjustedRand(tc, lc)
		res.AMIClustered = quality.AdjustedMutualInfo(tc, lc)
	}
	return nil
}

// writeDemoInput writes the bundled images as PNG files and a Parquet file in
// the notebook's format (embedding, filename, category, label) into dir and
// returns the Parquet file's path.
func writeDemoInput(dir string, progress Progress) (string, error) {
	f, err := examples.FashionMNIST()
	if err != nil {
		return "", err
	}
	imgDir := filepath.Join(dir, "images")
	if err := os.MkdirAll(imgDir, 0o755); err != nil {
		return "", err
	}
	px := f.Rows * f.Cols
	vecs := make([]float32, f.N*px)
	names := make([]string, f.N)
	cats := make([]string, f.N)
	labels := make([]int64, f.N)
	var buf bytes.Buffer
	for i := range f.N {
		pix := f.Pixels[i*px : (i+1)*px]
		for j, v := range pix {
			vecs[i*px+j] = float32(v) / 255
		}
		names[i] = fmt.Sprintf("%05d.png", i)
		labels[i] = int64(f.Labels[i])
		cats[i] = examples.FashionCategories[f.Labels[i]]
		im := &image.Gray{Pix: pix, Stride: f.Cols, Rect: image.Rect(0, 0, f.Cols, f.Rows)}
		buf.Reset()
		if err := png.Encode(&buf, im); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(imgDir, names[i]), buf.Bytes(), 0o644); err != nil {
			return "", err
		}
		if i%500 == 0 {
			progress.report("demo data", i, f.N)
		}
	}
	t := &tabular.Table{Rows: f.N, Columns: []*tabular.Column{
		{Name: "filename", Type: tabular.String, Strings: names},
		{Name: "category", Type: tabular.String, Strings: cats},
		{Name: "label", Type: tabular.Int64, Ints: labels},
		{Name: "embedding", Type: tabular.Vector, Vectors: vecs, Dim: px},
	}}
	path := filepath.Join(dir, "fashion-mnist.parquet")
	return path, tabular.WriteParquet(path, t)
}
