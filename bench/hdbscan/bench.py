"""The reference side of the HDBSCAN benchmark: scikit-learn-contrib/hdbscan
as the notebook calls it, timed as a whole process by run.sh.

  python3 bench.py cluster layout.f32 [labels.txt]   # min_cluster_size 177, min_samples 5
  python3 bench.py sweep layout.f32                  # the notebook's sweep

Input: raw little-endian float32, 2 values per point.
"""
import json
import sys
import time

import numpy as np
import hdbscan
from sklearn.metrics import silhouette_score


def load(path):
    return np.fromfile(path, dtype="<f4").reshape(-1, 2)


def cluster(path, labels_out=None):
    X = load(path)
    t0 = time.time()
    c = hdbscan.HDBSCAN(min_cluster_size=177, min_samples=5).fit(X)
    el = time.time() - t0
    if labels_out:
        np.savetxt(labels_out, c.labels_, fmt="%d")
    print(json.dumps(dict(n=len(X), clusters=int(c.labels_.max()) + 1,
                          noise=int((c.labels_ < 0).sum()), cluster_s=el)))


def sweep(path):
    X = load(path)
    t0 = time.time()
    rows = []
    for mcs in range(2, 200, 5):
        c = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=5).fit(X)
        lab = c.labels_
        k = int(lab.max()) + 1
        mask = lab >= 0
        sil = float("nan")
        if k >= 2:
            sil = float(silhouette_score(X[mask], lab[mask], sample_size=20000, random_state=42))
        rows.append(dict(min_cluster_size=mcs, clusters=k, noise_fraction=float((~mask).mean()),
                         mean_persistence=float(np.mean(c.cluster_persistence_)) if k else 0.0,
                         silhouette=sil))
    print(json.dumps(dict(n=len(X), settings=len(rows), total_s=time.time() - t0, rows=rows)))


if __name__ == "__main__":
    if sys.argv[1] == "cluster":
        cluster(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        sweep(sys.argv[2])
