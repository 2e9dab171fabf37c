#!/bin/sh
# Fetch benchmark: `motif fetch` from a loopback server (download, sniff, header check,
# decode, thumbnail, pHash, files written temp + rename, catalog commits) against the
# same image work done in memory alone, on the same synthetic 1200 × 675 JPEGs.
#
#   bench/fetch/run.sh [N] [ROUNDS]     (from the repository root; default 200 pictures, 3 rounds)
set -eu
n=${1:-200}
rounds=${2:-3}
out=bench/out/fetch
mkdir -p "$out"
go build -o "$out/bench-fetch" ./bench/fetch
echo "| pictures | mean size | CPUs | JPEG decode alone (img/s) | decode + thumbnail + pHash in memory (img/s) | motif fetch end to end (img/s) | fetch / in-memory | CPU ms per image: decode / in-memory / fetch | in-memory CPU / fetch CPU | fetch CPU outside decoding |"
echo "|---|---|---|---|---|---|---|---|---|---|"
"$out/bench-fetch" -n "$n" -rounds "$rounds"
