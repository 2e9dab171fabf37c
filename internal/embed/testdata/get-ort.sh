#!/bin/sh
# Install the ONNX Runtime 1.30 CPU shared library that the npm package onnxruntime-node
# ships into DIR (default: ./ort), and print the path to export as MOTIF_ORT_LIB.
#
#   internal/embed/testdata/get-ort.sh /opt/ort && export MOTIF_ORT_LIB=/opt/ort/libonnxruntime.so.1
set -eu
dir=${1:-ort}
version=1.30.0
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ -f "$dir/libonnxruntime.so.1" ]; then
	echo "$dir/libonnxruntime.so.1"
	exit 0
fi
case $(uname -m) in
x86_64) arch=x64 ;;
aarch64 | arm64) arch=arm64 ;;
*) echo "get-ort.sh: no ONNX Runtime build for $(uname -m) in onnxruntime-node" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "onnxruntime-node@$version" >/dev/null && tar xzf "onnxruntime-node-$version.tgz")
cp "$work/package/bin/napi-v6/linux/$arch/libonnxruntime.so.1" "$dir/"
ln -sf libonnxruntime.so.1 "$dir/libonnxruntime.so"
echo "$dir/libonnxruntime.so.1"
