package catalog

import (
	"context"
	"database/sql"
)

// Images lists every image of the catalog, by key: what `motif embed` embeds.
func (c *Catalog) Images(ctx context.Context) ([]Image, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT key, path, thumb, format, width, height, bytes, phash FROM images ORDER BY key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Image
	for rows.Next() {
		var im Image
		var ph sql.NullInt64
		if err := rows.Scan(&im.Key, &im.Path, &im.Thumb, &im.Format, &im.Width, &im.Height, &im.Bytes, &ph); err != nil {
			return nil, err
		}
		if ph.Valid {
			v := uint64(ph.Int64)
			im.PHash = &v
		}
		out = append(out, im)
	}
	return out, rows.Err()
}
