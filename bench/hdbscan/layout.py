"""Make the benchmark's 2-D layout: umap-learn on Fashion-MNIST (70,000 ×
784, train + test) with the reference notebook's parameters (n_neighbors 20,
cosine, min_dist 0, spread 1, random_state 42). Writes the layout as raw
little-endian float32 (n × 2) to the path given, default fmnist_umap.f32.

Reads the IDX files of Debian's dataset-fashion-mnist package.
"""
import gzip
import sys

import numpy as np
import umap

D = "/usr/share/datasets/fashion-mnist/"


def idx_images(path):
    with gzip.open(path) as f:
        b = f.read()
    n = int.from_bytes(b[4:8], "big")
    return np.frombuffer(b, dtype=np.uint8, offset=16).reshape(n, 784)


X = np.vstack([idx_images(D + "train-images-idx3-ubyte.gz"),
               idx_images(D + "t10k-images-idx3-ubyte.gz")]).astype(np.float32)
emb = umap.UMAP(n_components=2, n_neighbors=20, metric="cosine", min_dist=0.0,
                spread=1.0, random_state=42).fit_transform(X)
out = sys.argv[1] if len(sys.argv) > 1 else "fmnist_umap.f32"
np.ascontiguousarray(emb, dtype="<f4").tofile(out)
print("wrote", out, emb.shape)
