#!/usr/bin/env python3
"""Side-by-side kNN benchmark: motif's knn.Build against pynndescent's
NNDescent called exactly as umap-learn 0.5 calls it, on the same data in the
same run, with recall of each against exact neighbours of a fixed sample of
query points.

Usage (from the repository root):

    python3 bench/knn/bench.py [--only fmnist|synthetic|million] [--threads N]

Datasets:
  fmnist     Fashion-MNIST, train + test, 70,000 x 784 (Debian package
             dataset-fashion-mnist), pixel values as float32.
  synthetic  40,000 x 1280: 60 Gaussian clusters in a 32-d latent space,
             mapped by a random linear map to 1,280-d, plus isotropic noise
             (a stand-in for image embeddings: high ambient, low intrinsic
             dimension). Seed 0.
  million    1,000,000 x 128 of the same construction (motif only; time and
             peak RSS from /usr/bin/time -v).

Recall@k is |approx ∩ exact| / k over the 3,000 sampled points (seed 1), the
point itself included. Exact neighbours come from brute force in Go
(knn.Nearest, which the package tests check against a naive float64 search),
cross-checked here against float64 numpy on 20 of the queries.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

K = 20
METRIC = "cosine"
N_QUERIES = 3000
FMNIST_DIR = "/usr/share/datasets/fashion-mnist"


def load_fmnist():
    parts = []
    for name in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
        with gzip.open(os.path.join(FMNIST_DIR, name)) as f:
            raw = f.read()
        parts.append(np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784))
    return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)


def synthetic(n, dim, latent=32, clusters=60, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, latent)).astype(np.float32)
    labels = rng.integers(clusters, size=n)
    z = centres[labels] + 0.35 * rng.normal(size=(n, latent)).astype(np.float32)
    w = rng.normal(size=(latent, dim)).astype(np.float32) / np.sqrt(latent)
    x = z @ w + 0.05 * rng.normal(size=(n, dim)).astype(np.float32)
    return np.ascontiguousarray(x, dtype=np.float32)


def exact_neighbours_numpy(x, queries, k, metric):
    """Exact k nearest (point itself included) of x[queries], in float64:
    the cross-check of the Go brute force on a few queries."""
    x64 = x.astype(np.float64)
    if metric == "cosine":
        x64 /= np.linalg.norm(x64, axis=1, keepdims=True)
    out = np.empty((len(queries), k), dtype=np.int64)
    for r, q in enumerate(queries):
        if metric == "cosine":
            d = 1.0 - x64 @ x64[q]
        else:
            d = ((x64 - x64[q]) ** 2).sum(1)
        d[q] = -np.inf  # the point itself first
        part = np.argpartition(d, k - 1)[:k]
        out[r] = part[np.argsort(d[part], kind="stable")]
    return out


def recall(approx, exact):
    hits = sum(len(set(a) & set(e)) for a, e in zip(approx, exact))
    return hits / exact.size


def run_pynndescent(x, k, metric, threads):
    # As umap-learn 0.5's nearest_neighbors calls it.
    from pynndescent import NNDescent
    n = x.shape[0]
    n_trees = min(64, 5 + int(round(n ** 0.5 / 20.0)))
    n_iters = max(5, int(round(np.log2(n))))
    t = time.perf_counter()
    c = time.process_time()
    index = NNDescent(x, n_neighbors=k, metric=metric, random_state=42,
                      n_trees=n_trees, n_iters=n_iters, max_candidates=60,
                      low_memory=True, n_jobs=threads, verbose=False, compressed=False)
    idx, _ = index.neighbor_graph
    return idx, time.perf_counter() - t, time.process_time() - c


def build_motif(tmp):
    exe = os.path.join(tmp, "knn-bench")
    subprocess.run(["go", "build", "-o", exe, "./bench/knn"], check=True)
    return exe


def run_motif(exe, path, out, k, metric, threads, timev=False, queries=None, exact_out=None):
    cmd = [exe, "-in", path, "-out", out, "-k", str(k), "-metric", metric,
           "-threads", str(threads if threads > 0 else 0)]
    if queries:
        cmd += ["-queries", queries, "-exact-out", exact_out]
    if timev:
        cmd = ["/usr/bin/time", "-v"] + cmd
    t = time.perf_counter()
    p = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["wall_s"] = wall
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    if m:
        res["peak_rss_mib"] = int(m.group(1)) / 1024
    return res


def bench(name, x, exe, tmp, threads, with_pynndescent=True):
    n, dim = x.shape
    path = os.path.join(tmp, name + ".npy")
    out = os.path.join(tmp, name + "-idx.npy")
    np.save(path, x)
    queries = np.random.default_rng(1).choice(n, size=min(N_QUERIES, n), replace=False)
    qpath = os.path.join(tmp, name + "-queries.txt")
    np.savetxt(qpath, queries, fmt="%d")
    epath = os.path.join(tmp, name + "-exact.npy")
    rows = []
    m = run_motif(exe, path, out, K, METRIC, threads, timev=not with_pynndescent,
                  queries=qpath, exact_out=epath)
    # With pynndescent to compare, run the Go build again alone, so that its
    # CPU time excludes the exact search done in the run above.
    m2 = run_motif(exe, path, out, K, METRIC, threads) if with_pynndescent else m
    truth = np.load(epath)
    check = exact_neighbours_numpy(x, queries[:20], K, METRIC)
    agree = recall(truth[:20], check)
    print(f"# {name}: {n} x {dim}; exact neighbours of {len(queries)} queries by Go brute "
          f"force in {m['exact_s']:.1f} s; agreement with float64 numpy on 20 of them: "
          f"{agree:.4f}", file=sys.stderr)
    idx = np.load(out)
    rows.append(("motif knn.Build", m2["build_s"], m2["cpu_s"], recall(idx[queries], truth),
                 m.get("peak_rss_mib")))
    if with_pynndescent:
        for label in ("pynndescent (first call, JIT)", "pynndescent (second call)"):
            pidx, secs, cpu = run_pynndescent(x, K, METRIC, threads if threads > 0 else -1)
            rows.append((label, secs, cpu, recall(pidx[queries], truth), None))
    for label, secs, cpu, rec, rss in rows:
        rss_s = f" | {rss:.0f}" if rss else ""
        print(f"| {name} {n}×{dim} | {label} | {secs:.2f} | {cpu:.2f} | {rec:.4f}{rss_s} |", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["fmnist", "synthetic", "million"])
    ap.add_argument("--threads", type=int, default=0, help="0 = all cores")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exe = build_motif(tmp)
        print("| data | method | wall s | CPU s | recall@20 (3,000 queries) | peak RSS MiB |")
        print("|---|---|---|---|---|---|")
        if args.only in (None, "fmnist"):
            bench("fashion-mnist", load_fmnist(), exe, tmp, args.threads)
        if args.only in (None, "synthetic"):
            bench("synthetic", synthetic(40000, 1280), exe, tmp, args.threads)
        if args.only == "million":
            bench("synthetic", synthetic(1000000, 128), exe, tmp, args.threads, with_pynndescent=False)


if __name__ == "__main__":
    main()
