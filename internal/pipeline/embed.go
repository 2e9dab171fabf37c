package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"motif/internal/catalog"
	"motif/internal/embed"
	"motif/internal/tabular"
)

// EmbedOptions configure Embed. The zero value of each field means its default.
type EmbedOptions struct {
	// Model is the model and how to run it (file, ONNX Runtime library, threads,
	// device, pooling). Model.Model is required.
	Model embed.Options
	// Batch is the number of pictures per model run. Default 32.
	Batch int
	// Workers is the number of decoding goroutines. Default: all cores.
	Workers int
	// ImagesDir, when set, is a plain folder of pictures (searched recursively) to store
	// in the project and embed, instead of the project's fetched images.
	ImagesDir string
	// Name is the embedding set's name. Default: the model file's base name.
	Name string
	// Checkpoint is the number of vectors written to disk at a time, so that an
	// interrupted run keeps them. Default 1024.
	Checkpoint int
	Progress   Progress
}

// EmbedFailure is a picture that could not be embedded.
type EmbedFailure struct {
	Key, Path, Error string
}

// EmbedResult says what Embed made.
type EmbedResult struct {
	Set      catalog.EmbeddingSet
	Embedded int // vectors computed by this call
	Resumed  int // vectors kept from an interrupted earlier call
	Failed   []EmbedFailure
}

// embedMeta identifies what an interrupted run was computing, so that resuming with
// another model or pooling is refused rather than mixed.
type embedMeta struct {
	ModelSHA256   string              `json:"model_sha256"`
	Pooling       string              `json:"pooling"`
	Preprocessing embed.Preprocessing `json:"preprocessing"`
	Dims          int                 `json:"dims"`
	ImagesDir     string              `json:"images_dir,omitempty"`
}

