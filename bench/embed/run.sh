#!/bin/sh
# Embedding benchmark: motif's end-to-end pipeline against ONNX Runtime alone on prepared
# tensors, with the real MobileNetV2 model (../shared/models/) and a ViT-S/14-sized model of
# random weights. Needs MOTIF_ORT_LIB (internal/embed/testdata/get-ort.sh), Debian's
# python3-onnx, python3-numpy, python3-pil and python3-skimage.
#
#   bench/embed/run.sh [N [ROUNDS]]   (from the repository root; N pictures, default 200;
#                                      ROUNDS alternated rounds, default 3)
set -eu
n=${1:-200}
rounds=${2:-3}
out=bench/out/embed
mkdir -p "$out"
[ -f "$out/vit_s14_random.onnx" ] || /usr/bin/python3 bench/embed/gen_vit_s.py "$out"
[ -d "$out/images" ] || /usr/bin/python3 bench/embed/make_images.py "$out/images" "$n"
go build -o "$out/bench-embed" ./bench/embed
echo "| model | pictures | batch | CPUs | decode+preprocess (CPU ms/img) | ONNX Runtime alone, spinning (img/s) | ONNX Runtime alone, sleeping (img/s) | motif end to end (img/s) | end to end / best ONNX Runtime alone | CPU ms/img: ORT spinning | CPU ms/img: ORT sleeping | CPU ms/img: end to end |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for m in ../shared/models/mobilenet_v2_embedder.onnx "$out/vit_s14_random.onnx"; do
	[ -f "$m" ] || { echo "skip $m (absent)" >&2; continue; }
	"$out/bench-embed" -model "$m" -images "$out/images" -n "$n" -rounds "$rounds"
done
