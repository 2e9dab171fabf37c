#!/bin/sh
# Benchmark of the explorer (`motif serve` and its web UI) on a synthetic
# million-point project, in headless Chromium with software WebGL
# (SwiftShader), as web/e2e/bench.mjs measures it: time from navigation to
# the first full render of the map (one cold load, then BENCH_LOADS warm
# reloads), API response sizes, and frame times while panning and zooming.
#
#   bench/explorer/run.sh [WORKDIR] [POINTS] [BASE]
#
# WORKDIR (default bench/out/explorer) receives the motif builds, the
# synthetic project (made once per size) and one JSON file per benchmark
# run. POINTS defaults to 1000000. BASE, a git revision, adds motif built at
# that revision: the two builds then alternate (ROUNDS times, default 2) on
# the same project, for a before/after comparison measured in one session.
# MOTIF_NEW and MOTIF_BASE name ready binaries to use instead of building.
# Needs Go, Node.js, `npm ci` in web/ (done here if missing) and Debian's
# chromium (or CHROMIUM=/path). Prints a summary table (summary.mjs).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$root/bench/out/explorer}
n=${2:-1000000}
base=${3:-}
rounds=${ROUNDS:-2}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cd "$root"
[ -d web/node_modules ] || (cd web && npm ci --no-audit --no-fund)

if [ -n "${MOTIF_NEW:-}" ]; then
	cp "$MOTIF_NEW" "$work/motif-new"
else
	go build -o "$work/motif-new" ./cmd/motif
fi
builds=new
if [ -n "${MOTIF_BASE:-}" ]; then
	cp "$MOTIF_BASE" "$work/motif-base"
	builds="base new"
elif [ -n "$base" ]; then
	rm -rf "$work/base-src"
	mkdir -p "$work/base-src"
	git archive "$base" | tar -x -C "$work/base-src"
	(cd "$work/base-src" && go build -o "$work/motif-base" ./cmd/motif)
	rm -rf "$work/base-src"
	builds="base new"
fi

project=$work/synthetic-$n
if [ ! -f "$project/motif.db" ]; then
	rm -rf "$project"
	go test ./internal/server -run NONE -args -synthetic "$project" -synthetic-n "$n"
fi

rm -f "$work"/bench-*.json
for r in $(seq "$rounds"); do
	for b in $builds; do
		echo "round $r: $b (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
		BENCH_OUT="$work/bench-$b-$r.json" node web/e2e/bench.mjs "$work/motif-$b" "$project" >/dev/null
	done
done
node bench/explorer/summary.mjs "$work"/bench-*.json
