#!/usr/bin/env python3
"""Generate the umap-learn reference fixtures of package umap.

Run from this directory with Debian's python3 and umap-learn 0.5.3
(apt-get install umap-learn python3-sklearn dataset-fashion-mnist):

    /usr/bin/python3 gen_fixtures.py

It writes only text files next to itself; see README.md.
"""
import gzip
import json

import numpy as np
import scipy.sparse
import umap
from sklearn.manifold import trustworthiness
from umap.spectral import spectral_layout
from umap.umap_ import (find_ab_params, fuzzy_simplicial_set,
                        nearest_neighbors, smooth_knn_dist)


def write_matrix(path, x, fmt="%.9g"):
    np.savetxt(path, x, delimiter=",", fmt=fmt)


# 1. a, b of the low-dimensional curve.
with open("ab.csv", "w") as f:
    f.write("spread,min_dist,a,b\n")
    for spread, min_dist in [(1, 0), (1, 0.001), (1, 0.05), (1, 0.1), (1, 0.25),
                             (1, 0.5), (1, 0.8), (1, 0.99), (2, 0.5), (0.5, 0.1), (3, 1)]:
        a, b = find_ab_params(spread, min_dist)
        f.write("%g,%g,%.12g,%.12g\n" % (spread, min_dist, a, b))


def fuzzy_fixture(prefix, x, k, metric, local_connectivity=1.0, set_op_mix_ratio=1.0,
                  write_data=True):
    """kNN graph, sigma/rho, fuzzy graph and spectral layout of x."""
    rs = np.random.RandomState(0)
    idx, dst, _ = nearest_neighbors(x, k, metric, {}, metric == "cosine", rs)
    if write_data:
        write_matrix(prefix + "_data.csv", x)
    write_matrix(prefix + "_knn_indices.csv", idx, "%d")
    write_matrix(prefix + "_knn_dists.csv", dst)
    sig, rho = smooth_knn_dist(dst.astype(np.float32), float(k),
                               local_connectivity=float(local_connectivity))
    write_matrix(prefix + "_sigma_rho.csv", np.c_[sig, rho])
    g, _, _ = fuzzy_simplicial_set(x, k, rs, metric, {}, idx, dst,
                                   set_op_mix_ratio=set_op_mix_ratio,
                                   local_connectivity=local_connectivity)
    g = g.tocoo()
    g.sum_duplicates()
    write_matrix(prefix + "_graph.csv", np.c_[g.row, g.col, g.data], "%.9g")
    # The spectral layout sees the graph after simplicial_set_embedding's
    # pruning of weights below max/n_epochs (500 epochs below 10,000 points).
    g.data[g.data < g.data.max() / 500.0] = 0
    g.eliminate_zeros()
    emb = spectral_layout(x, g, 2, np.random.RandomState(42), metric=metric)
    write_matrix(prefix + "_spectral.csv", emb)


rng = np.random.default_rng(7)
# 2. A connected manifold: a noisy Swiss roll in 10 dimensions, 600 points.
t = 1.5 * np.pi * (1 + 2 * rng.random(600))
h = 20 * rng.random(600)
roll = np.c_[t * np.cos(t), h, t * np.sin(t)]
x = np.c_[roll, 0.3 * rng.standard_normal((600, 7))].astype(np.float32)
fuzzy_fixture("roll", x, 15, "euclidean")
fuzzy_fixture("roll_lc", x, 10, "euclidean", local_connectivity=1.5, set_op_mix_ratio=0.6,
              write_data=False)  # same points as roll_data.csv

# 3. Six well-separated blobs (disconnected graph) under cosine, 6 × 60 points.
centres = 8 * rng.standard_normal((6, 12))
blobs = np.concatenate([c + 0.5 * rng.standard_normal((60, 12)) for c in centres]).astype(np.float32)
fuzzy_fixture("blobs", blobs, 10, "cosine")

# 4. Layout quality on Fashion-MNIST: the first 2,000 test images (Debian's
# dataset-fashion-mnist), notebook parameters, several seeds.
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    fm = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:2000].astype(np.float32) / 255
out = {"input": "fashion-mnist t10k-images first 2000 rows, pixels / 255",
       "params": {"n_neighbors": 20, "metric": "cosine", "min_dist": 0.0, "spread": 1.0},
       "trustworthiness_k": 15, "trustworthiness_metric": "cosine", "runs": []}
for seed in [42, 1, 2]:
    emb = umap.UMAP(n_neighbors=20, metric="cosine", min_dist=0.0, spread=1.0,
                    random_state=seed).fit_transform(fm)
    tw = trustworthiness(fm, emb, n_neighbors=15, metric="cosine")
    out["runs"].append({"random_state": seed, "trustworthiness": round(float(tw), 6)})
with open("fashion_quality.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
