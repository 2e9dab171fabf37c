// Package pipeline wires motif's stages to the project directory: it opens
// the catalog, reads and writes the Parquet artifacts, and runs each stage
// (import, map, cluster, sweep, export, …) so that any stage can be rerun
// alone and an interrupted stage leaves nothing half-made behind.
//
// Stage functions are synchronous, take a context first, report progress
// through a Progress callback and return errors; they never log.
package pipeline
