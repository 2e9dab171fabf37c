#!/usr/bin/env python3
"""Synthetic stand-in for image embeddings, used by bench.py:
40,000 unit vectors in 1,280 dimensions, 75 % of them in 40 clusters of
uneven sizes (Zipf-like, 1/rank^0.8, at least 60 points) and uneven
tightness (cosine to the cluster centre about 0.70–0.90), 25 % background
points spread around the whole sphere. Seed 0.

    python3 synthetic.py out.npy
"""
import sys

import numpy as np

N, DIM, CLUSTERS, BACKGROUND = 40000, 1280, 40, 0.25


def make(seed=0):
    rng = np.random.default_rng(seed)
    n_bg = int(N * BACKGROUND)
    n_cl = N - n_bg
    w = 1.0 / np.arange(1, CLUSTERS + 1) ** 0.8
    sizes = np.maximum(60, np.floor(w / w.sum() * n_cl)).astype(int)
    sizes[0] += n_cl - sizes.sum()
    centres = rng.standard_normal((CLUSTERS, DIM))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    parts = []
    for c, size in enumerate(sizes):
        s = rng.uniform(0.5, 1.0)  # noise scale: cos to centre = 1/sqrt(1+s^2)
        noise = rng.standard_normal((size, DIM)) / np.sqrt(DIM)
        parts.append(centres[c] + s * noise)
    parts.append(rng.standard_normal((n_bg, DIM)))
    x = np.vstack(parts)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    x = x[rng.permutation(N)]
    return np.ascontiguousarray(x, dtype=np.float32)


if __name__ == "__main__":
    np.save(sys.argv[1], make())
