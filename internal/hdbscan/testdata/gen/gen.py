"""Generate the reference fixtures of package hdbscan.

Runs scikit-learn-contrib/hdbscan (release 0.8.43, built from source) on
small data sets and writes, under testdata/:

  <data>.csv     the points, float32 values written with 9 significant digits
                 (they parse back to the same float32)
  cases.json     one entry per (data set, parameters): the library's labels,
                 probabilities, outlier scores, persistence, relative validity,
                 exemplars and exact MST weight, and how well the library's
                 other algorithms and shuffled inputs agree with its Prim.

Usage (from internal/hdbscan):  python3 testdata/gen/gen.py
with the hdbscan package importable (PYTHONPATH pointing at its build).
"""

import json
import os
import sys

import numpy as np
import hdbscan
from sklearn.datasets import make_blobs, make_moons, load_digits
from sklearn.metrics import adjusted_rand_score

# Shuffled copies per algorithm that measure the library's self-agreement.
SHUFFLES = 10

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def f32(x):
    return np.ascontiguousarray(np.asarray(x, dtype=np.float32))


def datasets():
    rng = np.random.RandomState(42)
    d = {}
    X, _ = make_blobs(n_samples=600, centers=4, cluster_std=0.6, random_state=1)
    noise = rng.uniform(X.min(0) - 1, X.max(0) + 1, size=(100, 2))
    d["blobs"] = f32(np.vstack([X, noise]))
    X, _ = make_moons(n_samples=500, noise=0.07, random_state=3)
    d["moons"] = f32(X)
    X, _ = make_blobs(n_samples=[300, 250, 150], centers=[[0, 0], [6, 6], [-5, 7]],
                      cluster_std=[0.4, 1.6, 0.8], random_state=7)
    d["densities"] = f32(X)
    # Exact duplicates: 40 copies of 5 points, and 150 distinct points around.
    base = rng.normal(size=(5, 2)) * 3
    dup = np.repeat(base, 40, axis=0)
    around = rng.normal(size=(150, 2)) * 2.5
    d["duplicates"] = f32(np.vstack([dup, around]))
    # A 2-D UMAP layout of scikit-learn's digits (1,797 × 64), as the
    # notebook lays out its embeddings.
    import umap
    digits = load_digits().data
    emb = umap.UMAP(n_components=2, n_neighbors=20, min_dist=0.0, random_state=42).fit_transform(digits)
    d["umap_digits"] = f32(emb)
    # 3-D and 24-D blobs (the latter takes the dense path).
    X, _ = make_blobs(n_samples=500, n_features=3, centers=5, cluster_std=1.0, random_state=11)
    d["blobs3d"] = f32(X)
    X, _ = make_blobs(n_samples=400, n_features=24, centers=4, cluster_std=2.0, random_state=5)
    d["blobs24d"] = f32(X)
    # Exact duplicates inside clusters: 3 blobs, 4 of their points repeated
    # (8 to 29 more copies drawn; 13 to 18 come out), and 50 uniform noise
    # points (its own random stream, so the data sets above stay as they
    # were).
    drng = np.random.RandomState(8)
    X, _ = make_blobs(n_samples=300, centers=3, cluster_std=0.8, random_state=8)
    picks = drng.choice(len(X), 4, replace=False)
    dup = np.repeat(X[picks], drng.randint(8, 30, size=4), axis=0)
    noise = drng.uniform(X.min(0) - 1, X.max(0) + 1, size=(50, 2))
    d["dupblobs"] = f32(np.vstack([X, dup, noise]))
    return d


def run(X, algorithm, **kw):
    c = hdbscan.HDBSCAN(algorithm=algorithm, gen_min_span_tree=True, **kw)
    c.fit(X.astype(np.float64))
    return c


def mst_weight(c):
    return float(c.minimum_spanning_tree_._mst[:, 2].sum())


def exemplar_indices(X, c):
    Xd = X.astype(np.float64)
    out = []
    for ex in c.exemplars_:
        idx = []
        for row in ex:
            hits = np.where((Xd == row).all(axis=1))[0]
            idx.extend(int(h) for h in hits)
        out.append(sorted(set(idx)))
    return out


