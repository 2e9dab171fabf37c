package catalog

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order; migrations[i] brings the schema from
// version i to version i+1. Never edit a migration that has shipped: append a
// new one.
var migrations = []string{
	// 1: the initial schema.
	`
CREATE TABLE posts (
	id          INTEGER PRIMARY KEY,
	source_id   TEXT NOT NULL UNIQUE,   -- the post's id in the file it came from
	text        TEXT NOT NULL DEFAULT '',
	author      TEXT NOT NULL DEFAULT '',
	posted_at   TEXT,                   -- RFC 3339, UTC, or NULL
	extra       TEXT NOT NULL DEFAULT '{}', -- other columns, JSON object
	source_file TEXT NOT NULL DEFAULT '',
	source_row  INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL
);

CREATE TABLE images (
	key        TEXT PRIMARY KEY,         -- sha256 of the original bytes, hex
	path       TEXT NOT NULL DEFAULT '', -- original, relative to the project or absolute for --images imports
	thumb      TEXT NOT NULL DEFAULT '', -- thumbnail, relative to the project
	format     TEXT NOT NULL DEFAULT '',
	width      INTEGER NOT NULL DEFAULT 0,
	height     INTEGER NOT NULL DEFAULT 0,
	bytes      INTEGER NOT NULL DEFAULT 0,
	phash      INTEGER,                  -- 64-bit perceptual hash, as a signed integer
	created_at TEXT NOT NULL
);

CREATE TABLE urls (
	id          INTEGER PRIMARY KEY,
	url         TEXT NOT NULL UNIQUE,
	status      TEXT NOT NULL DEFAULT 'pending', -- pending, ok, or a failure reason
	http_status INTEGER NOT NULL DEFAULT 0,
	bytes       INTEGER NOT NULL DEFAULT 0,
	duration_ms INTEGER NOT NULL DEFAULT 0,
	attempts    INTEGER NOT NULL DEFAULT 0,
	retryable   INTEGER NOT NULL DEFAULT 0,
	image_key   TEXT REFERENCES images(key),
	error       TEXT NOT NULL DEFAULT '',
	fetched_at  TEXT
);
CREATE INDEX urls_status ON urls(status);
CREATE INDEX urls_image ON urls(image_key);

CREATE TABLE post_urls (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	url_id  INTEGER NOT NULL REFERENCES urls(id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, url_id)
) WITHOUT ROWID;
CREATE INDEX post_urls_url ON post_urls(url_id);

CREATE TABLE fetch_log (
	id          INTEGER PRIMARY KEY,
	url_id      INTEGER NOT NULL REFERENCES urls(id) ON DELETE CASCADE,
	status      TEXT NOT NULL,
	http_status INTEGER NOT NULL DEFAULT 0,
	bytes       INTEGER NOT NULL DEFAULT 0,
	duration_ms INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL
);
CREATE INDEX fetch_log_url ON fetch_log(url_id);

CREATE TABLE source_files (
	id       INTEGER PRIMARY KEY,
	path     TEXT NOT NULL,
	sha256   TEXT NOT NULL UNIQUE,
	kind     TEXT NOT NULL,              -- posts or embeddings
	rows     INTEGER NOT NULL DEFAULT 0,
	rejected INTEGER NOT NULL DEFAULT 0,
	at       TEXT NOT NULL
);

CREATE TABLE rejected_rows (
	file_id INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
	row     INTEGER NOT NULL,
	reason  TEXT NOT NULL,
	PRIMARY KEY (file_id, row)
) WITHOUT ROWID;

CREATE TABLE embedding_sets (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL UNIQUE,
	path         TEXT NOT NULL,           -- relative to the project: embeddings/<name>.parquet
	rows         INTEGER NOT NULL,
	dims         INTEGER NOT NULL,
	source       TEXT NOT NULL,           -- import or embed
	source_path  TEXT NOT NULL DEFAULT '',
	model        TEXT NOT NULL DEFAULT '',
	model_sha256 TEXT NOT NULL DEFAULT '',
	params       TEXT NOT NULL DEFAULT '{}', -- preprocessing, pooling, columns: JSON
	created_at   TEXT NOT NULL
);

CREATE TABLE runs (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL,          -- map, cluster or sweep
	embedding_set INTEGER REFERENCES embedding_sets(id),
	parent        INTEGER REFERENCES runs(id), -- the layout a cluster or sweep run used
	status        TEXT NOT NULL,          -- running, done, failed or cancelled
	params        TEXT NOT NULL DEFAULT '{}',
	metrics       TEXT NOT NULL DEFAULT '{}',
	dir           TEXT NOT NULL DEFAULT '', -- relative to the project: runs/<id>
	error         TEXT NOT NULL DEFAULT '',
	started_at    TEXT NOT NULL,
	finished_at   TEXT
);
CREATE INDEX runs_kind ON runs(kind, status);

CREATE TABLE clusters (
	run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
	label       INTEGER NOT NULL,
	size        INTEGER NOT NULL,
	persistence REAL NOT NULL DEFAULT 0,
	exemplars   TEXT NOT NULL DEFAULT '[]', -- row indices of the most central members, JSON
	name        TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (run_id, label)
) WITHOUT ROWID;
`,
}

// SchemaVersion is the catalog schema this build of motif writes.
var SchemaVersion = len(migrations)

// ErrNewerSchema is returned by Open for a catalog written by a newer motif.
var ErrNewerSchema = fmt.Errorf("catalog schema is newer than this motif")

func migrate(ctx context.Context, db *sql.DB, path string) error {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("%s has schema version %d but this motif knows versions up to %d; upgrade motif to open it: %w",
			path, v, len(migrations), ErrNewerSchema)
	}
	for i := v; i < len(migrations); i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate catalog to version %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate catalog to version %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate catalog to version %d: %w", i+1, err)
		}
	}
	return nil
}
