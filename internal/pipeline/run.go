package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"motif/internal/catalog"
	"motif/internal/embed"
)

// RunOptions chain the stages from an input file to clusters.
type RunOptions struct {
	// Posts, when set, makes the input a posts export: it is ingested, its
	// images fetched and embedded with Embed's model, instead of imported.
	Posts  *PostsOptions
	Import ImportOptions
	Map    MapOptions
	// Cluster's MinClusterSize 0 means: sweep Sweep.MinClusterSizes first
	// and use the recommended setting.
	Cluster  ClusterOptions
	Sweep    SweepOptions
	Progress Progress
}

// PostsOptions are the stages that turn a posts export into embeddings.
type PostsOptions struct {
	Ingest IngestOptions
	Fetch  FetchOptions
	Embed  EmbedOptions
}

// RunResult says what each stage made or reused.
type RunResult struct {
	Set      catalog.EmbeddingSet
	Imported bool
	Ingest   *IngestResult
	Fetch    *FetchResult
	Embed    *EmbedResult
	Map      catalog.Run
	Sweep    *SweepResult
	Cluster  catalog.Run
	Reused   []string // the stages skipped because their result was there
}

// Run imports a file (or reuses the set already imported from it), maps it,
// and clusters the map, skipping every stage whose result the project
// already has with the same parameters.
func Run(ctx context.Context, p *Project, o RunOptions) (RunResult, error) {
	var res RunResult
	o.Import.Progress, o.Map.Progress, o.Cluster.Progress, o.Sweep.Progress = o.Progress, o.Progress, o.Progress, o.Progress
	if o.Posts != nil {
		if err := runPosts(ctx, p, o.Posts, o.Progress, &res); err != nil {
			return res, err
		}
		return runLayoutAndClusters(ctx, p, o, res)
	}
	imp, err := Import(ctx, p, o.Import)
	switch {
	case err == nil:
		res.Set, res.Imported = imp.Set, true
	case o.Import.Name != "" || errors.Is(err, catalog.ErrExists) || isSetExists(err):
		// The set exists: reuse it if it came from the same file.
		name := o.Import.Name
		if name == "" {
			name = defaultSetName(o.Import.Path)
		}
		set, lerr := p.Catalog.EmbeddingSetByName(ctx, name)
		if lerr != nil {
			return res, err
		}
		abs, _ := filepath.Abs(o.Import.Path)
		if set.SourcePath != abs {
			return res, fmt.Errorf("embedding set %q exists but came from %s, not %s; choose another --name", name, set.SourcePath, abs)
		}
		res.Set = set
		res.Reused = append(res.Reused, "import")
	default:
		return res, err
	}
	return runLayoutAndClusters(ctx, p, o, res)
}

// runPosts ingests a posts export, fetches its images and embeds them,
// reusing an embedding set made with the same model when every fetched
// image is already in it.
func runPosts(ctx context.Context, p *Project, po *PostsOptions, progress Progress, res *RunResult) error {
	po.Ingest.Progress, po.Fetch.Progress, po.Embed.Progress = progress, progress, progress
	ing, err := Ingest(ctx, p, po.Ingest)
	if err != nil {
		return err
	}
	res.Ingest = &ing
	if ing.AlreadyIngested {
		res.Reused = append(res.Reused, "ingest")
	}
	fr, err := Fetch(ctx, p, po.Fetch)
	if err != nil {
		return err
	}
	res.Fetch = &fr
	name := po.Embed.Name
	if name == "" {
		name = defaultSetName(po.Embed.Model.Model)
		po.Embed.Name = name
	}
	if set, err := p.Catalog.EmbeddingSetByName(ctx, name); err == nil {
		sum, err := embed.FileSHA256(po.Embed.Model.Model)
		if err != nil {
			return fmt.Errorf("model: %w", err)
		}
		images, err := p.Catalog.CountImages(ctx)
		if err != nil {
			return err
		}
		failed := intParam(set.Params, "failed", 0)
		if set.ModelSHA256 != sum || set.Rows+failed != images {
			return fmt.Errorf("embedding set %q exists but was made with another model or from %d of the project's %d images; choose a new --name to embed again",
				name, set.Rows+failed, images)
		}
		res.Set = set
		res.Reused = append(res.Reused, "embed")
		return nil
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return err
	}
	er, err := Embed(ctx, p, po.Embed)
	if err != nil {
		return err
	}
	res.Embed, res.Set = &er, er.Set
	return nil
}

// runLayoutAndClusters maps res.Set and clusters the map, reusing finished
// runs with the same parameters.
func runLayoutAndClusters(ctx context.Context, p *Project, o RunOptions, res RunResult) (RunResult, error) {
	var err error
	o.Map.Set = res.Set.Name
	if r, ok := findDone(ctx, p, catalog.KindMap, res.Set.ID, 0, mapParams(res.Set, o.Map.UMAP)); ok {
		res.Map = r
		res.Reused = append(res.Reused, "map")
	} else if res.Map, err = Map(ctx, p, o.Map); err != nil {
		return res, err
	}
	layout := fmt.Sprintf("layout:%d", res.Map.ID)
	h := o.Cluster.HDBSCAN
	if h.MinClusterSize == 0 {
		o.Sweep.Set, o.Sweep.On = res.Set.Name, layout
		if o.Sweep.Metric == "" {
			o.Sweep.Metric = o.Cluster.Metric
		}
		if o.Sweep.HDBSCAN.MinClusterSize == 0 {
			mcs := o.Sweep.HDBSCAN
			mcs.MinSamples = h.MinSamples
			o.Sweep.HDBSCAN = mcs
		}
		o.Sweep.Reuse = true
		sw, err := Sweep(ctx, p, o.Sweep)
		if err != nil {
			return res, err
		}
		res.Sweep = &sw
		if sw.Recommended < 0 {
			return res, fmt.Errorf("the sweep found no setting with 2 or more clusters; run `motif cluster` with a smaller --min-cluster-size")
		}
		h.MinClusterSize = sw.Rows[sw.Recommended].MinClusterSize
		h.MinSamples = sw.Rows[sw.Recommended].MinSamples
	}
	o.Cluster.Set, o.Cluster.On, o.Cluster.HDBSCAN, o.Cluster.Reuse = res.Set.Name, layout, h, true
	cl, result, err := Cluster(ctx, p, o.Cluster)
	if err != nil {
		return res, err
	}
	if result == nil {
		res.Reused = append(res.Reused, "cluster")
	}
	res.Cluster = cl
	return res, nil
}

func isSetExists(err error) bool {
	var e *setExistsError
	return errors.As(err, &e)
}

// setExistsError is returned by Import and Embed when the set name is taken.
type setExistsError struct{ name, dir string }

func (e *setExistsError) Error() string {
	return fmt.Sprintf("embedding set %q already exists in %s; choose another with --name", e.name, e.dir)
}
