#!/usr/bin/python3
"""Write a ViT-S/14-sized model with random weights (DINOv2 ViT-S/14's shape: patch 14,
384 wide, 12 blocks, 6 heads, MLP 1536, CLS token, 224×224 input → 257 tokens) and a
preprocessor_config.json beside it, for the embedding benchmark:

    /usr/bin/python3 gen_vit_s.py OUTDIR

It reuses the tiny test model's graph builder (internal/embed/testdata/gen.py) with
DINOv2-S's sizes. The weights are random (seed 14); speed, not meaning, is measured.
"""
import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "internal", "embed", "testdata"))
import gen  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out, exist_ok=True)
gen.D, gen.HEADS, gen.MLP, gen.DEPTH = 384, 6, 1536, 12
w = gen.vit_weights(np.random.default_rng(14))
path = os.path.join(out, "vit_s14_random.onnx")
gen.vit_onnx(w, path)
params = sum(v.size for v in w.values())
print(f"{path}: {params / 1e6:.1f} M parameters")
