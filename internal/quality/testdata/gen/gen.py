#!/usr/bin/env python3
"""Regenerates the quality package's reference fixtures from scikit-learn.

Run from internal/quality:  python3 testdata/gen/gen.py
Writes testdata/silhouette.json, testdata/agreement.json and
testdata/trustworthiness.json. Inputs are drawn with a fixed NumPy seed and
stored as float32 values; scikit-learn scores them in float64.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.manifold import trustworthiness
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
    silhouette_samples,
    silhouette_score,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
rng = np.random.default_rng(20261204)


def f32(a):
    """float32 values as float64, so both sides score identical inputs."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def blobs(sizes, dim, spread=1.0, sep=4.0):
    centres = rng.normal(scale=sep, size=(len(sizes), dim))
    xs, ls = [], []
    for c, m in enumerate(sizes):
        xs.append(centres[c] + rng.normal(scale=spread, size=(m, dim)))
        ls += [c] * m
    x = np.vstack(xs)
    perm = rng.permutation(len(ls))
    return f32(x[perm]), np.asarray(ls)[perm]


def silhouette_cases():
    cases = []

    def add(name, x, labels, metric):
        labels = np.asarray(labels, dtype=np.int64)
        cases.append({
            "name": name,
            "metric": metric,
            "n": int(x.shape[0]),
            "dim": int(x.shape[1]),
            "data": x.ravel().tolist(),
            "labels": labels.tolist(),
            "score": float(silhouette_score(x, labels, metric=metric)),
            "samples": silhouette_samples(x, labels, metric=metric).tolist(),
        })

    x, l = blobs([20, 15, 12], 2)
    add("blobs-2d-euclidean", x, l, "euclidean")
    add("blobs-2d-cosine", x, l, "cosine")
    x, l = blobs([10, 9, 8, 1, 1], 5)  # two singleton clusters
    add("singletons-5d-euclidean", x, l, "euclidean")
    add("singletons-5d-cosine", x, l, "cosine")
    x, l = blobs([25, 25], 16, spread=2.0, sep=1.0)
    add("overlapping-16d-cosine", x, l, "cosine")
    add("overlapping-16d-euclidean", x, l, "euclidean")
    x, l = blobs([12, 12, 12], 3)
    l = l.copy()
    l[:5] = -1  # noise as an ordinary label, as scikit-learn sees it
    add("noise-label-3d-euclidean", x, l, "euclidean")
    x = f32(rng.normal(size=(30, 4)))
    add("random-labels-4d-euclidean", x, rng.integers(0, 3, size=30) * 7 - 3, "euclidean")
    # Exact duplicates split across clusters: a = b = 0 gives 0.
    x = f32([[0, 0], [0, 0], [0, 0], [0, 0], [1, 1], [1, 2]])
    add("duplicates-2d-euclidean", x, [0, 0, 1, 1, 2, 2], "euclidean")
    # A zero vector is at cosine distance 1 from everything.
    x = f32([[0, 0, 0], [1, 0.1, 0], [0.9, 0, 0.1], [0, 1, 0.2], [0.1, 0.8, 0], [0, 0, 0]])
    add("zero-vectors-cosine", x, [0, 0, 0, 1, 1, 1], "cosine")
    return cases


def agreement_cases():
    cases = []

    def add(name, a, b):
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        cases.append({
            "name": name,
            "a": a.tolist(),
            "b": b.tolist(),
            "ari": float(adjusted_rand_score(a, b)),
            "ami": float(adjusted_mutual_info_score(a, b)),
            "nmi": float(normalized_mutual_info_score(a, b)),
        })

    r = rng.integers(0, 4, size=40)
    add("identical", r, r)
    add("renamed", r, (r * 5 + 11) % 23)
    add("random-small", rng.integers(0, 3, size=12), rng.integers(0, 4, size=12))
    add("random-40", r, rng.integers(0, 5, size=40))
    add("both-one-cluster", [7] * 10, [3] * 10)
    add("one-cluster-vs-split", [0] * 10, [0] * 5 + [1] * 5)
    add("split-vs-one-cluster", [0] * 6 + [1] * 4, [2] * 10)
    add("all-singletons", list(range(9)), list(range(9)))
    add("singletons-vs-one-cluster", list(range(9)), [0] * 9)
    add("singletons-vs-pairs", list(range(10)), [i // 2 for i in range(10)])
    add("single-point", [4], [-1])
    add("two-points-apart", [0, 1], [0, 0])
    t = rng.integers(0, 10, size=500)
    p = t.copy()
    flip = rng.random(500) < 0.3
    p[flip] = rng.integers(-1, 12, size=flip.sum())
    add("noisy-500", t, p)
    t = np.repeat(np.arange(6), [200, 100, 50, 25, 12, 6])
    p = np.where(rng.random(len(t)) < 0.2, -1, t // 2)
    add("unbalanced-with-noise", t, p)
    add("large-many-classes", rng.integers(0, 40, size=3000), rng.integers(0, 25, size=3000))
    return cases


def trust_cases():
    cases = []
    for name, metric, n, dim in [
        ("gaussian-10d-euclidean", "euclidean", 80, 10),
        ("gaussian-12d-cosine", "cosine", 70, 12),
        ("blobs-6d-euclidean", "euclidean", 60, 6),
    ]:
        if name.startswith("blobs"):
            high, _ = blobs([20, 20, 20], dim)
        else:
            high = f32(rng.normal(size=(n, dim)))
        proj = rng.normal(size=(dim, 2))
        low = f32(high @ proj + rng.normal(scale=0.5, size=(n, 2)))
        ks = [1, 2, 5, 10, 20, n // 2 - 1]
        cases.append({
            "name": name,
            "metric": metric,
            "n": n,
            "high_dim": dim,
            "low_dim": 2,
            "high": high.ravel().tolist(),
            "low": low.ravel().tolist(),
            "k": ks,
            "trustworthiness": [float(trustworthiness(high, low, n_neighbors=k, metric=metric)) for k in ks],
        })
    return cases


def write(name, cases):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"generator": "testdata/gen/gen.py", "sklearn": sklearn.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


write("silhouette.json", silhouette_cases())
write("agreement.json", agreement_cases())
write("trustworthiness.json", trust_cases())
