#!/bin/sh
# Runs the explorer's end-to-end test in headless Chromium.
# Usage: web/e2e/run.sh PATH_TO_MOTIF
# Needs Node.js, Debian's chromium (or CHROMIUM=/path/to/chrome), and npm ci
# in web/ (done here if missing). Screenshots go to $E2E_SCREENSHOTS.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 PATH_TO_MOTIF" >&2; exit 2; }
motif=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
exec node e2e/e2e.mjs "$motif"
