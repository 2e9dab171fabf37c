#!/usr/bin/env python3
"""Side-by-side UMAP benchmark: motif (bench/umap/main.go: knn.Build +
umap.Fit) against umap-learn (umap_learn.py), both with the reference
notebook's parameters (n_neighbors 20, cosine, min_dist 0, spread 1,
seed 42), on the same data in the same run. Whole processes alternate
(motif, umap-learn, motif, umap-learn, ...); each is timed with
/usr/bin/time -v (wall clock, user + system CPU time and peak RSS; data
loading and, for umap-learn, numba compilation included), and the medians
are reported. On a shared machine CPU time is the steadier measure.

Usage (from the repository root, Debian's python3 with umap-learn):

    /usr/bin/python3 bench/umap/bench.py [--only fmnist|synthetic|million] [--runs N]

Datasets:
  fmnist     Fashion-MNIST train + test, 70,000 x 784 (Debian package
             dataset-fashion-mnist), pixels as float32.
  synthetic  40,000 x 1,280 unit vectors, clusters of uneven sizes plus
             25 % background (synthetic.py, seed 0).
  million    1,000,000 x 128, the construction of bench/knn/bench.py's
             million-point set (60 clusters in a 32-d latent space, seed 0);
             motif alone, one run, time and memory only (umap-learn would
             take hours; the quality sample would dominate the run). Only
             with --only million.

Quality, on a fixed sample of 3,000 query points (seed 1) of the last
layout of each side, against all n points: trustworthiness@15 (cosine in
the input space, Euclidean in the layout; scikit-learn's formula with the
normaliser's n·k replaced by 3,000·k) and kNN recall@15
(|N_15^input ∩ N_15^layout| / 15, the point itself excluded).
"""
import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import synthetic  # noqa: E402

K_QUALITY = 15
N_QUERIES = 3000
FMNIST_DIR = "/usr/share/datasets/fashion-mnist"


def load_fmnist():
    parts = []
    for name in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
        with gzip.open(os.path.join(FMNIST_DIR, name)) as f:
            raw = f.read()
        parts.append(np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784))
    return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)


