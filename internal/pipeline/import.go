package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"motif/internal/catalog"
	"motif/internal/imagestore"
	"motif/internal/tabular"
)

// Reserved columns of an embedding set's Parquet file; every other column is
// metadata carried over from the imported file.
const (
	ColID        = "id"        // the row's id, unique in the set (string)
	ColImage     = "image_key" // sha256 of the row's image, when known (string, nullable)
	ColEmbedding = "embedding" // the vector (list<float32>)
)

// ImportOptions say what to import and how to read it.
type ImportOptions struct {
	Path            string // Parquet, CSV, JSONL or .npy file
	MetadataPath    string // for .npy: a CSV/Parquet/JSONL file with one row per vector; optional
	EmbeddingColumn string // default: the only list column, or one called embedding/vector/features
	IDColumn        string // default: id, then filename, url…; else the row number
	FilenameColumn  string // with ImagesDir; default: filename, file, path or image
	ImagesDir       string // resolve the filename column to image files in this directory
	Name            string // embedding set name; default: the file's base name
	Progress        Progress
}

// ImportResult says what an import made.
type ImportResult struct {
	Set           catalog.EmbeddingSet
	Images        int // rows whose image file was stored
	MissingImages int // rows whose image file was absent or not a readable image
}

var (
	setName    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	notSetName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
)

// checkNewSet refuses a set name that is malformed or already taken.
func checkNewSet(ctx context.Context, p *Project, name string) error {
	if !setName.MatchString(name) {
		return fmt.Errorf("embedding set name %q: use letters, digits, '.', '_' or '-' (at most 100), starting with a letter or digit", name)
	}
	if _, err := p.Catalog.EmbeddingSetByName(ctx, name); err == nil {
		return &setExistsError{name, p.Dir}
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return err
	}
	return nil
}

// defaultSetName derives a set name from a file name.
func defaultSetName(path string) string {
	base := filepath.Base(path)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	name = strings.Trim(notSetName.ReplaceAllString(name, "-"), "-.")
	if len(name) > 100 {
		name = name[:100]
	}
	if name == "" {
		name = "embeddings"
	}
	return name
}

// Import reads embeddings and their metadata into a new embedding set. Bad
// input is reported with the file, row and column, and leaves the project
// as it was.
func Import(ctx context.Context, p *Project, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	name := opts.Name
	if name == "" {
		name = defaultSetName(opts.Path)
	}
	if err := checkNewSet(ctx, p, name); err != nil {
		return res, err
	}

	opts.Progress.report("read", 0, 0)
	t, vecCol, err := readEmbeddings(opts)
	if err != nil {
		return res, err
	}
	if t.Rows == 0 {
		return res, fmt.Errorf("%s: %w", opts.Path, tabular.ErrNoRows)
	}
	if err := checkFinite(opts.Path, vecCol); err != nil {
		return res, err
	}
	ids, idName, err := importIDs(opts.Path, t, opts.IDColumn, vecCol)
	if err != nil {
		return res, err
	}

	var files []string
	if opts.ImagesDir != "" {
		files, err = resolveImages(opts.Path, opts.ImagesDir, t, opts.FilenameColumn)
		if err != nil {
			return res, err
		}
	}

	// Everything is checked: from here on the project changes.
	keys := make([]string, t.Rows)
	valid := make([]bool, t.Rows)
	var stored []imagestore.Image
	var st *imagestore.Store
	if files != nil {
		st, stored, err = storeImages(ctx, p, files, keys, valid, opts.Progress)
		if err != nil {
			return res, err
		}
		res.Images = len(stored)
		res.MissingImages = t.Rows - countTrue(valid)
	}

	out := &tabular.Table{Rows: t.Rows}
	out.Columns = append(out.Columns,
		&tabular.Column{Name: ColID, Type: tabular.String, Strings: ids},
		&tabular.Column{Name: ColImage, Type: tabular.String, Strings: keys, Valid: valid},
		&tabular.Column{Name: ColEmbedding, Type: tabular.Vector, Vectors: vecCol.Vectors, Dim: vecCol.Dim},
	)
	for _, c := range t.Columns {
		if c == vecCol || (c.Name == ColID && idName == ColID) {
			continue
		}
		cc := *c
		if cc.Name == ColID || cc.Name == ColImage || cc.Name == ColEmbedding {
			cc.Name = "source_" + cc.Name
		}
		out.Columns = append(out.Columns, &cc)
	}
	rel := "embeddings/" + name + ".parquet"
	opts.Progress.report("write", 0, 0)
	if err := tabular.WriteParquet(p.Path(rel), out); err != nil {
		return res, err
	}
	for _, im := range stored {
		if err := p.Catalog.PutImage(ctx, storedImage(p, st, im)); err != nil {
			os.Remove(p.Path(rel))
			return res, err
		}
	}
	absSrc, _ := filepath.Abs(opts.Path)
	set := catalog.EmbeddingSet{
		Name: name, Path: rel, Rows: t.Rows, Dims: vecCol.Dim, Source: "import", SourcePath: absSrc,
		Params: map[string]any{"embedding_column": vecCol.Name, "id_column": idName},
	}
	if opts.ImagesDir != "" {
		set.Params["images_dir"] = opts.ImagesDir
	}
	if set.ID, err = p.Catalog.AddEmbeddingSet(ctx, set); err != nil {
		os.Remove(p.Path(rel))
		return res, err
	}
	res.Set = set
	return res, nil
}

