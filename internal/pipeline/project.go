package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"motif/internal/catalog"
)

// CatalogFile is the catalog's file name inside a project directory.
const CatalogFile = "motif.db"

// Progress reports how far a long phase has gone; total is 0 when unknown.
// It may be nil.
type Progress func(phase string, done, total int)

func (p Progress) report(phase string, done, total int) {
	if p != nil {
		p(phase, done, total)
	}
}

// Project is an open project directory.
type Project struct {
	Dir     string
	Catalog *catalog.Catalog
}

// ErrNoProject is returned by OpenExisting when the directory holds no
// project.
var ErrNoProject = errors.New("no motif project")

// Create opens the project in dir, creating the directory and an empty
// catalog if they do not exist.
func Create(ctx context.Context, dir string) (*Project, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create project %s: %w", dir, err)
	}
	return open(ctx, dir)
}

// OpenExisting opens the project in dir, which must exist.
func OpenExisting(ctx context.Context, dir string) (*Project, error) {
	if !catalog.Exists(filepath.Join(dir, CatalogFile)) {
		return nil, fmt.Errorf("%s: %w (no %s); create one with `motif import`, `motif ingest` or `motif demo`, or point --project at one",
			dir, ErrNoProject, CatalogFile)
	}
	return open(ctx, dir)
}

func open(ctx context.Context, dir string) (*Project, error) {
	for _, sub := range []string{"embeddings", "runs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("open project %s: %w", dir, err)
		}
	}
	c, err := catalog.Open(ctx, filepath.Join(dir, CatalogFile))
	if err != nil {
		return nil, err
	}
	return &Project{Dir: dir, Catalog: c}, nil
}

// Close closes the catalog.
func (p *Project) Close() error { return p.Catalog.Close() }

// Path returns the absolute location of a project-relative path.
func (p *Project) Path(rel string) string { return filepath.Join(p.Dir, filepath.FromSlash(rel)) }

// Set returns the named embedding set, or the newest one when name is "".
func (p *Project) Set(ctx context.Context, name string) (catalog.EmbeddingSet, error) {
	if name != "" {
		return p.Catalog.EmbeddingSetByName(ctx, name)
	}
	sets, err := p.Catalog.EmbeddingSets(ctx)
	if err != nil {
		return catalog.EmbeddingSet{}, err
	}
	if len(sets) == 0 {
		return catalog.EmbeddingSet{}, fmt.Errorf("the project has no embeddings yet: run `motif import FILE` or `motif embed` first: %w", catalog.ErrNotFound)
	}
	return sets[len(sets)-1], nil
}
