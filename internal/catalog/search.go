package catalog

import (
	"context"
	"database/sql"
	"strings"
)

// ImagePost is a post that showed an image, as the explorer lists it.
type ImagePost struct {
	SourceID string // the post's id in the file it came from
	Text     string
	Author   string
	PostedAt string // RFC 3339, UTC, or ""
	URL      string // the image URL the post carried
	Extra    string // the post's other columns, a JSON object
}

// PostsOfImage returns up to limit posts that carried an image (by any of
// its URLs), oldest first.
func (c *Catalog) PostsOfImage(ctx context.Context, key string, limit int) ([]ImagePost, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT p.source_id, p.text, p.author, p.posted_at, u.url, p.extra
		FROM urls u JOIN post_urls pu ON pu.url_id = u.id JOIN posts p ON p.id = pu.post_id
		WHERE u.image_key = ? ORDER BY p.posted_at, p.id LIMIT ?`, key, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImagePost
	for rows.Next() {
		var ip ImagePost
		var at sql.NullString
		if err := rows.Scan(&ip.SourceID, &ip.Text, &ip.Author, &at, &ip.URL, &ip.Extra); err != nil {
			return nil, err
		}
		ip.PostedAt = at.String
		out = append(out, ip)
	}
	return out, rows.Err()
}

// likePattern escapes q for a LIKE … ESCAPE '\' substring match.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// ImagesWithPostText returns the keys of images carried by a post whose
// text or author contains q (case-insensitively for ASCII letters), at
// most limit of them.
func (c *Catalog) ImagesWithPostText(ctx context.Context, q string, limit int) ([]string, error) {
	pat := likePattern(q)
	rows, err := c.r.QueryContext(ctx, `SELECT DISTINCT u.image_key
		FROM posts p JOIN post_urls pu ON pu.post_id = p.id JOIN urls u ON u.id = pu.url_id
		WHERE u.image_key IS NOT NULL AND (p.text LIKE ? ESCAPE '\' OR p.author LIKE ? ESCAPE '\')
		LIMIT ?`, pat, pat, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// FirstPostTimes returns, for every image carried by a post with a time,
// the time of its earliest post (RFC 3339, UTC).
func (c *Catalog) FirstPostTimes(ctx context.Context) (map[string]string, error) {
	rows, err := c.r.QueryContext(ctx, `SELECT u.image_key, MIN(p.posted_at)
		FROM urls u JOIN post_urls pu ON pu.url_id = u.id JOIN posts p ON p.id = pu.post_id
		WHERE u.image_key IS NOT NULL AND p.posted_at IS NOT NULL
		GROUP BY u.image_key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, t string
		if err := rows.Scan(&k, &t); err != nil {
			return nil, err
		}
		out[k] = t
	}
	return out, rows.Err()
}
