// Package catalog is motif's SQLite catalog (motif.db): posts, image URLs and
// their fetch outcomes, images keyed by sha256, embedding sets, runs with
// their parameters and metrics, and the names analysts give clusters.
//
// The catalog uses the pure-Go modernc.org/sqlite driver in WAL mode. All
// writes go through one connection, so writers never contend; reads use a
// separate read-only pool and see a consistent snapshot while a stage writes.
// The schema is versioned by PRAGMA user_version and migrated forward on
// Open; a catalog written by a newer motif is refused rather than guessed at.
//
// Large float matrices never live here: vectors, layouts and labels are
// Parquet files in the project directory, and the catalog records where.
package catalog
