#!/usr/bin/env python3
"""Regenerates testdata/dbcv.json from scikit-learn-contrib/hdbscan.

hdbscan is not packaged by Debian: build it from a source checkout (0.8.43)
in place and name that checkout in HDBSCAN_SRC:

    HDBSCAN_SRC=path/to/hdbscan python3 testdata/gen/gen_dbcv.py

(run from internal/quality; see testdata/README.md for the build).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.environ["HDBSCAN_SRC"])
from hdbscan.validity import validity_index  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
rng = np.random.default_rng(4122026)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def blobs(sizes, dim, spread=1.0, sep=5.0, noise=0):
    centres = rng.normal(scale=sep, size=(len(sizes), dim))
    xs, ls = [], []
    for c, m in enumerate(sizes):
        xs.append(centres[c] + rng.normal(scale=spread, size=(m, dim)))
        ls += [c] * m
    if noise:
        xs.append(rng.uniform(-2 * sep, 2 * sep, size=(noise, dim)))
        ls += [-1] * noise
    x = np.vstack(xs)
    perm = rng.permutation(len(ls))
    return f32(x[perm]), np.asarray(ls)[perm]


cases = []


def add(name, x, labels, metric):
    labels = np.asarray(labels, dtype=np.int64)
    score, per = validity_index(x, labels, metric=metric, per_cluster_scores=True)
    present = set(labels[labels >= 0].tolist())
    cases.append({
        "name": name,
        "metric": metric,
        "n": int(x.shape[0]),
        "dim": int(x.shape[1]),
        "data": x.ravel().tolist(),
        "labels": labels.tolist(),
        "score": float(score),
        # null for labels no point carries
        "clusters": [float(v) if c in present else None for c, v in enumerate(per)],
    })


x, l = blobs([30, 25, 20], 2, noise=10)
add("blobs-2d-noise", x, l, "euclidean")
x, l = blobs([15, 15], 3, spread=2.0, sep=1.5)
add("overlapping-3d", x, l, "euclidean")
x, l = blobs([20, 18, 12], 4)
add("blobs-4d-cosine", x, l, "cosine")
x, l = blobs([2, 3, 12], 2)
add("tiny-clusters", x, l, "euclidean")
x, l = blobs([10, 10, 10], 2, noise=4)
l = np.where(l == 1, 3, l)  # label 1 unused
add("label-gap", x, l, "euclidean")
t = rng.uniform(0, 10, size=40)
x = f32(np.c_[t, 0.3 * rng.normal(size=40) + (t > 5) * 4.0])
add("elongated", x, (t > 5).astype(int), "euclidean")
x, l = blobs([25, 25, 25], 12, spread=1.5)
add("blobs-12d-euclidean", x, l, "euclidean")
# Integer lattice points: mutual-reachability ties everywhere, so the tree
# depends on Prim's and the edge attribution's tie rules.
g = np.array([(i, j) for i in range(5) for j in range(4)], dtype=float)
x = f32(np.vstack([g, g + [8, 1], g[:12] + [2, 7]]))
add("lattice-ties", x, [0] * 20 + [1] * 20 + [2] * 12, "euclidean")
# 300 dimensions: (1/d)^300 overflows to inf for d < ~0.1, making core
# distances 0, as in the reference.
x, l = blobs([15, 15], 300, spread=0.004, sep=0.05)
add("overflow-300d", x, l, "euclidean")
# Labels as a density-based clusterer produces them: noise and uneven
# clusters. (hdbscan 0.8.43's own fit needs scikit-learn >= 1.6, newer than
# Debian's 1.2, so scikit-learn's DBSCAN stands in; validity_index runs.)
from sklearn.cluster import DBSCAN  # noqa: E402

x, _ = blobs([150, 120, 90, 60], 2, spread=1.2, noise=80)
l = DBSCAN(eps=0.6, min_samples=6).fit_predict(x)
add("dbscan-labels-2d", x, l, "euclidean")

with open(os.path.join(OUT, "dbcv.json"), "w") as f:
    json.dump({"generator": "testdata/gen/gen_dbcv.py", "hdbscan": "0.8.43", "cases": cases}, f, indent=1)
    f.write("\n")