func countTrue(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

// readEmbeddings reads the input (and, for .npy, its metadata) and picks the
// vector column.
func readEmbeddings(opts ImportOptions) (*tabular.Table, *tabular.Column, error) {
	if strings.EqualFold(filepath.Ext(opts.Path), ".npy") {
		data, rows, cols, err := tabular.ReadNPY(opts.Path)
		if err != nil {
			return nil, nil, err
		}
		t := &tabular.Table{Rows: rows}
		if opts.MetadataPath != "" {
			meta, err := tabular.Read(opts.MetadataPath)
			if err != nil {
				return nil, nil, err
			}
			if meta.Rows != rows {
				return nil, nil, fmt.Errorf("%s has %d rows but %s has %d vectors; the metadata needs one row per vector, in the same order",
					opts.MetadataPath, meta.Rows, opts.Path, rows)
			}
			t.Columns = meta.Columns
		}
		name := ColEmbedding
		if t.Column(name) != nil {
			name = "npy_" + name
		}
		vc := &tabular.Column{Name: name, Type: tabular.Vector, Vectors: data, Dim: cols}
		t.Columns = append([]*tabular.Column{vc}, t.Columns...)
		return t, vc, nil
	}
	if opts.MetadataPath != "" {
		return nil, nil, fmt.Errorf("--metadata is only for .npy inputs; %s carries its own columns", opts.Path)
	}
	t, err := tabular.Read(opts.Path)
	if err != nil {
		return nil, nil, err
	}
	vc, err := pickVectorColumn(opts.Path, t, opts.EmbeddingColumn)
	return t, vc, err
}

func pickVectorColumn(path string, t *tabular.Table, name string) (*tabular.Column, error) {
	if name != "" {
		c := t.Column(name)
		if c == nil {
			return nil, fmt.Errorf("%s: embedding column %q not found; columns are: %s", path, name, strings.Join(t.Names(), ", "))
		}
		if c.Type != tabular.Vector {
			return nil, fmt.Errorf("%s: column %q holds %s values, not lists of numbers; choose the embedding column with --embedding-column (columns are: %s)",
				path, name, c.Type, describeColumns(t))
		}
		return c, nil
	}
	var vecs []*tabular.Column
	for _, c := range t.Columns {
		if c.Type == tabular.Vector {
			vecs = append(vecs, c)
		}
	}
	for _, pref := range []string{"embedding", "embeddings", "vector", "vectors", "features", "emb"} {
		for _, c := range vecs {
			if strings.EqualFold(c.Name, pref) {
				return c, nil
			}
		}
	}
	switch len(vecs) {
	case 1:
		return vecs[0], nil
	case 0:
		if c := t.Column("embedding"); c != nil {
			return nil, fmt.Errorf("%s: column \"embedding\" holds %s values, not lists of numbers (columns are: %s)", path, c.Type, describeColumns(t))
		}
		return nil, fmt.Errorf("%s: no column holds lists of numbers (columns are: %s); motif needs one vector per row", path, describeColumns(t))
	}
	names := make([]string, len(vecs))
	for i, c := range vecs {
		names[i] = c.Name
	}
	return nil, fmt.Errorf("%s: several columns hold vectors (%s); choose one with --embedding-column", path, strings.Join(names, ", "))
}

func describeColumns(t *tabular.Table) string {
	parts := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		parts[i] = fmt.Sprintf("%s (%s)", c.Name, c.Type)
	}
	return strings.Join(parts, ", ")
}

func checkFinite(path string, c *tabular.Column) error {
	for i, v := range c.Vectors {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return &tabular.RowError{Path: path, Column: c.Name, Row: i / c.Dim,
				Err: fmt.Errorf("value %d is %v: %w", i%c.Dim, v, tabular.ErrNonFinite)}
		}
	}
	return nil
}

// importIDs returns each row's id as a string and the column they came from
// ("" for row numbers).
func importIDs(path string, t *tabular.Table, name string, vec *tabular.Column) ([]string, string, error) {
	candidates := []string{name}
	if name == "" {
		candidates = []string{"id", "image_id", "post_id", "filename", "file", "path", "url", "key", "uid"}
	} else if t.Column(name) == nil {
		return nil, "", fmt.Errorf("%s: id column %q not found; columns are: %s — use --id-column", path, name, strings.Join(t.Names(), ", "))
	}
	for _, cand := range candidates {
		c := t.Column(cand)
		if c == nil || c == vec {
			continue
		}
		ids, err := columnStrings(path, c)
		if err == nil {
			err = checkUnique(path, c.Name, ids)
		}
		if err != nil {
			if name != "" {
				return nil, "", err
			}
			continue // a guess that does not fit is not an error
		}
		return ids, c.Name, nil
	}
	ids := make([]string, t.Rows)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	return ids, "", nil
}