// Embed computes an embedding set with an image model: every image of the project (or
// of opts.ImagesDir) is decoded, preprocessed and embedded, and the L2-normalised vectors
// are written to embeddings/<name>.parquet (columns id and image_key — the image's
// sha256 — and embedding) and recorded with the model's sha256, preprocessing and pooling.
//
// It is resumable: vectors are checkpointed under embeddings/<name>.partial/ as they are
// computed, and a later call with the same name and model embeds only what is missing.
// Pictures that cannot be decoded are listed in the result and in
// embeddings/<name>.failed.csv, and do not stop the run.
func Embed(ctx context.Context, p *Project, opts EmbedOptions) (EmbedResult, error) {
	var res EmbedResult
	if opts.Model.Model == "" {
		return res, errors.New("no model given: use --model FILE.onnx (a DINOv2 export, see the README)")
	}
	name := opts.Name
	if name == "" {
		name = defaultSetName(opts.Model.Model)
	}
	if err := checkNewSet(ctx, p, name); err != nil {
		return res, err
	}
	sum, err := embed.FileSHA256(opts.Model.Model)
	if err != nil {
		return res, fmt.Errorf("model: %w", err)
	}
	e, err := embed.Open(opts.Model)
	if err != nil {
		return res, err
	}
	defer e.Close()

	// What to embed.
	var items []embed.Item
	var filenames map[string]string // key → file name inside ImagesDir
	var failed []EmbedFailure
	if opts.ImagesDir != "" {
		items, filenames, failed, err = storeFolder(ctx, p, opts.ImagesDir, opts.Progress)
	} else {
		items, failed, err = projectImages(ctx, p)
	}
	if err != nil {
		return res, err
	}

	// Resume what an interrupted run left.
	meta := embedMeta{ModelSHA256: sum, Pooling: opts.Model.Pooling.String(), Preprocessing: e.Preprocessing(), Dims: e.Dim(), ImagesDir: opts.ImagesDir}
	partial := p.Path("embeddings/" + name + ".partial")
	cp, err := openCheckpoint(partial, meta)
	if err != nil {
		return res, err
	}
	res.Resumed = len(cp.keys)
	var todo []embed.Item
	pathOf := map[string]string{}
	for _, it := range items {
		if !cp.done[it.Key] {
			todo = append(todo, it)
			pathOf[it.Key] = it.Path
		}
	}

	ch := make(chan embed.Item)
	feedCtx, stopFeed := context.WithCancel(ctx)
	defer stopFeed() // Run may stop early; the feeder must not wait forever
	go func() {
		defer close(ch)
		for _, it := range todo {
			select {
			case ch <- it:
			case <-feedCtx.Done():
				return
			}
		}
	}()
	every := opts.Checkpoint
	if every <= 0 {
		every = 1024
	}
	total := len(items)
	runErr := embed.Run(ctx, e, ch, embed.RunOptions{
		Batch: opts.Batch, Workers: opts.Workers, Total: total,
		Progress: func(phase string, done, _ int) { opts.Progress.report(phase, res.Resumed+done, total) },
	}, func(key string, vec []float32) error {
		cp.add(key, vec)
		res.Embedded++
		if cp.pending() >= every {
			return cp.flush()
		}
		return nil
	}, func(key string, err error) {
		failed = append(failed, EmbedFailure{Key: key, Path: pathOf[key], Error: err.Error()})
	})
	// Keep whatever was computed, even when interrupted.
	if err := cp.flush(); err != nil {
		return res, errors.Join(runErr, err)
	}
	res.Failed = failed
	if runErr != nil {
		return res, runErr
	}
	if len(cp.keys) == 0 {
		return res, fmt.Errorf("no picture could be embedded (%d failed); see the errors above", len(failed))
	}

	// Assemble the set, sorted by image key.
	order := make([]int, len(cp.keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return cp.keys[order[a]] < cp.keys[order[b]] })
	d := e.Dim()
	keys := make([]string, len(order))
	vecs := make([]float32, 0, len(order)*d)
	for i, j := range order {
		keys[i] = cp.keys[j]
		vecs = append(vecs, cp.vecs[j*d:(j+1)*d]...)
	}
	t := &tabular.Table{Rows: len(keys)}
	t.Columns = append(t.Columns,
		&tabular.Column{Name: ColID, Type: tabular.String, Strings: keys},
		&tabular.Column{Name: ColImage, Type: tabular.String, Strings: keys},
		&tabular.Column{Name: ColEmbedding, Type: tabular.Vector, Vectors: vecs, Dim: d},
	)
	if filenames != nil {
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = filenames[k]
		}
		t.Columns = append(t.Columns, &tabular.Column{Name: "filename", Type: tabular.String, Strings: names})
	}
	rel := "embeddings/" + name + ".parquet"
	opts.Progress.report("write", 0, 0)
	if err := tabular.WriteParquet(p.Path(rel), t); err != nil {
		return res, err
	}
	failedRel := "embeddings/" + name + ".failed.csv"
	os.Remove(p.Path(failedRel))
	if len(failed) > 0 {
		if err := writeFailures(p.Path(failedRel), failed); err != nil {
			return res, err
		}
	}
	model, _ := filepath.Abs(opts.Model.Model)
	pre := e.Preprocessing()
	var preMap map[string]any
	if b, err := json.Marshal(pre); err == nil {
		_ = json.Unmarshal(b, &preMap)
	}
	set := catalog.EmbeddingSet{
		Name: name, Path: rel, Rows: len(keys), Dims: d, Source: "embed", SourcePath: opts.ImagesDir,
		Model: model, ModelSHA256: sum,
		Params: map[string]any{
			"preprocessing":        pre.String(),
			"preprocessing_config": preMap,
			"pooling":              opts.Model.Pooling.String(),
			"device":               deviceName(opts.Model.Device),
			"normalised":           "l2",
			"failed":               len(failed),
		},
	}
	if opts.ImagesDir != "" {
		set.Params["images_dir"] = opts.ImagesDir
	}
	if len(failed) > 0 {
		set.Params["failed_list"] = failedRel
	}
	if set.ID, err = p.Catalog.AddEmbeddingSet(ctx, set); err != nil {
		os.Remove(p.Path(rel))
		return res, err
	}
	os.RemoveAll(partial)
	res.Set = set
	return res, nil
}

func deviceName(d string) string {
	if d == "" {
		return "cpu"
	}
	return strings.ToLower(d)
}

// projectImages lists the project's stored images; an image recorded without a file is
// returned as a failure.
func projectImages(ctx context.Context, p *Project) ([]embed.Item, []EmbedFailure, error) {
	ims, err := p.Catalog.Images(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(ims) == 0 {
		return nil, nil, errors.New("the project has no images yet: fetch them first (`motif fetch`), or embed a folder with --images DIR")
	}
	items := make([]embed.Item, 0, len(ims))
	var failed []EmbedFailure
	for _, im := range ims {
		if im.Path == "" {
			failed = append(failed, EmbedFailure{Key: im.Key, Error: "the catalog records no file for this image"})
			continue
		}
		path := im.Path
		if !filepath.IsAbs(path) {
			path = p.Path(path)
		}
		items = append(items, embed.Item{Key: im.Key, Path: path})
	}
	return items, failed, nil
}

// storeFolder stores every picture under dir in the project (with thumbnails) and
// returns them as items, with each key's file name relative to dir; files that are not
// pictures are returned as failures.
func storeFolder(ctx context.Context, p *Project, dir string, progress Progress) ([]embed.Item, map[string]string, []EmbedFailure, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	var files, names []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && path != root {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, path)
			files = append(files, path)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--images %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, nil, nil, fmt.Errorf("--images %s: no files", dir)
	}
	keys := make([]string, len(files))
	valid := make([]bool, len(files))
	store, stored, err := storeImages(ctx, p, files, keys, valid, progress)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, im := range stored {
		if err := p.Catalog.PutImage(ctx, storedImage(p, store, im)); err != nil {
			return nil, nil, nil, err
		}
	}
	st := map[string]string{}
	for _, im := range stored {
		st[im.Key] = store.OriginalPath(im.Key, im.Format)
	}
	var items []embed.Item
	var failed []EmbedFailure
	filenames := map[string]string{}
	for i, f := range files {
		if !valid[i] {
			failed = append(failed, EmbedFailure{Path: f, Error: "not a readable picture (JPEG, PNG, GIF or WebP)"})
			continue
		}
		if _, seen := filenames[keys[i]]; seen {
			continue
		}
		filenames[keys[i]] = names[i]
		items = append(items, embed.Item{Key: keys[i], Path: st[keys[i]]})
	}
	return items, filenames, failed, nil
}