def main():
    data = datasets()
    for name, X in data.items():
        with open(os.path.join(OUT, name + ".csv"), "w") as f:
            for row in X:
                f.write(",".join("%.9g" % v for v in row) + "\n")

    cases = []
    # (data, min_cluster_size, min_samples, selection, epsilon, allow_single, max_cluster_size, alpha)
    grid = [
        ("blobs", 15, 1, "eom", 0.0, False, 0, 1.0),
        ("blobs", 15, 1, "leaf", 0.0, False, 0, 1.0),
        ("blobs", 15, 1, "eom", 0.5, False, 0, 1.0),
        ("blobs", 40, 1, "eom", 0.0, True, 0, 1.0),
        ("blobs", 15, 1, "eom", 0.0, False, 120, 1.0),
        ("blobs", 15, 5, "eom", 0.0, False, 0, 1.0),
        ("blobs", 15, 5, "eom", 0.5, False, 0, 1.0),
        ("blobs", 15, 10, "leaf", 0.0, False, 0, 1.0),
        ("moons", 10, 1, "eom", 0.0, False, 0, 1.0),
        ("moons", 10, 1, "eom", 0.0, False, 0, 1.3),
        ("moons", 10, 1, "leaf", 0.1, False, 0, 1.0),
        ("moons", 20, 5, "eom", 0.0, False, 0, 1.0),
        ("moons", 200, 1, "eom", 0.0, True, 0, 1.0),
        ("densities", 10, 1, "eom", 0.0, False, 0, 1.0),
        ("densities", 10, 1, "leaf", 0.0, False, 0, 1.0),
        ("densities", 25, 7, "eom", 0.0, False, 0, 1.0),
        ("duplicates", 10, 1, "eom", 0.0, False, 0, 1.0),
        ("duplicates", 10, 5, "eom", 0.0, False, 0, 1.0),
        ("umap_digits", 15, 1, "eom", 0.0, False, 0, 1.0),
        ("umap_digits", 15, 1, "leaf", 0.0, False, 0, 1.0),
        ("umap_digits", 30, 5, "eom", 0.0, False, 0, 1.0),
        ("umap_digits", 30, 5, "eom", 0.3, False, 0, 1.0),
        ("blobs3d", 10, 1, "eom", 0.0, False, 0, 1.0),
        ("blobs3d", 10, 4, "eom", 0.0, False, 0, 1.0),
        ("blobs24d", 10, 1, "eom", 0.0, False, 0, 1.0),
        ("blobs24d", 10, 3, "eom", 0.0, False, 0, 1.0),
        ("dupblobs", 10, 1, "eom", 0.0, False, 0, 1.0),
        ("dupblobs", 10, 3, "eom", 0.0, False, 0, 1.0),
        ("dupblobs", 10, 10, "eom", 0.0, False, 0, 1.0),
    ]
    for name, mcs, ms, sel, eps, single, maxsize, alpha in grid:
        X = data[name]
        kw = dict(min_cluster_size=mcs, min_samples=ms, cluster_selection_method=sel,
                  cluster_selection_epsilon=eps, allow_single_cluster=single,
                  max_cluster_size=maxsize, alpha=alpha)
        prim = run(X, "prims_kdtree", prediction_data=True, **kw)
        case = dict(name="%s_mcs%d_ms%d_%s_eps%g%s%s%s" % (
            name, mcs, ms, sel, eps, "_single" if single else "",
            "_max%d" % maxsize if maxsize else "", "_alpha%g" % alpha if alpha != 1 else ""),
            data=name + ".csv", min_cluster_size=mcs, min_samples=ms, selection=sel,
            epsilon=eps, allow_single_cluster=single, max_cluster_size=maxsize, alpha=alpha,
            exact=(ms == 1 and alpha == 1 and "dup" not in name),
            labels=prim.labels_.tolist(),
            probabilities=prim.probabilities_.tolist(),
            outlier_scores=[float(v) for v in prim.outlier_scores_],
            persistence=prim.cluster_persistence_.tolist(),
            relative_validity=float(prim.relative_validity_),
            mst_weight=mst_weight(prim))
        if case["exact"]:
            case["exemplars"] = exemplar_indices(X, prim)
        # The library's own agreement between its algorithms (ties make
        # them differ when min_samples > 1), against Prim: approximate
        # Borůvka (the default) and exact Borůvka on the input as given,
        # and Prim and approximate Borůvka on SHUFFLES shuffled copies each
        # (Prim once more on the permutation of seed 0, as before). Which
        # of several tied edges the library merges first depends on the
        # input order and on NumPy's unstable argsort, so a few runs
        # overestimate how well it agrees with itself.
        if X.shape[1] <= 60:
            bex = run(X, "boruvka_kdtree", approx_min_span_tree=False, **kw)
            variants = {"boruvka_approx": run(X, "boruvka_kdtree", **kw).labels_,
                        "boruvka_exact": bex.labels_}
            seeds = [("prims_shuffled", "prims_kdtree", 0)]
            for s in range(1, SHUFFLES + 1):
                seeds += [("prims_shuffled%d" % s, "prims_kdtree", s),
                          ("boruvka_shuffled%d" % s, "boruvka_kdtree", s)]
            for key, algorithm, seed in seeds:
                perm = np.random.RandomState(seed).permutation(len(X))
                shf = run(X[perm], algorithm, **kw)
                shl = np.empty_like(shf.labels_)
                shl[perm] = shf.labels_
                variants[key] = shl
            aris = {k: float(adjusted_rand_score(prim.labels_, l)) for k, l in variants.items()}
            case["ref_agreement_ari"] = min(aris.values())
            case["ref_agreement_detail"] = aris
            case["mst_weight_boruvka_exact"] = mst_weight(bex)
        cases.append(case)
        print(case["name"], "clusters", int(prim.labels_.max()) + 1,
              "agreement", case.get("ref_agreement_ari"), file=sys.stderr)

    # JSON has no NaN: write null, which the tests read back as NaN.
    def clean(v):
        if isinstance(v, float) and not np.isfinite(v):
            if np.isnan(v):
                return None
            return "inf" if v > 0 else "-inf"
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        return v
    cases = clean(cases)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(dict(library="hdbscan " + getattr(hdbscan, "__version__", "0.8.43"),
                       cases=cases), f, indent=None, separators=(",", ":"), allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
