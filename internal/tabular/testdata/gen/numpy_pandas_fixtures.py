"""Writes the .npy, CSV, TSV and JSON Lines fixtures of internal/tabular
with numpy and pandas (Debian's python3-numpy and python3-pandas).

Usage, from internal/tabular/testdata:  python3 gen/numpy_pandas_fixtures.py .

Every value is a formula of the row (and element) number, so the tests
recompute what they expect; see ../README.md.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")


def matrix(rows, cols, step, dtype):
    """Element (i, j) = (i*cols + j - 5) * step, computed in dtype."""
    return ((np.arange(rows * cols, dtype=dtype) - 5) * dtype(step)).reshape(rows, cols)


def save(name, arr, version=None):
    with open(out / name, "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)


save("numpy_f4.npy", matrix(3, 4, 0.25, np.float32))
save("numpy_f8.npy", matrix(4, 3, 0.1, np.float64))
save("numpy_f4_big_endian.npy", matrix(3, 4, 0.25, np.float32).astype(">f4"))
save("numpy_f4_fortran.npy", np.asfortranarray(matrix(3, 4, 0.25, np.float32)))
save("numpy_f4_v2.npy", matrix(3, 4, 0.25, np.float32), version=(2, 0))
save("numpy_f4_v3.npy", matrix(3, 4, 0.25, np.float32), version=(3, 0))
save("numpy_bad_1d.npy", np.arange(5, dtype=np.float32))
save("numpy_bad_3d.npy", np.zeros((2, 2, 2), dtype=np.float32))
save("numpy_bad_int32.npy", np.arange(6, dtype=np.int32).reshape(2, 3))
nan = matrix(3, 4, 0.25, np.float32)
nan[1, 2] = np.nan
save("numpy_bad_nan.npy", nan)
save("numpy_bad_zero_rows.npy", np.zeros((0, 4), dtype=np.float32))
full = (out / "numpy_f4.npy").read_bytes()
(out / "numpy_bad_truncated.npy").write_bytes(full[:-5])

# Posts as pandas writes them. Row i:
#   id          1000 + i
#   url         https://example.org/p/<i>.jpg
#   text        'post <i>, "quoted"\nline two é', missing when i % 4 == 3
#   likes       i * 1.5, missing when i % 3 == 2
#   verified    i % 2 == 0
#   created_at  2024-06-09 20:00 UTC + i hours
#   embedding   [(i*4 + k - 10) * 0.25 for k in 0..3]
n = 12
rows = []
for i in range(n):
    rows.append({
        "id": 1000 + i,
        "url": f"https://example.org/p/{i}.jpg",
        "text": None if i % 4 == 3 else f'post {i}, "quoted"\nline two é',
        "likes": float("nan") if i % 3 == 2 else i * 1.5,
        "verified": i % 2 == 0,
        "created_at": pd.Timestamp("2024-06-09 20:00", tz="UTC") + pd.Timedelta(hours=i),
        "embedding": [(i * 4 + k - 10) * 0.25 for k in range(4)],
    })
df = pd.DataFrame(rows)
df.to_csv(out / "pandas_posts.csv")  # with the unnamed index column
df.to_csv(out / "pandas_posts_semicolon.csv", sep=";", index=False)
df.to_csv(out / "pandas_posts.tsv", sep="\t", index=False, encoding="utf-8-sig")  # with a BOM
df.to_json(out / "pandas_posts.jsonl", orient="records", lines=True, date_format="iso", force_ascii=False)
print("numpy", np.__version__, "pandas", pd.__version__)
