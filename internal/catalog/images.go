package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Image is one distinct picture, keyed by the sha256 of its bytes.
type Image struct {
	Key           string
	Path, Thumb   string
	Format        string
	Width, Height int
	Bytes         int64
	PHash         *uint64
}

// PutImage records an image; recording the same key again updates its files
// and properties.
func (c *Catalog) PutImage(ctx context.Context, im Image) error {
	var ph any
	if im.PHash != nil {
		ph = int64(*im.PHash)
	}
	_, err := c.w.ExecContext(ctx, `INSERT INTO images (key, path, thumb, format, width, height, bytes, phash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET path = excluded.path, thumb = excluded.thumb, format = excluded.format,
			width = excluded.width, height = excluded.height, bytes = excluded.bytes, phash = excluded.phash`,
		im.Key, im.Path, im.Thumb, im.Format, im.Width, im.Height, im.Bytes, ph, now())
	if err != nil {
		return fmt.Errorf("record image %s: %w", im.Key, err)
	}
	return nil
}

// ImageByKey returns one image, or ErrNotFound.
func (c *Catalog) ImageByKey(ctx context.Context, key string) (Image, error) {
	var im Image
	var ph sql.NullInt64
	err := c.r.QueryRowContext(ctx, `SELECT key, path, thumb, format, width, height, bytes, phash FROM images WHERE key = ?`, key).
		Scan(&im.Key, &im.Path, &im.Thumb, &im.Format, &im.Width, &im.Height, &im.Bytes, &ph)
	if errors.Is(err, sql.ErrNoRows) {
		return im, fmt.Errorf("image %s: %w", key, ErrNotFound)
	}
	if ph.Valid {
		v := uint64(ph.Int64)
		im.PHash = &v
	}
	return im, err
}

// CountImages returns the number of distinct images in the catalog.
func (c *Catalog) CountImages(ctx context.Context) (int, error) {
	var n int
	err := c.r.QueryRowContext(ctx, `SELECT count(*) FROM images`).Scan(&n)
	return n, err
}