func columnStrings(path string, c *tabular.Column) ([]string, error) {
	n := c.Len()
	out := make([]string, n)
	for i := range n {
		if c.IsNull(i) {
			return nil, &tabular.RowError{Path: path, Column: c.Name, Row: i, Err: errors.New("id is null")}
		}
		switch c.Type {
		case tabular.String:
			out[i] = c.Strings[i]
		case tabular.Int64:
			out[i] = strconv.FormatInt(c.Ints[i], 10)
		default:
			return nil, fmt.Errorf("%s: column %q holds %s values; an id column must hold strings or integers", path, c.Name, c.Type)
		}
	}
	return out, nil
}

func checkUnique(path, col string, ids []string) error {
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		if j, ok := seen[id]; ok {
			return &tabular.RowError{Path: path, Column: col, Row: i,
				Err: fmt.Errorf("duplicate id %q (first at row %d); ids must be unique — choose another with --id-column", id, j)}
		}
		seen[id] = i
	}
	return nil
}

// resolveImages maps each row's file name to a path inside dir, refusing
// names that escape it: absolute paths, "..", and symbolic links that lead
// out. A row whose file does not exist gets "".
func resolveImages(path, dir string, t *tabular.Table, name string) ([]string, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("--images %s: %w", dir, err)
	}
	if root, err = filepath.Abs(root); err != nil {
		return nil, err
	}
	var c *tabular.Column
	if name != "" {
		if c = t.Column(name); c == nil {
			return nil, fmt.Errorf("%s: file name column %q not found; columns are: %s", path, name, strings.Join(t.Names(), ", "))
		}
	} else {
		for _, cand := range []string{"filename", "file", "file_name", "path", "image", "image_path"} {
			if cc := t.Column(cand); cc != nil && cc.Type == tabular.String {
				c = cc
				break
			}
		}
		if c == nil {
			return nil, fmt.Errorf("%s: --images needs a column of file names (filename, file, path or image); columns are: %s — use --filename-column",
				path, strings.Join(t.Names(), ", "))
		}
	}
	if c.Type != tabular.String {
		return nil, fmt.Errorf("%s: file name column %q holds %s values, not strings", path, c.Name, c.Type)
	}
	out := make([]string, t.Rows)
	for i, f := range c.Strings {
		if c.IsNull(i) || f == "" {
			continue
		}
		bad := func(why string) error {
			return &tabular.RowError{Path: path, Column: c.Name, Row: i, Err: fmt.Errorf("file name %q %s; refused", f, why)}
		}
		slash := filepath.ToSlash(f)
		if filepath.IsAbs(f) || strings.HasPrefix(slash, "/") || filepath.VolumeName(f) != "" {
			return nil, bad("is absolute: file names must be relative to --images")
		}
		if slices.Contains(strings.Split(slash, "/"), "..") {
			return nil, bad("climbs out of --images with \"..\"")
		}
		full := filepath.Join(root, filepath.FromSlash(slash))
		real, err := filepath.EvalSymlinks(full)
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, bad(fmt.Sprintf("cannot be resolved (%v)", err))
		}
		if rel, err := filepath.Rel(root, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, bad("is a symbolic link that leads out of --images")
		}
		out[i] = real
	}
	return out, nil
}

// storeImages copies each file into the image store (with its thumbnail) and
// fills keys and valid; files that are missing or not images are skipped. It
// returns the store and the distinct images it holds now.
func storeImages(ctx context.Context, p *Project, files, keys []string, valid []bool, progress Progress) (*imagestore.Store, []imagestore.Image, error) {
	st, err := imagestore.Open(p.Dir, imagestore.Options{})
	if err != nil {
		return nil, nil, err
	}
	out := make([]imagestore.Image, len(files))
	ok := make([]bool, len(files))
	var done atomic.Int64
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range files {
		if f == "" {
			continue
		}
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			defer func() { progress.report("images", int(done.Add(1)), len(files)) }()
			data, err := os.ReadFile(f)
			if err != nil {
				return nil
			}
			im, err := st.Put(data)
			if err != nil {
				return nil
			}
			out[i], ok[i] = im, true
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	var stored []imagestore.Image
	seen := map[string]bool{}
	for i := range files {
		if !ok[i] {
			continue
		}
		keys[i], valid[i] = out[i].Key, true
		if !seen[out[i].Key] {
			seen[out[i].Key] = true
			stored = append(stored, out[i])
		}
	}
	return st, stored, nil
}