// checkpoint holds the vectors of one embedding run and writes them to disk in chunks.
type checkpoint struct {
	dir     string
	dims    int
	keys    []string
	vecs    []float32
	done    map[string]bool
	written int // keys[:written] are on disk
	chunks  int
}

func openCheckpoint(dir string, meta embedMeta) (*checkpoint, error) {
	cp := &checkpoint{dir: dir, dims: meta.Dims, done: map[string]bool{}}
	want, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	metaPath := filepath.Join(dir, "meta.json")
	if have, err := os.ReadFile(metaPath); err == nil {
		if string(have) != string(want) {
			return nil, fmt.Errorf("%s holds an interrupted run with another model, pooling or preprocessing; delete that directory to start again, or use another --name", dir)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, ent := range ents {
			if !strings.HasPrefix(ent.Name(), "chunk-") || !strings.HasSuffix(ent.Name(), ".parquet") {
				continue
			}
			t, err := tabular.Read(filepath.Join(dir, ent.Name()))
			if err != nil {
				return nil, fmt.Errorf("resume: %w (delete %s to start again)", err, dir)
			}
			ids, vec := t.Column(ColID), t.Column(ColEmbedding)
			if ids == nil || vec == nil || vec.Dim != meta.Dims {
				return nil, fmt.Errorf("resume: %s is not a checkpoint of this run; delete %s to start again", ent.Name(), dir)
			}
			for i, k := range ids.Strings {
				if !cp.done[k] {
					cp.done[k] = true
					cp.keys = append(cp.keys, k)
					cp.vecs = append(cp.vecs, vec.Vectors[i*meta.Dims:(i+1)*meta.Dims]...)
				}
			}
			cp.chunks++
		}
		cp.written = len(cp.keys)
		return cp, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := tabular.WriteFileAtomic(metaPath, func(w io.Writer) error { _, err := w.Write(want); return err }); err != nil {
		return nil, err
	}
	return cp, nil
}

func (cp *checkpoint) add(key string, vec []float32) {
	if cp.done[key] {
		return
	}
	cp.done[key] = true
	cp.keys = append(cp.keys, key)
	cp.vecs = append(cp.vecs, vec...)
}

func (cp *checkpoint) pending() int { return len(cp.keys) - cp.written }

// flush writes the vectors not yet on disk as one more chunk.
func (cp *checkpoint) flush() error {
	if cp.pending() == 0 {
		return nil
	}
	keys := slices.Clone(cp.keys[cp.written:])
	t := &tabular.Table{Rows: len(keys), Columns: []*tabular.Column{
		{Name: ColID, Type: tabular.String, Strings: keys},
		{Name: ColEmbedding, Type: tabular.Vector, Vectors: cp.vecs[cp.written*cp.dims:], Dim: cp.dims},
	}}
	cp.chunks++
	if err := tabular.WriteParquet(filepath.Join(cp.dir, fmt.Sprintf("chunk-%06d.parquet", cp.chunks)), t); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	cp.written = len(cp.keys)
	return nil
}

func writeFailures(path string, failed []EmbedFailure) error {
	t := &tabular.Table{Rows: len(failed)}
	keys, paths, errs := make([]string, len(failed)), make([]string, len(failed)), make([]string, len(failed))
	for i, f := range failed {
		keys[i], paths[i], errs[i] = f.Key, f.Path, f.Error
	}
	t.Columns = []*tabular.Column{
		{Name: "image_key", Type: tabular.String, Strings: keys},
		{Name: "path", Type: tabular.String, Strings: paths},
		{Name: "error", Type: tabular.String, Strings: errs},
	}
	return tabular.WriteCSV(path, t)
}
