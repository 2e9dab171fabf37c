#!/bin/sh
# Builds the explorer's UI into internal/server/ui, which the Go binary
# embeds. Run from anywhere; needs Node.js and `npm ci` done in web/.
set -eu
cd "$(dirname "$0")"
out=../internal/server/ui
[ -d node_modules ] || npm ci --no-audit --no-fund
npx tsc --noEmit
rm -rf "$out"
mkdir -p "$out"
npx esbuild src/main.ts --bundle --format=esm --target=es2020 --minify \
  --outfile="$out/app.js"
cp index.html app.css "$out/"