def timed(cmd):
    """Run cmd under /usr/bin/time -v; return (stdout JSON, wall s, peak RSS MiB,
    CPU s = user + system)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("%s failed:\n%s" % (cmd[0], p.stderr[-3000:]))
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr)
    parts = [float(v) for v in m.group(1).split(":")]
    wall = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    cpu = sum(float(re.search(r"%s time \(seconds\): (\S+)" % w, p.stderr).group(1))
              for w in ("User", "System"))
    out = p.stdout.strip().splitlines()
    return (json.loads(out[-1]) if out else {}), wall, rss, cpu


def quality(x, emb, seed=1):
    n = x.shape[0]
    q = np.random.default_rng(seed).choice(n, size=N_QUERIES, replace=False)
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    k = K_QUALITY
    penalty, overlap = 0.0, 0.0
    for s in range(0, N_QUERIES, 100):
        qi = q[s:s + 100]
        dh = 1.0 - xn[qi] @ xn.T
        dl = ((emb[qi, None, :] - emb[None, :, :]) ** 2).sum(-1)
        rows = np.arange(len(qi))
        dh[rows, qi] = np.inf
        dl[rows, qi] = np.inf
        # rank r(i, j) = 1 + number of points closer to i than j in the input
        # space (exact ties, which do not occur here, would count as closer).
        sorted_h = np.sort(dh, axis=1)
        low = np.argpartition(dl, k, axis=1)[:, :k]
        high = np.argpartition(dh, k, axis=1)[:, :k]
        vals = dh[rows[:, None], low]
        for i in range(len(qi)):
            r = np.searchsorted(sorted_h[i], vals[i], side="left") + 1
            penalty += np.maximum(r - k, 0).sum()
            overlap += len(np.intersect1d(high[i], low[i]))
    tw = 1 - 2.0 / (N_QUERIES * k * (2 * n - 3 * k - 1)) * penalty
    return tw, overlap / (N_QUERIES * k)


def bench(name, x, runs, tmp, gobin):
    src = os.path.join(tmp, name + ".npy")
    np.save(src, x)
    go_out = os.path.join(tmp, name + "_motif.npy")
    py_out = os.path.join(tmp, name + "_umap_learn.npy")
    res = {"motif": [], "umap-learn": []}
    for r in range(runs):
        out, wall, rss, cpu = timed([gobin, "-in", src, "-out", go_out])
        res["motif"].append((wall, rss, cpu))
        print("  %s run %d motif: %.1f s wall, %.1f s CPU, %.0f MiB %s"
              % (name, r + 1, wall, cpu, rss, json.dumps(out)), flush=True)
        out, wall, rss, cpu = timed([sys.executable, os.path.join(HERE, "umap_learn.py"), src, py_out])
        res["umap-learn"].append((wall, rss, cpu))
        print("  %s run %d umap-learn: %.1f s wall, %.1f s CPU, %.0f MiB %s"
              % (name, r + 1, wall, cpu, rss, json.dumps(out)), flush=True)
    rows = []
    for side, path in (("motif", go_out), ("umap-learn", py_out)):
        tw, rec = quality(x, np.load(path))
        walls = [w for w, _, _ in res[side]]
        rows.append((side, statistics.median(walls), walls,
                     statistics.median([m for _, m, _ in res[side]]),
                     statistics.median([c for _, _, c in res[side]]), tw, rec))
    print("\n| %s %d×%d | median wall s | runs s | median CPU s | peak RSS MiB | trustworthiness@15 | kNN recall@15 |"
          % (name, x.shape[0], x.shape[1]))
    print("|---|---|---|---|---|---|---|")
    for side, wall, walls, rss, cpu, tw, rec in rows:
        print("| %s | %.1f | %s | %.1f | %.0f | %.4f | %.4f |"
              % (side, wall, ", ".join("%.1f" % w for w in walls), cpu, rss, tw, rec))
    print("speed-up: %.1f× wall, %.1f× CPU; trustworthiness difference: %+.4f\n"
          % (rows[1][1] / rows[0][1], rows[1][4] / rows[0][4], rows[0][5] - rows[1][5]), flush=True)


def million(tmp, gobin):
    """The 1,000,000 x 128 scale run, motif alone."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "knn_bench", os.path.join(os.path.dirname(HERE), "knn", "bench.py"))
    knn_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(knn_bench)
    x = knn_bench.synthetic(1000000, 128)
    src = os.path.join(tmp, "million.npy")
    np.save(src, x)
    del x
    out, wall, rss, cpu = timed([gobin, "-in", src, "-out", os.path.join(tmp, "million_motif.npy")])
    print("  million motif: %.1f s wall, %.1f s CPU, %.0f MiB %s" % (wall, cpu, rss, json.dumps(out)), flush=True)
    print("\n| synthetic 1,000,000×128 | wall s | CPU s | peak RSS MiB | kNN s | graph s | init s | epochs s |")
    print("|---|---|---|---|---|---|---|---|")
    print("| motif | %.1f | %.1f | %.0f | %s |" % (wall, cpu, rss, " | ".join(
        "%.1f (CPU %.1f)" % (out[p + "_s"], out[p + "_cpu_s"]) for p in ("knn", "graph", "init", "epochs"))), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["fmnist", "synthetic", "million"])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(HERE))
    with tempfile.TemporaryDirectory() as tmp:
        gobin = os.path.join(tmp, "umap-bench")
        subprocess.run(["go", "build", "-o", gobin, "./bench/umap"], cwd=root, check=True)
        if args.only in (None, "fmnist"):
            bench("fmnist", load_fmnist(), args.runs, tmp, gobin)
        if args.only in (None, "synthetic"):
            bench("synthetic", synthetic.make(), args.runs, tmp, gobin)
        if args.only == "million":
            million(tmp, gobin)


if __name__ == "__main__":
    main()
