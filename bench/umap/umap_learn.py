#!/usr/bin/env python3
"""umap-learn side of bench.py: lay out a float32 .npy matrix with
umap.UMAP and the reference notebook's parameters, save the layout as .npy,
and print the fit time as JSON.

    python3 umap_learn.py X.npy layout.npy [n_neighbors] [metric] [min_dist] [seed]
"""
import json
import sys
import time

import numpy as np
import umap


def main():
    src, dst = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    metric = sys.argv[4] if len(sys.argv) > 4 else "cosine"
    min_dist = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 42
    t0 = time.time()
    x = np.load(src)
    load = time.time() - t0
    t1 = time.time()
    emb = umap.UMAP(n_components=2, n_neighbors=k, metric=metric, min_dist=min_dist,
                    spread=1.0, random_state=seed).fit_transform(x)
    fit = time.time() - t1
    np.save(dst, emb.astype(np.float32))
    print(json.dumps({"n": x.shape[0], "dim": x.shape[1], "load_s": load, "fit_s": fit}))


if __name__ == "__main__":
    main()
