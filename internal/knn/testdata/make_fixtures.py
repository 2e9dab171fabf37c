#!/usr/bin/env python3
"""Make umap_small_*.csv: the kNN graph umap-learn 0.5 computes for a small
data set (fewer than 4,096 points), where it takes exact neighbours from
sklearn's pairwise_distances and umap.umap_.nearest_neighbors(metric=
"precomputed"), exactly as UMAP.fit does for small data.

Run from this directory:  python3 make_fixtures.py
Needs Debian's umap-learn (0.5.3) and python3-sklearn.
"""
import numpy as np
from sklearn.metrics import pairwise_distances
from umap.umap_ import nearest_neighbors

N, DIM, K = 300, 8, 15

rng = np.random.default_rng(20261204)
x = rng.normal(size=(N, DIM)).astype(np.float32)
np.savetxt("umap_small_data.csv", x, delimiter=",", fmt="%.9g")
for metric in ("euclidean", "cosine"):
    dmat = pairwise_distances(x, metric=metric)
    idx, dist, _ = nearest_neighbors(dmat, K, "precomputed", {}, False, np.random.RandomState(42))
    with open(f"umap_small_{metric}.csv", "w") as f:
        f.write("point,rank,neighbour,distance\n")
        for i in range(N):
            for r in range(K):
                f.write(f"{i},{r},{idx[i, r]},{dist[i, r]:.9g}\n")
